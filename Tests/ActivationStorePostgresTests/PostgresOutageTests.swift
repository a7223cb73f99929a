import AccountStoreContract
import ActivationCore
@testable import ActivationStorePostgres
import Foundation
import Logging
import Testing
import TestSupport

/// The server going away and coming back, on a cluster of the test's own (stopping the shared
/// one would break the tests running beside it).
@Suite("PostgreSQL store: the server stops and starts again")
struct PostgresOutageTests {
    @Test func callsFailWhileTheServerIsDownAndWorkAgainAfterwards() async throws {
        let cluster = try await PostgresCluster.make()
        let stores = PostgresStores(cluster: cluster, database: try await cluster.createDatabase())
        try await stores.use { stores in
            let store = try await stores.open()
            let f = ContractFixtures()
            let registration = f.registration(username: "outage1", email: "o@example.org")
            _ = try await store.register(registration, as: f.account(for: registration), now: f.now)

            try await cluster.stop()
            // Down: the readiness probe says so within its timeout, again and again.
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let outcome = try await Self.within(.seconds(10)) { try await store.ping(timeout: .seconds(1)) }
                #expect(outcome == .threw, "a ping while the server is down: \(outcome)")
                #expect(ContinuousClock.now - started < .seconds(3))
            }

            try await cluster.start()
            // Up again: the pool reconnects by itself.
            let restarted = ContinuousClock.now
            var back = false
            while !back && ContinuousClock.now - restarted < .seconds(30) {
                back = (try await Self.within(.seconds(5)) { try await store.ping(timeout: .seconds(1)) }) == .returned
                if !back { try await Task.sleep(for: .milliseconds(200)) }
            }
            print("PostgresOutageTests: store answered again \(ContinuousClock.now - restarted) after the restart")
            #expect(back, "the store works again after the server restarted")
            #expect(try await store.account(registrationID: registration.id)?.username == "outage1")
        }
        // (Stopped at exit otherwise, if the test failed before this line.)
        try await cluster.stop()
    }

    enum Outcome: Equatable { case returned, threw, timedOut }

    /// Runs `body` for at most `limit`.
    static func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    try await body()
                    return .returned
                } catch {
                    return .threw
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return .timedOut
            }
            let first = try await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }
}
