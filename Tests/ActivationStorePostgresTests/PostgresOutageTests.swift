import AccountStoreContract
import ActivationCore
@testable import ActivationStorePostgres
import Foundation
import Logging
import Synchronization
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
            try await waitUntil(interval: .milliseconds(200), "the store works again after the server restarted",
                                observe: { try await Self.within(.seconds(5)) { try await store.ping(timeout: .seconds(1)) } }) {
                $0 == .returned
            }
            print("PostgresOutageTests: store answered again \(ContinuousClock.now - restarted) after the restart")
            #expect(try await store.account(registrationID: registration.id)?.username == "outage1")
        }
        // (Stopped at exit otherwise, if the test failed before this line.)
        try await cluster.stop()
    }

    /// Registrations in flight when the server stops, and more while it is down, each retried as
    /// the intake retries a file: every call ends (it fails or succeeds, none waits for ever), and
    /// after the restart every registration is stored once.
    @Test func registrationsInFlightAcrossARestartAllEnd() async throws {
        let cluster = try await PostgresCluster.make()
        let stores = PostgresStores(cluster: cluster, database: try await cluster.createDatabase())
        try await stores.use { stores in
            let store = try await stores.open()
            let f = ContractFixtures()
            let hung = HungCalls()
            let count = 40
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask {
                        let registration = f.registration(username: "inflight\(index)", email: "i\(index)@example.org")
                        let account = f.account(for: registration)
                        while true {
                            let outcome = try await Self.within(.seconds(90)) {
                                _ = try await store.register(registration, as: account, now: f.now)
                            }
                            if outcome == .returned { return }
                            if outcome == .timedOut { hung.count.withLock { $0 += 1 } }
                            try await Task.sleep(for: .milliseconds(500))
                        }
                    }
                    if index == 10 {
                        try await cluster.stop()
                        group.addTask { try await Task.sleep(for: .seconds(10)); try await cluster.start() }
                    }
                }
                try await group.waitForAll()
            }
            #expect(hung.count.withLock { $0 } == 0, "store calls that neither failed nor returned within 90 s")
            #expect(try await cluster.psql("SELECT count(*) FROM account", database: stores.database).trimmingCharacters(in: .whitespacesAndNewlines) == "\(count)")
        }
        try await cluster.stop()
    }

    /// A call that never ends (as a statement sent to a dying connection was seen to) is given
    /// up after the call timeout with a store error naming what it was doing, and the caller goes
    /// on; a call that ends in time gives its own answer.
    @Test func aCallThatNeverEndsIsGivenUp() async throws {
        let options = PostgresStoreOptions(host: "127.0.0.1", port: 9, username: "nobody", database: "none",
                                           tls: .disable, callTimeout: .milliseconds(300))
        let store = try PostgresAccountStore(options: options, logger: Logger(label: "test"))
        let started = ContinuousClock.now
        await #expect(throws: PostgresStoreError.self) {
            try await store.bounded("transaction") { phase in
                phase.set("ROLLBACK")
                // Ignores cancellation, as the hung postgres-nio call did.
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
            }
        }
        let took = ContinuousClock.now - started
        #expect(took >= .milliseconds(300) && took < .seconds(5), "given up after \(took)")
        let answer = try await store.bounded("statement") { _ in 42 }
        #expect(answer == 42)
        do {
            try await store.bounded("statement") { _ in throw PostgresStoreError("its own error") }
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "its own error")
        }
    }

    final class HungCalls: Sendable { let count = Mutex(0) }

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
