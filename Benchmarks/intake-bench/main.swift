// intake-bench — registrations per second and drop-to-commit latency of the real intake service
// (inotify, thread pool, SQLite) in a release build. scripts/bench-intake.sh runs it beside an
// OpenSSL scrypt timing and writes the ratios; see docs/PERFORMANCE.md.
//
//   intake-bench LOG_N RECORDS LATENCY_DROPS
//
// Prints one line of key=value pairs: throughput (records/s from service start to the last
// `registration.accepted`), latency p50/p90 (ms from the rename into new/ to the accepted line of
// that record, which comes after its commit and unlink), and one in-process scrypt hash time.
import ActivationCore
import ActivationSpool
import BenchStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// When each registration's `registration.accepted` line was logged.
final class Probe: Sendable {
    let accepted = Mutex<[String: ContinuousClock.Instant]>([:])
    var count: Int { accepted.withLock { $0.count } }
    func time(of id: String) -> ContinuousClock.Instant? { accepted.withLock { $0[id] } }
}

struct ProbeHandler: LogHandler {
    let probe: Probe
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: Logging.LogEvent) {
        let now = ContinuousClock.now
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if case .string(let name)? = all[LogKey.event], name == EventName.registrationAccepted.rawValue,
           let id = all[LogKey.registration] {
            probe.accepted.withLock { $0["\(id)"] = now }
        } else if event.level >= .warning {
            FileHandle.standardError.write(Data("\(event.message) \(all)\n".utf8))
        }
    }
}

func record(_ id: UUID, _ index: Int) -> Data {
    let email = "bench\(index)@example.org"
    let fields: [String: Any] = [
        "version": 1, "id": id.uuidString.lowercased(), "submittedAt": "2026-11-28T10:00:00Z",
        "username": "bench\(index)", "firstName": "Jane", "lastName": "Doe", "email": email,
        "confirmEmail": email, "password": "Secr3tPass", "confirmPassword": "Secr3tPass",
        "passwordPhrase": "blue heron at dawn", "acceptedConditions": true,
    ]
    return try! JSONSerialization.data(withJSONObject: fields)
}

/// Runs an intake on a fresh spool and store while `body` runs; with `HOSTS=n` (and `STORE_PG`),
/// n intakes, each with a spool and a store client of its own, on one database.
func withIntake(logN: Int, _ body: ([SpoolDirectory], Probe) async throws -> Void,
                before: ([SpoolDirectory]) throws -> Void = { _ in }) async throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("intake-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let hosts = BenchStore.postgres == nil ? 1 : max(1, BenchStore.hosts)
    let spools = (0..<hosts).map { SpoolDirectory(root.appendingPathComponent("spool\($0)").path) }
    for spool in spools { try spool.create() }
    try before(spools)
    let probe = Probe()
    let logger = Logger(label: "bench") { _ in ProbeHandler(probe: probe) }
    var services: [any Service] = []
    for spool in spools {
        let store = try await BenchStore.open(sqlitePath: root.appendingPathComponent("store.sqlite").path)
        services.append(IntakeService(
            options: IntakeOptions(directory: spool.root, passwordHash: ScryptParameters(logN: logN, r: 8, p: 1)),
            store: store, logger: logger, clock: ContinuousClock()))
    }
    let group = ServiceGroup(configuration: .init(services: services, logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        try await body(spools, probe)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let logN = Int(arguments[1]), let records = Int(arguments[2]),
      let drops = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: intake-bench LOG_N RECORDS LATENCY_DROPS\n".utf8))
    exit(64)
}

// Throughput: every record waiting in new/ before the service starts.
var throughput = 0.0
if records > 0 {
    let start = ContinuousClock.now
    try await withIntake(logN: logN, { _, probe in
        while probe.count < records { try await Task.sleep(for: .milliseconds(2)) }
        let last = probe.accepted.withLock { $0.values.max()! }
        throughput = Double(records) / (last - start).seconds
    }, before: { spools in
        for index in 0..<records { try SpoolWriter.write(record(UUID(), index), to: spools[index % spools.count]) }
    })
}

// Latency: single drops into an idle intake.
var latencies: [Double] = []
if drops > 0 {
    try await withIntake(logN: logN) { spools, probe in
        let spool = spools[0]
        try await Task.sleep(for: .milliseconds(200))
        for index in 0..<drops {
            let id = UUID()
            let tmp = spool.tmp + "/drop\(index)"
            try record(id, index).write(to: URL(fileURLWithPath: tmp))
            let dropped = ContinuousClock.now
            rename(tmp, spool.new + "/drop\(index).json")
            while probe.time(of: id.uuidString.lowercased()) == nil { try await Task.sleep(for: .milliseconds(1)) }
            latencies.append((probe.time(of: id.uuidString.lowercased())! - dropped).seconds * 1000)
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
latencies.sort()
func percentile(_ p: Double, of sorted: [Double]) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]
}

let hashStart = ContinuousClock.now
_ = try PasswordHasher(parameters: ScryptParameters(logN: logN, r: 8, p: 1)).hash(Secret("Secr3tPass"))
let hashMs = (ContinuousClock.now - hashStart).seconds * 1000

print(String(format: "log_n=%d records=%d throughput=%.3f latency_p50_ms=%.1f latency_p90_ms=%.1f swift_hash_ms=%.1f",
             logN, records, throughput, percentile(0.5, of: latencies), percentile(0.9, of: latencies), hashMs))

extension Duration {
    var seconds: Double { timeInterval }
}
