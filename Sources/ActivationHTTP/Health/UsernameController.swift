import ActivationCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /api/v1/usernames/{name}`: `{"available": bool, "problems": [codes]}` for a registration
/// form's live check — the format rules' codes, and `username.taken` for a name in use.
///
/// What it tells whom: to everyone, whether a name is free — `username.taken` for a pending and an
/// active account alike, so nobody learns from it which of the two holds a name, nor anything else
/// of the account. The one exception is the browser that registered the name through the page: a
/// request carrying the form cookie of that pending registration (`FormIdentity.isOwned`) hears
/// "available", as before it registered, so that Back and sending the same form again is not
/// refused by the page's own script. Nobody else can make that request: the cookie is 16 random
/// bytes, `HttpOnly`, sent by no other site's requests (`SameSite=Lax`) and never shown.
struct UsernameController: Sendable {
    let store: any AccountStore
    let limiter: RateLimiter
    let options: HTTPOptions
    /// Set when the registration page is on (its form cookie is the proof of ownership).
    let identity: FormIdentity?
    let now: @Sendable () -> Date

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.get("api/v1/usernames/:name") { request, context in
            guard limiter.allow(context.clientKey, now: now()) else {
                throw options.limits.usernameChecksPerAddress.refusal(code: "usernames.rate_limited")
            }
            let raw = context.parameters.get("name") ?? ""
            let name = raw.removingPercentEncoding ?? raw
            var problems = RegistrationRules.usernameProblems(name).map(\.code)
            // Only a well-formed name can be taken; a malformed one costs no store lookup.
            if problems.isEmpty, let holder = try await store.account(username: name),
               !isOwnPendingRegistration(holder, name: name, request: request)
            {
                problems.append(RegistrationProblem.usernameTaken.code)
            }
            return JSONBody.response(["available": problems.isEmpty, "problems": problems])
        }
        return routes
    }

    /// Whether `holder` is a pending account registered through the page from the browser that sent
    /// `request`.
    private func isOwnPendingRegistration(_ holder: Account, name: String, request: Request) -> Bool {
        guard holder.state == .pending, let identity, let cookie = FormCookie.value(in: request, secure: FormCookie.isSecure(publicURL: options.publicURL)) else { return false }
        return identity.isOwned(holder.registrationID, cookie: cookie, username: name)
    }
}
