import ActivationCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus

/// `GET /healthz` (the process answers) and `GET /readyz` (the store and the daemon's checks
/// pass), on both listeners.
struct HealthController: Sendable {
    let store: any AccountStore
    let checks: [ReadinessCheck]

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.get("healthz") { _, _ in JSONBody.response(["status": "ok"]) }
        routes.get("readyz") { _, _ in
            var results: [String: String] = ["store": "ok"]
            // A lookup by primary key: the cheapest call that proves the store answers queries; within
            // 2 seconds, since a database that is away keeps calls waiting while it reconnects.
            do {
                _ = try await withStoreTimeout(.seconds(2)) { [store] in try await store.account(id: UUID()) }
            } catch {
                results["store"] = "failed"
            }
            for check in checks {
                results[check.name] = ((try? await check.check()) ?? false) ? "ok" : "failed"
            }
            let ready = results.values.allSatisfy { $0 == "ok" }
            return JSONBody.response(["status": ready ? "ready" : "not ready", "checks": results],
                                     status: ready ? .ok : .serviceUnavailable)
        }
        return routes
    }
}

/// `GET /metrics`: the Prometheus text exposition of the shared registry, on the operator listener
/// only — its counters tell one login from another (`/resend`'s `queued` against `refused`), which
/// the public answers are careful not to.
struct MetricsController: Sendable {
    let registry: PrometheusCollectorRegistry

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return routes
    }
}
