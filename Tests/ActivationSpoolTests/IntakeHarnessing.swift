import TestSupport
import ActivationCore
import ActivationSpool
import ActivationStoreSQLite
import Foundation
import MetricsTestKit
import ServiceLifecycleTestKit

/// Runs the real intake service on `sandbox` over a real SQLite store while `body` runs, then shuts
/// it down gracefully and checks that `run()` returned.
func withRunningIntake(
    _ sandbox: SpoolSandbox, recorder: LogRecorder = LogRecorder(), metrics: TestMetrics = TestMetrics(),
    configure: (inout IntakeOptions) -> Void = { _ in },
    _ body: (SQLiteAccountStore) async throws -> Void
) async throws {
    let store = try SQLiteAccountStore(path: sandbox.storePath)
    try await store.migrate()
    var options = IntakeOptions(directory: sandbox.spool.root, passwordHash: testScrypt)
    configure(&options)
    let intake = IntakeService(
        options: options, store: store, logger: recorder.logger, clock: ContinuousClock(),
        metrics: IntakeMetrics(factory: metrics))
    try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await intake.run() }
            do {
                try await body(store)
            } catch {
                group.cancelAll()
                throw error
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
    try store.close()
}

/// Waits until `new/` is empty and `accounts` pending accounts exist.
func waitForIntake(_ sandbox: SpoolSandbox, store: SQLiteAccountStore, accounts: Int,
                   timeout: Duration = .seconds(90)) async throws {
    try await waitUntil(timeout: timeout, "new/ is empty and \(accounts) accounts exist") {
        guard sandbox.names(in: sandbox.spool.new).isEmpty else { return false }
        return try await store.counts().accounts[.pending] == accounts
    }
}
