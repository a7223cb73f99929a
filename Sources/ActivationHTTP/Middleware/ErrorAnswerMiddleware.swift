import ActivationCore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error into a clear answer: JSON under `/api/` (and for JSON requests), a page
/// elsewhere; 405 with `Allow` for a known path with the wrong method; 500 without details for
/// anything unexpected (logged by type only). Never a stack trace, never the request's content.
struct ErrorAnswerMiddleware: RouterMiddleware {
    typealias Context = ActivationRequestContext
    let pages: PageLibrary
    /// The router's routes and their methods, for 405.
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return answer(error, to: request, context: context)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound,
               let allowed = routes.allowed(for: request.uri.path) {
                return answer(APIError(.methodNotAllowed, code: "request.method",
                                       message: "This path answers \(allowed) only.", headers: [.allow: allowed]),
                              to: request, context: context)
            }
            return answer(APIError(error.status, code: Self.code(for: error.status),
                                   message: Self.message(for: error.status)), to: request, context: context)
        } catch {
            context.logger.error("request failed", metadata: ["error_type": "\(type(of: error))"])
            return answer(APIError(.internalServerError, code: "server.error",
                                   message: Self.message(for: .internalServerError)), to: request, context: context)
        }
    }

    private func answer(_ error: APIError, to request: Request, context: Context) -> Response {
        let wantsJSON = request.uri.path.hasPrefix("/api/")
            || request.headers[.contentType]?.hasPrefix("application/json") == true
            || request.headers[.accept]?.hasPrefix("application/json") == true
        var response: Response
        if wantsJSON, let json = try? error.response(from: request, context: context) {
            response = json
        } else {
            response = pages.current.response("error", ["heading": Self.heading(for: error.status), "message": error.message],
                                      status: error.status)
            response.headers.append(contentsOf: error.headers)
        }
        // A HEAD answer has no body, errors included.
        return request.method == .head ? response.createHeadResponse() : response
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "request.not_found"
        case .contentTooLarge: "request.too_large"
        case .badRequest: "request.malformed"
        default: "request.\(status.code)"
        }
    }

    static func heading(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "Page not found"
        case .methodNotAllowed: "Not allowed"
        case .contentTooLarge: "Request too large"
        case .unsupportedMediaType: "Unsupported request"
        case .tooManyRequests: "Too many requests"
        case .badRequest: "Bad request"
        default: status.code >= 500 ? "Something went wrong" : "Request refused"
        }
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "There is nothing at this address. To activate your account, use the link in the mail we sent you."
        case .contentTooLarge: "The request body is larger than this service accepts."
        case .badRequest: "The request could not be understood."
        default: status.code >= 500 ? "Please try again in a few minutes." : "The request was refused."
        }
    }
}
