import ActivationStoreSQLite
import AsyncAlgorithms
import Metrics
import ServiceLifecycle

/// Records `activationd_sqlite_memory_bytes` every 10 s (SQLite store only): beside the process's
/// RSS it tells SQLite's page caches filling (bounded) from anything else growing.
struct MemoryGaugeService: Service {
    func run() async throws {
        let gauge = Gauge(label: "activationd_sqlite_memory_bytes")
        gauge.record(SQLiteMemory.used)
        for await _ in AsyncTimerSequence(interval: .seconds(10), clock: .continuous).cancelOnGracefulShutdown() {
            gauge.record(SQLiteMemory.used)
        }
    }
}
