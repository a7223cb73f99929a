import ActivationCore
@testable import ActivationHTTP
import ActivationSpoolFiles
import ActivationStoreSQLite
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// The registration form's identity after Back (the same form is the same registration; another
/// password is another one) and the spending of the verification characters (spent on a form that
/// fails a rule, once per token whatever the cookie), and a pending account's name and address
/// telling nothing, through the real server on loopback. The intake is played by `takeIn`, which
/// stores the spooled records as the daemon's intake does.
@Suite("The registration form's identity and its characters")
struct RegisterIdentityTests {
    typealias Page = RegisterPageTests.Page

    /// A client's view of the page: its form cookie (nil: none) and the server.
    struct Browser {
        let client: any TestClientProtocol
        var cookie: String?

        /// `GET /register`; keeps the cookie the server sets when this browser has none.
        mutating func open() async throws -> String {
            let headers: HTTPFields = cookie.map { [.cookie: $0] } ?? [:]
            let response = try await client.execute(uri: "/register", method: .get, headers: headers)
            if cookie == nil, let set = response.headers[.setCookie] { cookie = String(set.prefix { $0 != ";" }) }
            return response.text
        }

        func post(_ fields: [String: String]) async throws -> TestResponse {
            let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
                .joined(separator: "&")
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let cookie { headers[.cookie] = cookie }
            return try await client.execute(uri: "/register", method: .post, headers: headers,
                                            body: ByteBuffer(string: body))
        }

        /// What the page's live check hears for `name` from this browser.
        func usernameCheck(_ name: String) async throws -> [String: Any] {
            let headers: HTTPFields = cookie.map { [.cookie: $0] } ?? [:]
            return try await client.execute(uri: "/api/v1/usernames/\(name)", method: .get, headers: headers).json
        }
    }

    /// Stores every record waiting in the spool as the intake does (small scrypt parameters), and
    /// removes its file; returns what the store answered for each. Records whose id is in `first`
    /// go first, in that order (the spool's file names are random).
    @discardableResult
    static func takeIn(_ page: Page, first: [UUID] = []) async throws -> [RegistrationResult] {
        var results: [RegistrationResult] = []
        let hasher = PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1))
        var waiting: [(path: String, registration: Registration)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: page.spool.new).sorted() {
            let path = page.spool.new + "/" + name
            waiting.append((path, try RegistrationDecoder.decode(Data(contentsOf: URL(fileURLWithPath: path)))))
        }
        let rank = { (id: UUID) in first.firstIndex(of: id) ?? first.count }
        for (path, registration) in waiting.sorted(by: { rank($0.registration.id) < rank($1.registration.id) }) {
            let now = page.fixture.clock.now
            let account = Account.pending(from: registration, passwordHash: try hasher.hash(registration.password),
                                          now: now, lifetime: HTTPFixture.lifetime)
            results.append(try await page.fixture.store.register(registration, as: account, now: now))
            try FileManager.default.removeItem(atPath: path)
        }
        return results
    }

    static func messages(_ field: String, _ response: TestResponse) -> [String] {
        RegisterPageTests.messages(of: field, in: response.text)
    }

    /// Waits until `account` has `rows` activation rows (the resend queue works after the answer),
    /// and returns how many it has then.
    static func activationRows(_ fixture: HTTPFixture, _ account: UUID, atLeast rows: Int) async throws -> Int {
        try await waitUntil("account \(account) has \(rows) activation rows", observe: {
            try await fixture.store.outbox(accountID: account).filter { $0.kind == .activation }.count
        }) { $0 >= rows }
    }

    @Test("Back after the intake took the form in is the same registration, and only its own browser hears its name is free")
    func backAfterIntakeIsTheSameRegistration() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withServer(page.options) { client in
            let clock = page.fixture.clock
            var person = Browser(client: client)
            let first = try await person.open()
            let cookie = try #require(person.cookie)
            let filled = try RegisterPageTests.filled(first, seal: page.seal, now: clock.now)
            #expect(try await person.post(filled).status == .seeOther)
            let stored = try await Self.takeIn(page)
            guard case .created(let account, _, _)? = stored.first else {
                Issue.record("the first submit was not stored: \(stored)")
                return
            }
            // The page's live check: the person's own pending registration is not "already in use"…
            #expect(try await person.usernameCheck("jdoe2026")["available"] as? Bool == true)
            #expect(try await person.usernameCheck("JDOE2026")["problems"] as? [String] == [])
            // …to anyone else it is: no cookie, or another browser's cookie.
            var stranger = Browser(client: client)
            #expect(try await stranger.usernameCheck("jdoe2026")["problems"] as? [String] == ["username.taken"])
            _ = try await stranger.open()
            #expect(stranger.cookie != nil && stranger.cookie != cookie)
            #expect(try await stranger.usernameCheck("jdoe2026")["problems"] as? [String] == ["username.taken"])
            #expect(try await stranger.usernameCheck("jdoe2026")["available"] as? Bool == false)

            // Back with the page loaded afresh (new characters, typed again): 303, nothing written.
            clock.set(clock.now.addingTimeInterval(30))
            let reloaded = try await person.open()
            let again = try await person.post(try RegisterPageTests.filled(reloaded, seal: page.seal, now: clock.now))
            #expect(again.status == .seeOther && again.headers[.location] == "register/sent")
            // Back with the page kept in the back/forward cache: the same form and token again.
            let cached = try await person.post(filled)
            #expect(cached.status == .seeOther && cached.headers[.location] == "register/sent")
            #expect(try page.records().isEmpty, "a registration the store holds is not spooled again")
            let logs = page.fixture.logs.all.filter { $0.contains("event=registration.resubmitted") }
            #expect(logs.count == 2 && logs.allSatisfy { $0.contains("registration=\(account.registrationID.lowercasedText)") })

            // Another person posting that very form (their own cookie, their own characters) is a
            // new registration, refused for the name.
            let theirs = try await stranger.open()
            let copy = try await stranger.post(try RegisterPageTests.filled(theirs, seal: page.seal, now: clock.now))
            #expect(copy.status == .unprocessableContent)
            #expect(Self.messages("username", copy) == [RegistrationProblem.usernameTaken.message])
            #expect(try page.records().isEmpty)
        }
    }

    @Test("solved characters are spent on a form that fails a rule, before the store is asked")
    func charactersAreSpentOnEveryQuestion() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        let (owner, _) = try await page.fixture.register("ownerone", email: "owner@example.org")
        _ = try await page.fixture.store.activate(accountID: owner.id, nonce: owner.nonce, now: HTTPFixture.registeredAt)
        let (other, _) = try await page.fixture.register("othertwo", email: "other@example.org")
        _ = try await page.fixture.store.activate(accountID: other.id, nonce: other.nonce, now: HTTPFixture.registeredAt)
        try await page.fixture.withServer(page.options) { client in
            let clock = page.fixture.clock
            var prober = Browser(client: client)
            let form = try await prober.open()
            // A bad password keeps the form from ever registering; the address question is answered once.
            let probe = try RegisterPageTests.filled(form, seal: page.seal, now: clock.now, [
                "email": "OWNER@example.org", "confirmEmail": "OWNER@example.org",
                "password": "short", "confirmPassword": "short",
            ])
            let first = try await prober.post(probe)
            #expect(first.status == .unprocessableContent)
            #expect(Self.messages("email", first) == [RegistrationProblem.emailTaken.message])
            // The same token for the next address: refused as used, and nothing said of the address.
            for email in ["other@example.org", "nobody@example.org"] {
                var next = probe
                next["email"] = email
                next["confirmEmail"] = email
                let answer = try await prober.post(next)
                #expect(answer.status == .unprocessableContent)
                #expect(Self.messages("challengeAnswer", answer) == [RegisterController.ChallengeMessage.reused])
                #expect(Self.messages("email", answer).isEmpty, "\(email) was looked up with a spent token")
            }
            // And a username question likewise.
            var name = probe
            name["username"] = "othertwo"
            let named = try await prober.post(name)
            #expect(Self.messages("challengeAnswer", named) == [RegisterController.ChallengeMessage.reused])
            #expect(Self.messages("username", named).isEmpty)
            #expect(try page.records().isEmpty)
        }
    }

    @Test("a solved token registers once, whatever cookie it comes with")
    func aTokenIsUsedOnceWhateverTheCookie() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withServer(page.options) { client in
            let clock = page.fixture.clock
            var attacker = Browser(client: client)
            let form = try await attacker.open()
            let solved = try RegisterPageTests.filled(form, seal: page.seal, now: clock.now)
            #expect(try await attacker.post(solved).status == .seeOther)
            // The same token and content with a fresh cookie each time, or with none.
            for cookie: String? in [nil, "\(FormCookie.name)=\(FormCookie.make())", "\(FormCookie.name)=\(FormCookie.make())"] {
                let replay = try await Browser(client: client, cookie: cookie).post(solved)
                #expect(replay.status == .unprocessableContent)
                #expect(Self.messages("challengeAnswer", replay) == [RegisterController.ChallengeMessage.reused])
            }
            // The first browser's double click is still the same registration.
            #expect(try await attacker.post(solved).status == .seeOther)
            let records = try page.records()
            #expect(records.count == 2 && Set(records.map(\.id)).count == 1, "one registration, however often replayed")
        }
    }

    @Test("a pending account's username and address from an anonymous form replace nothing and tell nothing")
    func noPairingOracleAndNoReplacement() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        let (victim, _) = try await page.fixture.register("victim01", email: "victim@example.org")
        let (sentinel, _) = try await page.fixture.register("sentinel1")
        // Past the resend cooldown of the victim's first mail.
        page.fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(3600))
        try await page.fixture.withServer(page.options) { client in
            let clock = page.fixture.clock
            var attacker = Browser(client: client)
            var answers: [TestResponse] = []
            for email in ["guess@example.org", "Victim@Example.org", "victim@example.org"] {
                let form = try await attacker.open()
                answers.append(try await attacker.post(try RegisterPageTests.filled(form, seal: page.seal, now: clock.now, [
                    "username": "Victim01", "email": email, "confirmEmail": email,
                    "password": "Att4ckerPass", "confirmPassword": "Att4ckerPass",
                ])))
            }
            // The same answer whether the address is the account's or not.
            for answer in answers {
                #expect(answer.status == .unprocessableContent)
                #expect(Self.messages("username", answer) == [RegistrationProblem.usernameTaken.message])
                #expect(Self.messages("email", answer).isEmpty)
            }
            #expect(try page.records().isEmpty)
            // The address's owner got their own link again (once: the second matching form fell in the
            // cooldown of the first resend); the queue works in order, so the sentinel's row marks the end.
            _ = try await client.postForm("/resend", ["login": "sentinel1"])
            #expect(try await Self.activationRows(page.fixture, sentinel.id, atLeast: 2) == 2)
            #expect(try await page.fixture.store.outbox(accountID: victim.id).filter { $0.kind == .activation }.count == 2)
        }
        // The victim's registration is as it was: same account, same password.
        #expect(try await page.fixture.store.account(username: "victim01") == victim)
    }

    @Test("the same form with another password is another registration, and is told so")
    func aNewPasswordIsANewRegistration() async throws {
        let page = try await Page()
        defer { page.fixture.cleanUp() }
        try await page.fixture.withServer(page.options) { client in
            let clock = page.fixture.clock
            var person = Browser(client: client)
            let form = try await person.open()
            #expect(try await person.post(try RegisterPageTests.filled(form, seal: page.seal, now: clock.now)).status
                == .seeOther)
            let original = try #require(try page.records().first)
            // Before the intake took the first in: another record, with another id (it used to be
            // the same id, and the intake dropped the new password as a duplicate).
            let changed = ["password": "N3wSecretPass", "confirmPassword": "N3wSecretPass"]
            let second = try await person.open()
            #expect(try await person.post(try RegisterPageTests.filled(second, seal: page.seal, now: clock.now, changed))
                .status == .seeOther)
            let records = try page.records()
            #expect(records.count == 2 && Set(records.map(\.id)).count == 2)
            #expect(records.contains { $0.id != original.id && $0.password.value == "N3wSecretPass" })
            // The intake keeps the first; the second is refused for the name.
            let results = try await Self.takeIn(page, first: [original.id])
            #expect(results.filter { if case .created = $0 { true } else { false } }.count == 1)
            #expect(results.contains(.rejected([.usernameTaken])))
            let account = try #require(try await page.fixture.store.account(username: "jdoe2026"))

            // After it: the page says so, to this browser, instead of "check your email".
            let third = try await person.open()
            let refused = try await person.post(try RegisterPageTests.filled(third, seal: page.seal, now: clock.now, changed))
            #expect(refused.status == .unprocessableContent)
            #expect(Self.messages("username", refused) == [RegisterController.ownEarlierRegistrationMessage])
            #expect(try page.records().isEmpty)
            #expect(try await page.fixture.store.account(username: "jdoe2026") == account)
            // A changed phrase likewise.
            let fourth = try await person.open()
            let phrase = try await person.post(try RegisterPageTests.filled(fourth, seal: page.seal, now: clock.now,
                                                                            ["passwordPhrase": "green owl at noon"]))
            #expect(phrase.status == .unprocessableContent)
            // No secret in clear in what is kept: the log, the store's memory of used characters.
            let logs = page.fixture.logs.all.joined(separator: "\n")
            let kept = try await page.fixture.store.snapshot().usedChallenges.map { "\($0)" }.joined(separator: "\n")
            for secret in ["Secr3tPass", "N3wSecretPass", "blue heron", "green owl"] {
                #expect(!logs.contains(secret) && !kept.contains(secret))
            }
        }
    }

    @Test("FormIdentity: owner tags per cookie and name, ids per content and secrets")
    func formIdentity() throws {
        let identity = FormIdentity(key: .init(data: Data(repeating: 7, count: 32)))
        let other = FormIdentity(key: .init(data: Data(repeating: 8, count: 32)))
        let cookie = FormCookie.make()
        var registration = Registration(
            id: UUID(), submittedAt: Date(), username: "jdoe2026", firstName: "Jane", lastName: "Doe",
            email: "jane@example.org", confirmEmail: "jane@example.org", password: Secret("Secr3tPass"),
            confirmPassword: Secret("Secr3tPass"), passwordPhrase: Secret("blue heron"), acceptedConditions: true)
        let id = identity.registrationID(cookie: cookie, registration: registration)
        #expect(id.uuidString.dropFirst(14).first == "4", "a version 4 UUID")
        #expect("89AB".contains(id.uuidString.dropFirst(19).first!), "the RFC 4122 variant")
        #expect(identity.isOwned(id, cookie: cookie, username: "JDOE2026"))
        #expect(!identity.isOwned(id, cookie: FormCookie.make(), username: "jdoe2026"))
        #expect(!identity.isOwned(id, cookie: cookie, username: "jdoe2027"))
        #expect(!other.isOwned(id, cookie: cookie, username: "jdoe2026"), "keyed")
        // The time and the registration's own id are not content; every secret is.
        registration.submittedAt = Date(timeIntervalSince1970: 0)
        registration.id = UUID()
        #expect(identity.registrationID(cookie: cookie, registration: registration) == id)
        for change in [\Registration.password, \.confirmPassword, \.passwordPhrase] {
            var changed = registration
            changed[keyPath: change] = Secret("Other0ne")
            let changedID = identity.registrationID(cookie: cookie, registration: changed)
            #expect(changedID != id && identity.isOwned(changedID, cookie: cookie, username: "jdoe2026"))
            #expect(identity.challengeFingerprint(cookie: cookie, registration: changed)
                != identity.challengeFingerprint(cookie: cookie, registration: registration))
        }
        #expect(identity.challengeFingerprint(cookie: nil, registration: registration)
            != identity.challengeFingerprint(cookie: cookie, registration: registration))
    }
}
