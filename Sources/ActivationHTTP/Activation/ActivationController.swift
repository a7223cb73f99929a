import ActivationCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET`/`HEAD /activate`, `POST /activate` (form) and `POST /api/v1/activations` (JSON).
package struct ActivationController: Sendable {
    let flow: ActivationFlow
    let pages: PageLibrary
    let options: HTTPOptions

    /// The token and password of an activation attempt, from a form or JSON.
    package struct Input: Decodable {
        package var token: String?
        package var password: String?
    }

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        // HEAD is answered by Hummingbird from this GET handler, without the body: the same
        // read-only path, so neither can activate anything.
        routes.get("activate") { request, _ in
            let token = request.uri.queryParameters["token"].map(String.init)
            return page(for: try await flow.inspect(token: token))
        }
        routes.post("activate") { request, _ in
            _ = try request.bodyFormat(accepting: [.form])
            let input = try await request.decodeBody(Input.self, as: .form, limit: options.limits.maximalBodySize)
            return page(for: try await flow.activate(token: input.token, password: input.password))
        }
        routes.post("api/v1/activations") { request, _ in
            _ = try request.bodyFormat(accepting: [.json])
            let input = try await request.decodeBody(Input.self, as: .json, limit: options.limits.maximalBodySize)
            return json(for: try await flow.activate(token: input.token, password: input.password))
        }
        return routes
    }

    /// The page for an outcome.
    private func page(for outcome: ActivationOutcome) -> Response {
        let status = HTTPResponse.Status(code: outcome.status)
        let account = outcome.account
        var response: Response
        switch outcome.kind {
        case .ready:
            response = pages.current.landingResponse(
                firstName: account?.firstName ?? "", phrase: account?.passwordPhrase.value ?? "",
                token: outcome.token ?? "", lang: account?.locale ?? "en",
                askPassword: options.activation.confirm == .password)
        case .wrongPassword, .missingPassword:
            var values: [String: Any] = [
                "firstName": account?.firstName ?? "", "phrase": account?.passwordPhrase.value ?? "",
                "token": outcome.token ?? "", "askPassword": options.activation.confirm == .password,
            ]
            if outcome.kind == .wrongPassword {
                let left = outcome.attemptsLeft ?? 0
                values["error"] = "That password is not right. \(left) \(left == 1 ? "attempt" : "attempts") left."
            } else if outcome.kind == .missingPassword {
                values["error"] = "Enter your password to activate your account."
            }
            response = pages.current.response("activate", values, status: status, lang: account?.locale ?? "en")
        case .activated:
            response = pages.current.response("activated", [
                "firstName": account?.firstName ?? "", "username": account?.username ?? "",
                "publicURL": options.publicURL,
            ], status: status, lang: account?.locale ?? "en")
        case .alreadyActive:
            response = pages.current.response("already-active", ["publicURL": options.publicURL], status: status,
                                      lang: account?.locale ?? "en")
        case .expired:
            // `lifetimeDays` comes with every page (SiteValues).
            response = pages.current.response("expired", ["registrationURL": options.registrationURL], status: status)
        case .invalid, .gone, .replaced:
            response = pages.current.response("invalid", [
                "gone": outcome.kind == .gone, "replaced": outcome.kind == .replaced,
                "registrationURL": options.registrationURL, "publicURL": options.publicURL,
            ], status: status)
        case .locked:
            let seconds = retryAfter(outcome)
            response = pages.current.response("locked", ["minutes": (seconds + 59) / 60], status: status)
            response.headers[.retryAfter] = "\(seconds)"
        }
        return response
    }

    /// The JSON answer for an outcome: `{"outcome": …}` plus `attemptsLeft` or `retryAfter`.
    private func json(for outcome: ActivationOutcome) -> Response {
        var body: [String: Any] = ["outcome": outcome.kind.rawValue]
        if outcome.kind == .wrongPassword { body["attemptsLeft"] = outcome.attemptsLeft ?? 0 }
        var response = JSONBody.response(body, status: HTTPResponse.Status(code: outcome.status))
        if outcome.kind == .locked {
            let seconds = retryAfter(outcome)
            response = JSONBody.response(["outcome": outcome.kind.rawValue, "retryAfter": seconds],
                                         status: HTTPResponse.Status(code: outcome.status))
            response.headers[.retryAfter] = "\(seconds)"
        }
        return response
    }

    /// Whole seconds until the lock ends, at least 1.
    private func retryAfter(_ outcome: ActivationOutcome) -> Int {
        max(1, Int((outcome.lockedUntil?.timeIntervalSince(flow.now()) ?? 0).rounded(.up)))
    }
}
