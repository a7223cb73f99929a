// courier-bench — drains N queued activation mails from a fresh SQLite store to an SMTP sink and
// prints one JSON line: messages per second, the message size, and RSS samples over the run.
//
// Usage: courier-bench PORT CONNECTIONS MESSAGES
//        courier-bench compose MESSAGES      (composition alone: time per mail, no store, no SMTP)
// scripts/bench-courier.sh starts smtp-sink, runs smtp-source as the ceiling, and runs this.
import ActivationCore
import ActivationDaemon
import ActivationMail
import ActivationStoreSQLite
import Foundation
import Logging
import ServiceLifecycle

let arguments = CommandLine.arguments
if arguments.count == 3, arguments[1] == "compose", let n = Int(arguments[2]) {
    let keys = try KeyRing(keys: [SigningKey(id: "bench", secret: Array(repeating: 9, count: 32))!])
    let factory = MailFactory(sender: try Mailbox(parsing: "Accounts <no-reply@example.org>"), templates: try MailTemplates(), keys: keys, publicURL: "https://accounts.example.org")
    let now = Date()
    let email = "person1@example.net"
    let registration = Registration(
        id: UUID(), submittedAt: now, username: "bench1", firstName: "Jane", lastName: "Doe", email: email,
        confirmEmail: email, password: Secret("Secr3tPass"), confirmPassword: Secret("Secr3tPass"),
        passwordPhrase: Secret("blue heron at dawn"), acceptedConditions: true)
    let account = Account.pending(from: registration, passwordHash: "x", now: now, lifetime: .seconds(30 * 86_400))
    let message = OutboxMessage.queued(.activation, for: account.id, now: now)
    var total = 0
    let start = ContinuousClock.now
    for _ in 0..<n { total &+= try factory.mail(for: message, account: account, now: now).bytes.count }
    let d = start.duration(to: .now)
    let micros = Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
    print("{\"compose_us_per_mail\":\(String(format: "%.2f", micros / Double(n))),\"bytes\":\(total / n)}")
    exit(0)
}
guard arguments.count == 4, let port = Int(arguments[1]), let connections = Int(arguments[2]),
      let count = Int(arguments[3])
else {
    FileHandle.standardError.write(Data("usage: courier-bench PORT CONNECTIONS MESSAGES\n".utf8))
    exit(64)
}

/// Resident set size in KiB, from /proc/self/status.
func residentKiB() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("courier-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let store = try SQLiteAccountStore(path: directory.appendingPathComponent("bench.sqlite").path)
try await store.migrate()
let now = Date()
for index in 0..<count {
    let email = "person\(index)@example.net"
    let registration = Registration(
        id: UUID(), submittedAt: now, username: "bench\(index)", firstName: "Jane", lastName: "Doe", email: email,
        confirmEmail: email, password: Secret("Secr3tPass"), confirmPassword: Secret("Secr3tPass"),
        passwordPhrase: Secret("blue heron at dawn"), acceptedConditions: true)
    let account = Account.pending(from: registration, passwordHash: "$scrypt$ln=17,r=8,p=1$c2FsdA$aGFzaA", now: now,
                                  lifetime: .seconds(30 * 86_400))
    _ = try await store.register(registration, as: account, now: now)
}

if let marker = ProcessInfo.processInfo.environment["READY_MARKER"] { FileManager.default.createFile(atPath: marker, contents: nil) }
if connections == 0 {
    // Store timing alone: claims and records of the same batches the courier makes.
    func micros(_ d: Duration) -> Double { Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12 }
    var t = ContinuousClock.now
    _ = try await store.counts()
    let countsTime = micros(t.duration(to: .now))
    var claimTime = Duration.zero, recordTime = Duration.zero, claimed = 0
    let batch = Int(ProcessInfo.processInfo.environment["BATCH"] ?? "16")!
    func cpu() -> Double { var t = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return Double(t.tv_sec) * 1e6 + Double(t.tv_nsec) / 1e3 }
    let cpuStart = cpu()
    while true {
        t = .now
        let claims = try await store.claimOutbox(owner: "o", limit: batch, lease: .seconds(300), now: Date())
        claimTime += t.duration(to: .now)
        if claims.isEmpty { break }
        claimed += claims.count
        t = .now
        _ = try await store.recordDeliveries(claims.map { DeliveryRecord(.sent(reply: "250 2.0.0 Ok: queued as ABCDEF"), messageID: $0.message.id, now: Date()) }, owner: "o")
        recordTime += t.duration(to: .now)
    }
    print("{\"claim_us_per_row\":\(micros(claimTime) / Double(claimed)),\"record_us_per_row\":\(micros(recordTime) / Double(claimed)),\"counts_us\":\(countsTime),\"cpu_us_per_row\":\((cpu() - cpuStart) / Double(claimed))}")
    exit(0)
}
let keys = try KeyRing(keys: [SigningKey(id: "bench", secret: Array(repeating: 9, count: 32))!])
let sender = try Mailbox(parsing: "Accounts <no-reply@example.org>")
let factory = MailFactory(sender: sender, templates: try MailTemplates(), keys: keys,
                          publicURL: "https://accounts.example.org")
let sample = try await store.claimOutbox(owner: "probe", limit: 1, lease: .seconds(0), now: now).first!
let messageBytes = try factory.mail(for: sample.message, account: sample.account!, now: now).bytes.count

let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: connections))
// One info line per mail goes to standard error through the daemon's handler; the script
// discards it.
let logSettings = LineLogHandler.Settings(level: .info, format: .logfmt)
let logger = Logger(label: "courier-bench") { LineLogHandler(label: $0, settings: logSettings) }
let courier = Courier(store: store, transport: transport, factory: factory,
                      options: CourierOptions(pollInterval: .milliseconds(20), window: Int(ProcessInfo.processInfo.environment["WINDOW"] ?? "") ?? CourierOptions.window(connections: connections)), logger: logger)
let group = ServiceGroup(configuration: .init(services: [courier], logger: Logger(label: "group") { _ in SwiftLogNoOpLogHandler() }))

/// CPU time of the whole process so far, in microseconds.
func processCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
}

var rss: [Int] = [residentKiB()]
let cpuStarted = processCPU()
let started = ContinuousClock.now
var elapsed = Duration.zero
var cpuUsed = 0.0
try await withThrowingTaskGroup(of: Void.self) { tasks in
    tasks.addTask { try await group.run() }
    while true {
        try await Task.sleep(for: .milliseconds(100))
        rss.append(residentKiB())
        if try await store.counts().outbox[.sent] == count { break }
    }
    elapsed = started.duration(to: .now)
    cpuUsed = processCPU() - cpuStarted
    await group.triggerGracefulShutdown()
    try await tasks.waitForAll()
}
await transport.shutdown()
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("{\"connections\":\(connections),\"messages\":\(count),\"seconds\":\(String(format: "%.3f", seconds)),"
    + "\"rate\":\(String(format: "%.0f", Double(count) / seconds)),"
    + "\"cpu_us_per_mail\":\(String(format: "%.1f", cpuUsed / Double(count))),\"message_bytes\":\(messageBytes),"
    + "\"rss_kib_start\":\(rss.first!),\"rss_kib_mid\":\(rss[rss.count / 2]),\"rss_kib_max\":\(rss.max()!),"
    + "\"rss_kib_end\":\(rss.last!)}")
