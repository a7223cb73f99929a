import ActivationCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus

/// `GET /healthz` (the process answers), `GET /readyz` (the store and the daemon's checks pass)
/// and `GET /metrics` (Prometheus text exposition of the shared registry).
struct HealthController: Sendable {
    let store: any AccountStore
    let checks: [ReadinessCheck]
    let registry: PrometheusCollectorRegistry

    var endpoints: RouteCollection<ActivationRequestContext> {
        let routes = RouteCollection(context: ActivationRequestContext.self)
        routes.get("healthz") { _, _ in JSONBody.response(["status": "ok"]) }
        routes.get("readyz") { _, _ in
            var results: [String: String] = ["store": "ok"]
            // A lookup by primary key: the cheapest call that proves the store answers queries.
            do { _ = try await store.account(id: UUID()) } catch { results["store"] = "failed" }
            for check in checks {
                results[check.name] = ((try? await check.check()) ?? false) ? "ok" : "failed"
            }
            let ready = results.values.allSatisfy { $0 == "ok" }
            return JSONBody.response(["status": ready ? "ready" : "not ready", "checks": results],
                                     status: ready ? .ok : .serviceUnavailable)
        }
        routes.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return routes
    }
}
