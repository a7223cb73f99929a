import ActivationCore
import AsyncAlgorithms
import Metrics
import ServiceLifecycle

/// Records `activationd_sqlite_memory_bytes` every 10 s, for a store whose engine lives in this
/// process (SQLite): beside the process's RSS it tells SQLite's page caches filling (bounded) from
/// anything else growing. For a store that reports none (PostgreSQL) it records nothing and waits
/// for the shutdown (a service that returns early would stop the group); `serve` adds it only for
/// a store that reports.
struct MemoryGaugeService: Service {
    let store: any AccountStore

    func run() async throws {
        guard let first = store.engineMemoryInUse() else {
            try await gracefulShutdown()
            return
        }
        let gauge = Gauge(label: "activationd_sqlite_memory_bytes")
        gauge.record(first)
        for await _ in AsyncTimerSequence(interval: .seconds(10), clock: .continuous).cancelOnGracefulShutdown() {
            if let used = store.engineMemoryInUse() { gauge.record(used) }
        }
    }
}
