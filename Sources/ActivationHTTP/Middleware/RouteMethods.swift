import HTTPTypes
import Hummingbird
import Synchronization

/// The methods each route answers, read from the router itself once its routes are added, for the
/// 405 answer's `Allow`: a route declared in a controller is known here without a second list.
final class RouteMethods: Sendable {
    private let routes = Mutex<[(path: RouterPath, methods: [HTTPRequest.Method])]>([])

    /// Takes the router's routes (after every `addRoutes`); HEAD beside each GET, as the router's
    /// `.autoGenerateHeadEndpoints` answers it.
    func load(from router: Router<some RequestContext>) {
        var byPath: [(path: RouterPath, methods: [HTTPRequest.Method])] = []
        for route in router.routes {
            if let index = byPath.firstIndex(where: { $0.path == route.path }) {
                byPath[index].methods.append(route.method)
            } else {
                byPath.append((route.path, [route.method]))
            }
        }
        for index in byPath.indices where byPath[index].methods.contains(.get) {
            byPath[index].methods.append(.head)
        }
        routes.withLock { $0 = byPath }
    }

    /// "GET, HEAD, POST" for a path some route answers, in that order; nil for a path no route
    /// answers (404). Matched as the router matches: segment by segment, a capture taking any one
    /// non-empty segment, so `/api/v1/usernames/` and `/api/v1/usernames/a/b` are unknown paths.
    func allowed(for path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        let methods = routes.withLock { routes in
            Set(routes.filter { Self.matches($0.path, segments) }.flatMap(\.methods))
        }
        guard !methods.isEmpty else { return nil }
        return methods.map(\.rawValue).sorted().joined(separator: ", ")
    }

    private static func matches(_ route: RouterPath, _ segments: [Substring]) -> Bool {
        route.components.count == segments.count
            && zip(route.components, segments).allSatisfy { element, segment in element ~= segment }
    }
}
