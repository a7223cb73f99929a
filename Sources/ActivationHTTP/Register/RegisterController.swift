import ActivationCore
import ActivationSpoolFiles
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix

/// A challenge ready for the page: the sealed token for the hidden field and the picture (an
/// `<img>` element with the PNG as a data URI).
struct IssuedChallenge: Sendable {
    let token: String
    let image: String
}

/// The registration page: `GET /register` (the seed's form), `POST /register` (checked
/// with ActivationCore's rules, written into the spool as every front writes), `GET /register/sent`
/// (the seed's step 5) and `GET /api/v1/register/challenge` (new characters for the page's script).
///
/// The same form sent twice — a double click, Back and send again, a reload of the answer — is the
/// same registration with the same id, and the intake stores one account. The id is derived from
/// the browser's form cookie (set by `GET /register`) and the form's whole content, secrets
/// included (`FormIdentity`), so it holds even when Back loads the page afresh with new characters;
/// without the cookie it is the challenge's one-time id (then a double click and a bfcache Back
/// still give one id). Once the store holds that registration, sending it again answers the step-5
/// page at once. Any other form is a new registration and is judged as one.
///
/// Solved characters are spent before the store is asked anything; the store remembers each used
/// challenge with a fingerprint of the form and the cookie, so a solved token posted with other
/// content, or from another browser, is refused (a replay).
struct RegisterController: Sendable {
    let store: any AccountStore
    let seal: ChallengeSeal
    let identity: FormIdentity
    /// Where a form for a pending registration's own username and address sends its link again.
    let resend: ResendQueue
    let spool: SpoolDirectory
    let limiter: RateLimiter
    let metrics: HTTPMetrics
    let pages: PageLibrary
    let options: HTTPOptions
    let threadPool: NIOThreadPool
    let logger: Logger
    let now: @Sendable () -> Date

    /// The messages beside the characters field.
    enum ChallengeMessage {
        static let wrong = "The characters you typed do not match the picture. Type the new ones."
        static let expired = "The characters expired. Type the new ones."
        static let reused = "These characters were already used. Type the new ones."
        static let missing = "Type the characters you see in the picture."
    }

    /// The general message when the honeypot was filled.
    static let honeypotMessage = "This form could not be accepted. Please fill it in again."

    /// Beside the username when this browser registered that name a moment ago with other content
    /// (only the browser holding the form cookie of that registration ever sees it).
    static let ownEarlierRegistrationMessage = """
        You already registered this username from this browser with other details, and that \
        registration stands: its activation link went to the email address you gave then. To \
        register with these details, choose another username.
        """

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.get("register") { request, _ in
            let challenge = try issue()
            var response = pages.current.emptyRegisterForm(token: challenge.token, image: challenge.image,
                                                           lang: lang(of: request))
            keepFormCookie(request, &response)
            // Not no-store, so that a back/forward cache may keep this form (and its token); when a
            // browser loads it afresh instead, the form cookie keeps the registration id the same.
            // It holds nothing of the person's.
            response.headers[.cacheControl] = "private, no-cache"
            return response
        }
        routes.post("register") { request, context in
            try await submit(request, context: context)
        }
        routes.get("register/sent") { request, _ in
            var values: [String: Any] = [:]
            // The page is at /register/sent; the shared resend form's relative action would
            // point under /register/.
            values["resendAction"] = "../resend"
            return pages.current.response("register-sent", values, lang: lang(of: request))
        }
        routes.get("api/v1/register/challenge") { _, _ in
            let challenge = try issue()
            return JSONBody.response(["token": challenge.token, "image": challenge.image])
        }
        return routes
    }

    /// A new challenge: fresh characters, sealed and drawn.
    func issue() throws -> IssuedChallenge {
        let answer = ChallengeAlphabet.randomAnswer()
        guard let image = ChallengeDrawing.html(for: answer) else { throw ChallengeError(.malformed) }
        return IssuedChallenge(token: try seal.seal(answer: answer, now: now()), image: image)
    }

    private func submit(_ request: Request, context: ActivationRequestContext) async throws -> Response {
        _ = try request.bodyFormat(accepting: [.form])
        let form = try await request.decodeBody(RegistrationForm.self, as: .form, limit: options.limits.maximalBodySize)
        var view = RegistrationFormPage(form: form)
        if form.wantsRefresh {
            return try page(view, request: request, status: .ok)
        }
        if form.isFilledByBot {
            metrics.submission(.honeypot)
            context.logger.notice("registration refused", metadata: [
                LogKey.event: "\(EventName.registrationRefused)", "reason": "honeypot"])
            view.formError = Self.honeypotMessage
            return try page(view, request: request, status: .badRequest)
        }

        // Whole seconds: the record, the store's memory of the challenge and a resubmission
        // must all carry exactly the same time.
        let submittedAt = Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        let locale = AcceptLanguage.locale(from: request.headers[.acceptLanguage])
        var registration = form.registration(id: UUID(), submittedAt: submittedAt, locale: locale)
        view.add(RegistrationRules.check(registration))

        let challenge: ChallengeContents
        do {
            challenge = try seal.check(form.challengeToken ?? "", typed: form.challengeAnswer ?? "", now: now())
        } catch {
            view.add(message(for: error, typed: form.challengeAnswer ?? ""), to: "challengeAnswer")
            metrics.submission(.invalid)
            return try page(view, request: request, status: .unprocessableContent)
        }
        // Only a post that could register counts against the address's limit: one with solved
        // characters. Refresh presses, empty and unsolved posts spend nothing, so junk from one
        // address (or from everyone behind one proxy) cannot lock the page for others.
        guard limiter.allow(context.clientKey, now: now()) else {
            metrics.submission(.limited)
            throw options.limits.registrationsPerAddress.refusal(code: "register.rate_limited")
        }

        let cookie = FormCookie.value(in: request, secure: secureCookie)
        registration.id = cookie.map { identity.registrationID(cookie: $0, registration: registration) } ?? challenge.id
        // Solved characters are spent before the store is asked anything, valid form or not, so
        // that each question about a username or an address costs one solved challenge. The same
        // token counts as this same form again only with the same content from the same browser:
        // with another cookie, or another password, it is a replay.
        switch try await store.useChallenge(
            id: challenge.id, fingerprint: identity.challengeFingerprint(cookie: cookie, registration: registration),
            submittedAt: submittedAt, expiresAt: challenge.expiresAt)
        {
        case .first:
            break
        case .again(let first):
            registration.submittedAt = first
        case .otherForm:
            view.add(ChallengeMessage.reused, to: "challengeAnswer")
            metrics.submission(.reused)
            context.logger.notice("registration refused", metadata: [
                LogKey.event: "\(EventName.registrationRefused)", "reason": "challenge_reused"])
            return try page(view, request: request, status: .unprocessableContent)
        }

        let holder = RegistrationRules.usernameProblems(registration.username).isEmpty
            ? try await store.account(username: registration.username) : nil
        if let holder, holder.registrationID == registration.id {
            // This very registration again (Back, a reload, a double click) after the intake took it
            // in: the step-5 page, as the first time. Nothing is written: the record is stored.
            metrics.submission(.again)
            context.logger.info("registration sent again", metadata: [
                LogKey.event: "\(EventName.registrationResubmitted)",
                LogKey.registration: "\(registration.id.lowercasedText)"])
            return Response(status: .seeOther, headers: [.location: "register/sent"])
        }
        // Only with solved characters: whether an address has an active account is the person's
        // business, and each probe of it must cost a solved challenge (and count against the limit).
        let taken = try await takenProblems(registration, holder: holder)
        view.add(taken)
        if let holder, holder.state == .pending, taken.contains(.usernameTaken), let cookie,
           identity.isOwned(holder.registrationID, cookie: cookie, username: registration.username)
        {
            // This browser's own earlier registration of the name, with other content (a changed
            // password, a corrected address): say so, to this browser only.
            view.problems["username"] = [Self.ownEarlierRegistrationMessage]
        }
        guard view.problems.isEmpty else {
            if let holder, view.problems.count == 1, taken == [.usernameTaken], holder.state == .pending,
               holder.emailKey == registration.emailKey
            {
                // A valid form for a pending registration's own username and address: that
                // registration stays (nothing an anonymous form says replaces it, item 9), and its
                // address gets its link again, within the resend limits. The answer is the same
                // whether the address matched or not; the mail goes only to the address's owner.
                _ = resend.submit(holder.username)
            }
            metrics.submission(.invalid)
            return try page(view, request: request, status: .unprocessableContent)
        }

        let record = try registration.spoolRecord()
        let spool = self.spool
        let name = try await threadPool.runIfActive { try SpoolWriter.write(record, to: spool) }
        metrics.submission(.spooled)
        context.logger.info("registration spooled", metadata: [
            LogKey.event: "\(EventName.registrationSpooled)", LogKey.registration: "\(registration.id.lowercasedText)",
            LogKey.file: "\(name)"])
        // Relative, as every link of these pages, so a path prefix of a reverse proxy carries through.
        return Response(status: .seeOther, headers: [.location: "register/sent"])
    }

    /// `username.taken` and `email.taken` as the intake would decide them now: the person hears
    /// before the mail would have told them. The intake decides again (another host, a race).
    /// `holder` is the account holding the registration's username, if it was looked up.
    private func takenProblems(_ registration: Registration, holder: Account?) async throws -> [RegistrationProblem] {
        var candidates = holder.map { [$0] } ?? []
        if EmailAddress.isValid(registration.email) {
            candidates += try await store.accounts(email: registration.email)
        }
        guard case .reject(let problems) = RegistrationDecision.decide(for: registration, candidates: candidates)
        else { return [] }
        return problems
    }

    private func message(for error: ChallengeError, typed: String) -> String {
        switch error.code {
        case .expired: ChallengeMessage.expired
        case .wrongAnswer where typed.trimmingCharacters(in: .whitespaces).isEmpty: ChallengeMessage.missing
        case .wrongAnswer, .malformed, .tampered: ChallengeMessage.wrong
        }
    }

    /// The form page with `view`'s values and messages, and new characters.
    private func page(_ view: RegistrationFormPage, request: Request, status: HTTPResponse.Status) throws -> Response {
        let challenge = try issue()
        var response = pages.current.response("register", view.values(token: challenge.token, image: challenge.image),
                                              status: status, lang: lang(of: request))
        keepFormCookie(request, &response)
        return response
    }

    /// Sets the form cookie when the browser has none.
    private func keepFormCookie(_ request: Request, _ response: inout Response) {
        guard FormCookie.value(in: request, secure: secureCookie) == nil else { return }
        response.headers[.setCookie] = FormCookie.header(FormCookie.make(), secure: secureCookie)
    }

    /// Served over https (`public_url`): the cookie is `Secure` and named `__Host-…`.
    private var secureCookie: Bool { FormCookie.isSecure(publicURL: options.publicURL) }

    private func lang(of request: Request) -> String {
        String(AcceptLanguage.locale(from: request.headers[.acceptLanguage]).prefix(while: { $0 != "-" }))
    }
}

/// The registration form's cookie: a random name for this browser's form, kept for an hour, so that
/// the same form sent again — even from a page Back loaded afresh, with new characters — gets the
/// same registration id (`FormIdentity`), and so that the username check can tell this browser's
/// own pending registration from anyone else's. It says nothing about the person.
enum FormCookie {
    static let name = "activationd_form"

    /// The cookie's name: over https `__Host-activationd_form`, which a browser accepts only from
    /// this host itself, with `Secure`, `Path=/` and no `Domain` — so a sibling subdomain cannot set
    /// (pin) it for this site.
    static func name(secure: Bool) -> String { secure ? "__Host-" + name : name }

    /// Whether `public_url` is https.
    static func isSecure(publicURL: String) -> Bool { publicURL.lowercased().hasPrefix("https:") }

    /// A new random value: 16 bytes from the CSPRNG, base64url.
    static func make() -> String {
        // Two draws of 64 bits: each draw from the system generator is a getrandom call.
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<2 { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        return Base64URL.encode(bytes)
    }

    /// The `Set-Cookie` value. `Path=/`: the username check (`/api/v1/usernames/…`) needs it as
    /// much as `/register` does, and a reverse proxy's path prefix cannot lose it.
    static func header(_ value: String, secure: Bool) -> String {
        "\(name(secure: secure))=\(value); Path=/; Max-Age=3600; HttpOnly; SameSite=Lax\(secure ? "; Secure" : "")"
    }

    /// The cookie's value in `request`, if it is one this server could have made.
    static func value(in request: Request, secure: Bool) -> String? {
        let wanted = name(secure: secure)
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0] == wanted else { continue }
                let value = String(parts[1])
                guard value.utf8.count == 22, let bytes = Base64URL.decode(value), bytes.count == 16 else { return nil }
                return value
            }
        }
        return nil
    }
}
