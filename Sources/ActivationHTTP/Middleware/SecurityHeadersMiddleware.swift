import ActivationCore
import HTTPTypes
import Hummingbird

/// The headers every answer carries: no referrer (the page's URL holds a token), never cached
/// (pages show a phrase and hold a token; only the empty registration form may be kept for Back), a strict CSP, and no content sniffing.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ActivationRequestContext
    let pages: PageLibrary

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.referrerPolicy] = "no-referrer"
        // no-store unless a route chose otherwise (the registration form, which Back must show again).
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        response.headers[.contentSecurityPolicy] = pages.current.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}

extension HTTPField.Name {
    /// `Referrer-Policy`, missing from HTTPTypes' list.
    static var referrerPolicy: Self { Self("Referrer-Policy")! }
}
