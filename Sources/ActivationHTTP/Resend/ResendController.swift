import ActivationCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /resend` (form or JSON `login`): the same 202 and the same body whatever the login.
struct ResendController: Sendable {
    let queue: ResendQueue
    let limiter: RateLimiter
    let pages: PageLibrary
    let metrics: HTTPMetrics
    let options: HTTPOptions
    let now: @Sendable () -> Date

    /// The login to resend for: a username or an email address.
    struct Input: Decodable {
        var login: String?
    }

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.post("resend") { request, context in
            let format = try request.bodyFormat(accepting: [.form, .json])
            guard limiter.allow(context.clientKey, now: now()) else {
                metrics.resend(.limited)
                throw options.limits.resendPerAddress.refusal(code: "resend.rate_limited")
            }
            let input = try await request.decodeBody(Input.self, as: format, limit: options.limits.maximalBodySize)
            if let login = input.login, !queue.submit(login) { metrics.resend(.dropped) }
            switch format {
            case .form: return pages.current.response("resend-sent", [:], status: .accepted)
            case .json: return JSONBody.response(["status": "accepted"], status: .accepted)
            }
        }
        return routes
    }
}
