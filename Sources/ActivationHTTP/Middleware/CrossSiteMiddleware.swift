import Foundation
import HTTPTypes
import Hummingbird

/// Refuses form posts made by another site (`POST /register`, `POST /resend`): a page elsewhere must
/// not make a visitor's browser register or resend in their name, nor spend their limits.
///
/// Fetch Metadata first: a browser that sends `Sec-Fetch-Site` says where the request came from;
/// only `same-origin` and `none` (typed or bookmarked) pass — `same-site` too is refused, since a
/// sibling subdomain may be someone else's. A browser without Fetch Metadata is judged by `Origin`,
/// which must be this service's (`public_url`'s origin, or the request's own `Host` over the
/// scheme `public_url` names). A request with neither header is not a browser's cross-site form
/// (scripts and old browsers): it passes, and the other defences (the characters, the rate limits)
/// apply to it as to any.
struct CrossSiteMiddleware: RouterMiddleware {
    typealias Context = ActivationRequestContext
    /// `scheme://host[:port]` of `public_url`, lower case.
    let publicOrigin: String
    /// The paths whose POSTs are forms.
    let paths: Set<String> = ["/register", "/resend"]

    init(publicURL: String) {
        publicOrigin = Self.origin(of: publicURL)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method == .post, paths.contains(request.uri.path) else {
            return try await next(request, context)
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased() {
            guard site == "same-origin" || site == "none" else { throw Self.refusal }
        } else if let origin = request.headers[HTTPField.Name("Origin")!] {
            guard allowed(origin: origin, host: request.head.authority) else { throw Self.refusal }
        }
        return try await next(request, context)
    }

    func allowed(origin: String, host: String?) -> Bool {
        let origin = origin.lowercased()
        if origin == publicOrigin { return true }
        guard let host, let scheme = publicOrigin.split(separator: ":").first else { return false }
        return origin == "\(scheme)://\(host.lowercased())"
    }

    static let refusal = APIError(
        .forbidden, code: "request.cross_site",
        message: "This form can only be sent from this service's own pages.")

    /// `https://Example.org:8443/x` → `https://example.org:8443`; the default port dropped.
    static func origin(of url: String) -> String {
        let lower = url.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return lower }
        let scheme = String(lower[..<schemeEnd.lowerBound])
        var authority = String(lower[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        if (scheme == "https" && authority.hasSuffix(":443")) || (scheme == "http" && authority.hasSuffix(":80")) {
            authority = String(authority[..<authority.lastIndex(of: ":")!])
        }
        return "\(scheme)://\(authority)"
    }
}
