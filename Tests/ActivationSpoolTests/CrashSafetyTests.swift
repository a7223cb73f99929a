import ActivationCore
import ActivationSpool
import ActivationStoreSQLite
import Foundation
import TestSupport
import Glibc
import Testing

/// The real intake in a child process (`intake-harness`), killed with SIGKILL at random moments
/// while registrations flow in, and restarted each time.
@Suite("Crash safety: SIGKILL at any moment loses, doubles and leaks nothing")
struct CrashSafetyTests {
    /// Every password of a record that parses contains this; nothing else written anywhere does,
    /// so one search per file finds any plaintext password.
    static let marker = "Qz9Plain"

    @Test("2,000 registrations with the intake SIGKILLed and restarted throughout")
    func killedRepeatedly() async throws {
        let environment = ProcessInfo.processInfo.environment
        let total = Int(environment["INTAKE_CRASH_RECORDS"] ?? "") ?? 2000
        let seed = UInt64(environment["INTAKE_CRASH_SEED"] ?? "") ?? UInt64.random(in: 1 ... .max)
        let report = try await CrashRun(records: total, seed: seed).run()
        print("crash run: \(total) records, \(report.kills) kills, INTAKE_CRASH_SEED=\(seed)")
        #expect(report.kills >= 5, "the intake was killed \(report.kills) times")
    }
}

/// One crash run: its files, its kills, and the checks at the end.
struct CrashRun {
    let records: Int
    let seed: UInt64

    struct Report {
        var kills = 0
    }

    /// What was dropped: valid files by registration id, invalid files by name.
    struct Plan {
        var validIDs: Set<UUID> = []
        var files: [(name: String, data: Data, valid: Bool)] = []
    }

    func makePlan() -> Plan {
        var plan = Plan()
        var random = SplitMix(seed: seed)
        var lastValid: Data?
        for index in 0..<records {
            let password = "\(CrashSafetyTests.marker)\(index)"
            let name = String(format: "%06d.json", index)
            switch random.next() % 100 {
            case 0..<3:
                // Unparseable: kept verbatim, so its password must not carry the marker.
                let data = Record.valid(username: "trunc\(index)", password: "Trunc8Aa\(index)").prefix(50)
                plan.files.append((name, Data(data), false))
            case 3..<7:
                var fields = Record.fields(username: "bad\(index)", password: password)
                fields["acceptedConditions"] = false
                plan.files.append((name, Record.data(fields), false))
            case 7..<9 where lastValid != nil:
                // The same record again under another file name (the front retrying): no second
                // account. (The same id with other content would be `id.reused`, a reject.)
                plan.files.append((name, lastValid!, true))
            default:
                let id = UUID()
                plan.validIDs.insert(id)
                let data = Record.valid(id: id, username: "user\(index)", password: password)
                lastValid = data
                plan.files.append((name, data, true))
            }
        }
        return plan
    }

    func run() async throws -> Report {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let plan = makePlan()
        let logPath = sandbox.root.appendingPathComponent("intake.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let harness = try Harness(sandbox: sandbox, logPath: logPath)
        var report = Report()
        var random = SplitMix(seed: seed &+ 1)

        // The front: drops every file, a few at a time, on a thread of its own.
        let writerDone = DispatchSemaphore(value: 0)
        let files = plan.files.map { ($0.name, $0.data) }
        Thread {
            for (offset, file) in files.enumerated() {
                _ = try? sandbox.drop(file.1, as: file.0)
                if offset % 20 == 0 { usleep(25_000) }
            }
            writerDone.signal()
        }.start()

        var writing = true
        while true {
            let process = try harness.start()
            try await Task.sleep(for: .milliseconds(Int(80 + random.next() % 500)))
            kill(process.processIdentifier, SIGKILL)
            #expect(waitForExit(process) == 128 + SIGKILL)
            report.kills += 1
            if writing { writing = writerDone.wait(timeout: .now()) == .timedOut }
            // Past the writer, keep killing while a backlog is left, at least 5 and at most 20 kills.
            if !writing, report.kills >= 5, report.kills >= 20 || sandbox.names(in: sandbox.spool.new).isEmpty { break }
        }

        // The last run takes in what is left, then stops gracefully.
        let startsBefore = try harness.starts()
        let last = try harness.start()
        // SIGTERM means graceful shutdown only once the service group listens for it.
        try await waitUntil(timeout: .seconds(120), "the last run started and new/ is empty") {
            try harness.starts() > startsBefore && sandbox.names(in: sandbox.spool.new).isEmpty
        }
        kill(last.processIdentifier, SIGTERM)
        #expect(waitForExit(last) == 0)

        try await check(plan, sandbox: sandbox, logPath: logPath)
        return report
    }

    private func check(_ plan: Plan, sandbox: SpoolSandbox, logPath: String) async throws {
        #expect(sandbox.names(in: sandbox.spool.new).isEmpty)
        let store = try SQLiteAccountStore(path: sandbox.storePath)
        defer { try? store.close() }
        for id in plan.validIDs {
            guard let account = try await store.account(registrationID: id) else {
                Issue.record("registration \(id) has no account")
                continue
            }
            let outbox = try await store.outbox(accountID: account.id)
            #expect(outbox.count == 1 && outbox.first?.kind == .activation, "account \(account.id)")
        }
        let counts = try await store.counts()
        #expect(counts.accounts[.pending] == plan.validIDs.count)
        #expect(counts.outbox.values.reduce(0, +) == plan.validIDs.count)

        let rejected = Set(sandbox.names(in: sandbox.spool.rejected))
        for file in plan.files where !file.valid {
            #expect(rejected.contains(file.name) && rejected.contains(file.name + ".reason.json"), "\(file.name)")
        }
        #expect(rejected.count == 2 * plan.files.filter { !$0.valid }.count)

        var searched = [sandbox.storePath, sandbox.storePath + "-wal", logPath]
        searched += rejected.map { sandbox.spool.rejected + "/" + $0 }
        let marker = Data(CrashSafetyTests.marker.utf8)
        for path in searched where FileManager.default.fileExists(atPath: path) {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.range(of: marker) == nil, "a plaintext password in \(path)")
        }
        let log = try String(contentsOfFile: logPath, encoding: .utf8)
        #expect(log.contains("registration.accepted"), "the log file holds the intake's lines")
    }
}

/// Starts `intake-harness` on a sandbox, its standard error appended to the log file.
struct Harness {
    let sandbox: SpoolSandbox
    let logPath: String
    let binary: URL

    init(sandbox: SpoolSandbox, logPath: String) throws {
        self.sandbox = sandbox
        self.logPath = logPath
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The test binary may be inside activationdPackageTests.xctest/…; walk up to the build directory.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("intake-harness").path),
              directory.pathComponents.count > 1 {
            directory.deleteLastPathComponent()
        }
        binary = directory.appendingPathComponent("intake-harness")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw SpoolError(operation: "find intake-harness near", path: testBinary.path, errno: ENOENT)
        }
    }

    /// How many times the intake has logged its start.
    func starts() throws -> Int {
        try String(contentsOfFile: logPath, encoding: .utf8).components(separatedBy: "intake.started").count - 1
    }

    func start() throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = [sandbox.spool.root, sandbox.storePath, "4", "1"]
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try log.seekToEnd()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try log.close()
        return process
    }
}

