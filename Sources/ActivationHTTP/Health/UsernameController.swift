import ActivationCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /api/v1/usernames/{name}`: `{"available": bool, "problems": [codes]}` for a registration
/// form's live check — the format rules' codes, and `username.taken` for a name in use.
struct UsernameController: Sendable {
    let store: any AccountStore
    let limiter: RateLimiter
    let options: HTTPOptions
    let now: @Sendable () -> Date

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.get("api/v1/usernames/:name") { _, context in
            guard limiter.allow(context.clientKey, now: now()) else {
                throw options.limits.usernameChecksPerAddress.refusal(code: "usernames.rate_limited")
            }
            let raw = context.parameters.get("name") ?? ""
            let name = raw.removingPercentEncoding ?? raw
            var problems = RegistrationRules.usernameProblems(name).map(\.code)
            // Only a well-formed name can be taken; a malformed one costs no store lookup.
            if problems.isEmpty, try await store.account(username: name) != nil {
                problems.append(RegistrationProblem.usernameTaken.code)
            }
            return JSONBody.response(["available": problems.isEmpty, "problems": problems])
        }
        return routes
    }
}
