import ActivationCore
import ActivationHTTP
import Foundation
import Prometheus
import NIOCore
import ActivationStoreSQLite
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@Suite("Username check, health, readiness, metrics")
struct UsernameAndHealthTests {
    @Test func usernameAnswers() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        _ = try await fixture.register("jdoe2026")
        try await fixture.withRouter { client in
            let free = try await client.execute(uri: "/api/v1/usernames/jsmith77", method: .get)
            #expect(free.status == .ok)
            #expect(free.json["available"] as? Bool == true)
            #expect(free.json["problems"] as? [String] == [])
            let taken = try await client.execute(uri: "/api/v1/usernames/JDoe2026", method: .get)
            #expect(taken.json["available"] as? Bool == false)
            #expect(taken.json["problems"] as? [String] == ["username.taken"])
            let short = try await client.execute(uri: "/api/v1/usernames/ab", method: .get)
            #expect(short.json["problems"] as? [String] == ["username.length"])
            let spaced = try await client.execute(uri: "/api/v1/usernames/jane%20doe", method: .get)
            #expect(spaced.json["problems"] as? [String] == ["username.characters"])
        }
    }

    @Test func usernameChecksAreLimitedPerAddress() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        var options = HTTPOptions()
        options.limits.usernameChecksPerAddress = RateLimit(requests: 2, per: .seconds(60))
        try await fixture.withRouter(options) { client in
            #expect(try await client.execute(uri: "/api/v1/usernames/abcdef", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/usernames/abcdef", method: .get).status == .ok)
            let limited = try await client.execute(uri: "/api/v1/usernames/abcdef", method: .get)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.json["error"] != nil)
        }
    }

    @Test func healthAndReadiness() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let spoolOK = ReadinessCheck(name: "spool") { true }
        try await fixture.withRouter(readiness: [spoolOK]) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            // The store's probe has 2 s to answer; beside every other suite on 2 cores it once took
            // longer, so a 503 is asked again (a broken probe never turns 200).
            let ready = try await waitUntil("/readyz answers 200", observe: {
                let answer = try await client.execute(uri: "/readyz", method: .get)
                return (status: answer.status, json: answer.json)
            }) { $0.status == .ok }
            #expect(ready.json["checks"] as? [String: String] == ["store": "ok", "spool": "ok"])
        }
        let spoolFull = ReadinessCheck(name: "spool") { false }
        try await fixture.withRouter(readiness: [spoolFull]) { client in
            let ready = try await waitUntil("/readyz finds the store ok", observe: {
                let answer = try await client.execute(uri: "/readyz", method: .get)
                return (status: answer.status, json: answer.json)
            }) { ($0.json["checks"] as? [String: String])?["store"] == "ok" }
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json["checks"] as? [String: String] == ["store": "ok", "spool": "failed"])
        }
        try fixture.store.close()
        try await fixture.withRouter { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
        }
    }

    @Test("/metrics is served on the operator listener only, beside /healthz and /readyz")
    func metricsOnTheOperatorListener() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        try await fixture.withOperatorServer { operatorClient, publicClient in
            _ = try await publicClient.postJSON("/api/v1/activations", #"{"token":"bad","password":"x"}"#)
            #expect(try await publicClient.execute(uri: "/metrics", method: .get).status == .notFound)
            let metrics = try await operatorClient.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text.contains(#"activationd_activations_total{outcome="invalid"}"#))
            #expect(try await operatorClient.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await operatorClient.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(try await operatorClient.execute(uri: "/activate", method: .get).status == .notFound,
                    "the operator listener serves no public route")
        }
    }
}
