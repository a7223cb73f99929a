import ActivationCore
@testable import ActivationHTTP
import ActivationSpoolFiles
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The registration page through the real server on loopback: the form, its checks,
/// the characters, the spool record, and what is refused. The browser journey is in
/// activationdTests' RegistrationBrowserTests.
@Suite("The registration page")
struct RegisterPageTests {
    static let valid: [String: String] = [
        "username": "jdoe2026", "firstName": "Jane", "lastName": "Doe", "email": "jane@example.org",
        "confirmEmail": "jane@example.org", "password": "Secr3tPass", "confirmPassword": "Secr3tPass",
        "passwordPhrase": "blue heron at dawn", "acceptedConditions": "yes", "action": "create",
    ]

    /// A fixture with a spool, and the options that turn the page on.
    struct Page {
        let fixture: HTTPFixture
        let spool: SpoolDirectory
        var options: HTTPOptions

        init() async throws {
            fixture = try await HTTPFixture()
            spool = SpoolDirectory(fixture.directory.appendingPathComponent("spool").path)
            try spool.create()
            options = HTTPOptions()
            options.registrationSpool = spool.root
            options.serviceName = "Example Accounts"
            options.supportContact = "help@example.org"
        }

        /// The seal the server uses: derived from the first signing key, as the browser test does.
        var seal: ChallengeSeal { ChallengeSeal(key: fixture.keys.keys[0].derivationKey) }

        /// The records in `new/`, decoded.
        func records() throws -> [Registration] {
            try FileManager.default.contentsOfDirectory(atPath: spool.new).sorted().map { name in
                try RegistrationDecoder.decode(Data(contentsOf: URL(fileURLWithPath: spool.new + "/" + name)))
            }
        }
    }

    /// The hidden token of a form page.
    static func token(in html: String) throws -> String {
        let marker = #"name="challengeToken" value=""#
        let start = try #require(html.range(of: marker)).upperBound
        return String(html[start...].prefix { $0 != "\"" })
    }

    /// A filled form for `page`'s token with its answer, changed by `changes`.
    static func filled(_ html: String, seal: ChallengeSeal, now: Date, _ changes: [String: String] = [:]) throws
        -> [String: String]
    {
        let token = try token(in: html)
        var fields = valid
        fields["challengeToken"] = token
        fields["challengeAnswer"] = try seal.open(token, now: now).answer.lowercased()
        fields.merge(changes) { _, new in new }
        return fields
    }

    /// The messages shown in `<div … id="<field>-error">`.
    static func messages(of field: String, in html: String) -> [String] {
        guard let start = html.range(of: #"id="\#(field)-error" aria-live="polite">"#)?.upperBound,
              let end = html[start...].range(of: "</div>")?.lowerBound
        else { return [] }
        return html[start..<end].components(separatedBy: "<p>").dropFirst()
            .map { $0.replacingOccurrences(of: "</p>", with: "") }
            .map { $0.replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"") }
    }

    @Test func theFormIsOffUnlessTurnedOn() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        try await fixture.withRouter { client in
            let get = try await client.execute(uri: "/register", method: .get)
            let post = try await client.postForm("/register", Self.valid)
            let challenge = try await client.execute(uri: "/api/v1/register/challenge", method: .get)
            #expect(get.status == .notFound && post.status == .notFound && challenge.status == .notFound)
        }
    }

    @Test func theSeedsFormFieldForFieldInItsOrder() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(page.options) { client in
            let response = try await client.execute(uri: "/register", method: .get)
            #expect(response.status == .ok)
            let html = response.text
            let order = ["id=\"username\"", "id=\"firstName\"", "id=\"lastName\"", "id=\"email\"", "id=\"confirmEmail\"",
                         "id=\"password\"", "id=\"confirmPassword\"", "id=\"passwordPhrase\"", "id=\"challenge-image\"",
                         "Refresh</button>", "id=\"challengeAnswer\"", "id=\"conditions\"", "id=\"acceptedConditions\"",
                         "Create My Account"]
            let positions = order.map { html.range(of: $0)?.lowerBound }
            #expect(!positions.contains(nil), "missing: \(zip(order, positions).filter { $0.1 == nil }.map(\.0))")
            #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "fields out of the seed's order")
            // The seed's rules and wording.
            for text in ["Can be from 5 to 16 characters in length.",
                         "Can include letters and numbers; no spaces, punctuation or special characters.",
                         "Must be different than your password.", "Must be 8-16 characters.",
                         "Must contain at least one uppercase character and one lowercase character.",
                         "Must contain at least one number.",
                         "This will be displayed when you are prompted for your password. If you don't see your phrase, don't provide your password!",
                         "Create your Example Accounts account", "<title>Create your account · Example Accounts</title>",
                         "mailto:help@example.org"] {
                #expect(html.contains(text), "missing \(text)")
            }
            // Every field has a label and names its error text.
            for name in RegistrationForm.fields {
                #expect(html.contains("<label for=\"\(name)\">"), "no label for \(name)")
                #expect(html.contains("id=\"\(name)-error\""), "no error text for \(name)")
                let input = try #require(html.range(of: "id=\"\(name)\" name=\"\(name)\""))
                let tag = html[input.lowerBound...].prefix { $0 != ">" }
                #expect(tag.contains("aria-describedby=\"") && tag.contains("\(name)-error"), "\(name) does not name its error")
            }
            // The picture: a PNG in an img with its size and label, nothing else in its box; the
            // answer not in the markup; the honeypot out of sight.
            let box = try #require(html.range(of: #"<div class="challenge" id="challenge-image">"#)
                .map { html[$0.upperBound...] }?.prefix { $0 != "\n" })
            #expect(box.hasPrefix(#"<img src="data:image/png;base64,"#))
            #expect(box.hasSuffix(#"" width="240" height="84" alt="Verification image"></div>"#), "\(box.suffix(80))")
            #expect(response.headers[.contentSecurityPolicy]?.contains("img-src data:;") == true)
            let answer = try page.seal.open(try Self.token(in: html), now: page.fixture.clock.now).answer
            #expect(!html.contains(answer))
            #expect(html.contains(#"<div class="website" aria-hidden="true">"#) && html.contains(#"tabindex="-1""#))
            // Back must find this form again: kept by the browser, though never shared.
            #expect(response.headers[.cacheControl] == "private, no-cache")
            // The CSP allows exactly the inline script, by its hash, and no inline handler exists.
            let script = try #require(html.range(of: "<script>").flatMap { start in
                html.range(of: "</script>", range: start.upperBound..<html.endIndex).map { html[start.upperBound..<$0.lowerBound] }
            })
            let hash = Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'sha256-\(hash)'") == true)
            #expect(!html.contains(" onclick=") && !html.contains(" oninput=") && !html.contains(" onsubmit="))
        }
    }

    @Test func withoutASupportContactThePagesNameTheServicesTeam() async throws {
        var page = try await Page()
        page.options.supportContact = ""
        let options = page.options
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(options) { client in
            for uri in ["/register", "/register/sent"] {
                let html = try await client.execute(uri: uri, method: .get).text
                #expect(html.contains("the support team of Example Accounts"), "\(uri)")
                #expect(!html.contains("<a href=\"\"") && !html.contains("mailto:"), "\(uri) links to no one")
            }
        }
    }

    @Test func aValidFormIsSpooledAsAnyFrontWouldAndRedirectsToStepFive() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(page.options) { client in
            let form = try await client.execute(uri: "/register", method: .get).text
            let fields = try Self.filled(form, seal: page.seal, now: page.fixture.clock.now)
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                .joined(separator: "&")
            let response = try await client.execute(
                uri: "/register", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: "es-MX,es;q=0.9,en;q=0.5"],
                body: ByteBuffer(string: body))
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "register/sent")
            let records = try page.records()
            try #require(records.count == 1)
            let record = records[0]
            #expect(record.username == "jdoe2026" && record.email == "jane@example.org" && record.firstName == "Jane")
            #expect(record.password.value == "Secr3tPass" && record.passwordPhrase.value == "blue heron at dawn")
            #expect(record.acceptedConditions && record.locale == "es-MX")
            #expect(RegistrationRules.check(record).isEmpty)
            // The registration id is the challenge's one-time id.
            let token = try #require(fields["challengeToken"])
            #expect(record.id == (try page.seal.open(token, now: page.fixture.clock.now)).id)
            // Step 5.
            let sent = try await client.execute(uri: "/register/sent", method: .get).text
            #expect(sent.contains("Check your email") && sent.contains("You have 30 days to activate your"))
            #expect(sent.contains("check your spam or junk folder") && sent.contains(#"action="../resend""#))
            // Nothing typed is logged.
            let logs = page.fixture.logs.all.joined(separator: "\n")
            #expect(logs.contains("registration.spooled"))
            for secret in ["Secr3tPass", "blue heron", "jane@example.org", "jdoe2026", "Jane"] {
                #expect(!logs.contains(secret), "the log holds \(secret)")
            }
        }
    }

    @Test func eachMessageBesideItsFieldAndWhatWasTypedKeptButPasswords() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        _ = try await page.fixture.register("takenname", email: "other@example.org")
        try await page.fixture.withRouter(page.options) { client in
            let form = try await client.execute(uri: "/register", method: .get).text
            let fields = try Self.filled(form, seal: page.seal, now: page.fixture.clock.now, [
                "username": "jd", "password": "short", "confirmPassword": "Mismatch9X", "confirmEmail": "jane@example.com",
                "firstName": "www.example.com", "passwordPhrase": "", "acceptedConditions": "",
            ])
            let response = try await client.postForm("/register", fields)
            #expect(response.status == .unprocessableContent)
            let html = response.text
            #expect(Self.messages(of: "username", in: html) == ["The username must be 5 to 16 characters long."])
            #expect(Self.messages(of: "password", in: html).contains("The password must be 8 to 16 characters long."))
            #expect(Self.messages(of: "password", in: html).contains("The password must contain at least one number."))
            #expect(Self.messages(of: "confirmPassword", in: html) == ["The two passwords do not match."])
            #expect(Self.messages(of: "confirmEmail", in: html) == ["The two email addresses do not match."])
            #expect(Self.messages(of: "firstName", in: html).count == 1)
            #expect(Self.messages(of: "passwordPhrase", in: html) == ["A password protection phrase is required."])
            #expect(Self.messages(of: "acceptedConditions", in: html)
                == ["You must agree to the conditions of use to create an account."])
            #expect(Self.messages(of: "email", in: html).isEmpty && Self.messages(of: "lastName", in: html).isEmpty)
            #expect(html.contains(#"id="username" name="username" type="text" value="jd""#))
            #expect(html.contains(#"value="jane@example.com""#) && html.contains(#"value="www.example.com""#))
            #expect(!html.contains("short") && !html.contains("Mismatch9X"), "a password was shown again")
            #expect(html.contains(#"id="challengeAnswer" name="challengeAnswer" type="text" value="""#))
            #expect(try Self.token(in: html) != fields["challengeToken"], "the form must carry new characters")
            #expect(html.contains(#"role="alert""#) && html.contains(##"<a href="#username">"##))
            #expect(try page.records().isEmpty)

            // A username in use, told before the mail would have.
            let again = try Self.filled(html, seal: page.seal, now: page.fixture.clock.now, ["username": "TakenName"])
            let taken = try await client.postForm("/register", again)
            #expect(Self.messages(of: "username", in: taken.text) == [RegistrationProblem.usernameTaken.message])
            #expect(try page.records().isEmpty)
        }
    }

    @Test func wrongExpiredAndReusedCharactersAreRefusedWithNewOnes() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(page.options) { client in
            let clock = page.fixture.clock
            var form = try await client.execute(uri: "/register", method: .get).text
            // Wrong.
            let wrong = try await client.postForm("/register", try Self.filled(form, seal: page.seal, now: clock.now,
                                                                               ["challengeAnswer": "ZZZZZ"]))
            #expect(wrong.status == .unprocessableContent)
            #expect(Self.messages(of: "challengeAnswer", in: wrong.text) == [RegisterController.ChallengeMessage.wrong])
            #expect(try Self.token(in: wrong.text) != (try Self.token(in: form)))
            // Expired: 21 minutes later.
            form = wrong.text
            let expiredFields = try Self.filled(form, seal: page.seal, now: clock.now)
            clock.set(clock.now.addingTimeInterval(21 * 60))
            let expired = try await client.postForm("/register", expiredFields)
            #expect(Self.messages(of: "challengeAnswer", in: expired.text) == [RegisterController.ChallengeMessage.expired])
            // Tampered.
            var tampered = try Self.filled(expired.text, seal: page.seal, now: clock.now)
            let original = try #require(tampered["challengeToken"])
            // Another first character (the version byte's): never the same token.
            tampered["challengeToken"] = (original.hasPrefix("A") ? "B" : "A") + original.dropFirst()
            let refused = try await client.postForm("/register", tampered)
            #expect(Self.messages(of: "challengeAnswer", in: refused.text) == [RegisterController.ChallengeMessage.wrong])
            #expect(try page.records().isEmpty)

            // Used once; the same form again (double click, Back) is the same record; other content is a replay.
            let solved = try Self.filled(refused.text, seal: page.seal, now: clock.now)
            #expect(try await client.postForm("/register", solved).status == .seeOther)
            clock.set(clock.now.addingTimeInterval(5))
            #expect(try await client.postForm("/register", solved).status == .seeOther)
            var replay = solved
            replay["username"] = "someoneelse"
            replay["email"] = "someone@example.org"
            replay["confirmEmail"] = "someone@example.org"
            let reused = try await client.postForm("/register", replay)
            #expect(reused.status == .unprocessableContent)
            #expect(Self.messages(of: "challengeAnswer", in: reused.text) == [RegisterController.ChallengeMessage.reused])
            let records = try page.records()
            try #require(records.count == 2)
            // Two files, one registration: the same id and the same content, which intake takes once.
            #expect(records[0].id == records[1].id && records[0].contentDigest == records[1].contentDigest)
            #expect(records.allSatisfy { $0.username == "jdoe2026" })
        }
    }

    @Test func backAndSendAgainFromAFreshPageIsTheSameRegistration() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(page.options) { client in
            // The first visit sets the form cookie; a visit that sends it back gets none.
            let first = try await client.execute(uri: "/register", method: .get)
            let setCookie = try #require(first.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("Path=/;")
                && setCookie.contains("SameSite=Lax"))
            let cookie = String(setCookie.prefix { $0 != ";" })
            let post: @Sendable ([String: String]) async throws -> TestResponse = { fields in
                let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                    .joined(separator: "&")
                return try await client.execute(
                    uri: "/register", method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                    body: ByteBuffer(string: body))
            }
            #expect(try await post(try Self.filled(first.text, seal: page.seal, now: page.fixture.clock.now)).status
                == .seeOther)
            // Back, and the page loaded afresh (no bfcache): new characters, the same form sent again.
            page.fixture.clock.set(page.fixture.clock.now.addingTimeInterval(40))
            let again = try await client.execute(uri: "/register", method: .get, headers: [.cookie: cookie])
            #expect(again.headers[.setCookie] == nil)
            #expect(try Self.token(in: again.text) != (try Self.token(in: first.text)))
            #expect(try await post(try Self.filled(again.text, seal: page.seal, now: page.fixture.clock.now)).status
                == .seeOther)
            // A corrected address is another registration, with another id.
            let fixed = try await client.execute(uri: "/register", method: .get, headers: [.cookie: cookie])
            #expect(try await post(try Self.filled(fixed.text, seal: page.seal, now: page.fixture.clock.now, [
                "email": "jane.doe@example.org", "confirmEmail": "jane.doe@example.org",
            ])).status == .seeOther)
            let records = try page.records()
            try #require(records.count == 3)
            let ids = Dictionary(grouping: records, by: \.email).mapValues { Set($0.map(\.id)) }
            #expect(ids["jane@example.org"]?.count == 1, "Back and send again must be the same registration id")
            #expect(ids["jane.doe@example.org"]?.count == 1)
            #expect(ids["jane@example.org"] != ids["jane.doe@example.org"])
            // The intake takes the two copies as one record: same id, same content digest.
            let same = records.filter { $0.email == "jane@example.org" }
            #expect(same[0].contentDigest == same[1].contentDigest && same[0].submittedAt != same[1].submittedAt)
        }
    }

    @Test func refreshKeepsWhatWasTypedAndDrawsNewCharacters() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(page.options) { client in
            let form = try await client.execute(uri: "/register", method: .get).text
            var fields = try Self.filled(form, seal: page.seal, now: page.fixture.clock.now)
            fields["action"] = "refresh"
            let refreshed = try await client.postForm("/register", fields)
            #expect(refreshed.status == .ok)
            #expect(!refreshed.text.contains(#"role="alert""#))
            #expect(refreshed.text.contains(#"value="jdoe2026""#) && !refreshed.text.contains("Secr3tPass"))
            #expect(try Self.token(in: refreshed.text) != fields["challengeToken"])
            #expect(try page.records().isEmpty)
            // The script's Refresh.
            let json = try await client.execute(uri: "/api/v1/register/challenge", method: .get).json
            let token = try #require(json["token"] as? String)
            let image = try #require(json["image"] as? String)
            #expect(image.hasPrefix(#"<img src="data:image/png;base64,"#) && image.hasSuffix(#" alt="Verification image">"#))
            #expect(!image.contains(try page.seal.open(token, now: page.fixture.clock.now).answer))
        }
    }

    @Test func theScriptsMessagesAreTheRulesMessages() throws {
        // Every message the rules can give for the checks the script repeats.
        var server: Set<String> = []
        let broken = Registration(
            id: UUID(), submittedAt: Date(), username: "a b", firstName: " ", lastName: " ", email: "nope",
            confirmEmail: "other", password: Secret("a"), confirmPassword: Secret("b"), passwordPhrase: Secret(" "),
            acceptedConditions: false)
        for problem in RegistrationRules.check(broken) { server.insert(problem.message) }
        for problem in RegistrationRules.passwordProblems("Jdoe2026", username: "jdoe2026")
            + RegistrationRules.passwordProblems("ABCDEFGH1", username: "") { server.insert(problem.message) }
        server.insert(RegistrationProblem.usernameTaken.message)
        server.insert(RegisterController.ChallengeMessage.missing)
        let script = RegisterScript.source
        let quoted = script.components(separatedBy: "\n").compactMap { line -> String? in
            guard let colon = line.range(of: ": \""), line.hasSuffix("\",") || line.hasSuffix("\"") else { return nil }
            let text = line[colon.upperBound...]
            return String(text.hasSuffix(",") ? text.dropLast(2) : text.dropLast())
        }
        #expect(quoted.count == 16)
        for message in quoted {
            #expect(server.contains(message), "the script says \"\(message)\", the rules never do")
        }
    }
}
