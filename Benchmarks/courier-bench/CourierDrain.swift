import ActivationCore
import ActivationDaemon
import ActivationMail
import BenchStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The Courier as the daemon runs it, draining a fresh store's queue to an SMTP sink.
enum CourierDrain {
    static func run(port: Int, connections: Int, messages: Int) async throws -> String {
        let (store, directory) = try await Bench.store(accounts: messages)
        defer { try? FileManager.default.removeItem(at: directory) }
        let messageBytes = try Bench.sampleMail().bytes.count
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)",
                                                                   connections: connections))
        // One line per mail to standard error through the daemon's handler, as in the daemon (the
        // script discards it); counting the mail.sent lines tells when the queue is drained
        // without querying the store while it is measured.
        let sent = Atomic<Int>(0)
        let settings = LineLogHandler.Settings(level: .info, format: .logfmt)
        let logger = Logger(label: "courier-bench") {
            LineLogHandler(label: $0, settings: settings) { line in
                LineLogHandler.standardError(line)
                if line.firstRange(of: "event=mail.sent ") != nil { sent.add(1, ordering: .relaxed) }
            }
        }
        let window = ProcessInfo.processInfo.environment["WINDOW"].flatMap { Int($0) }
            ?? CourierOptions.window(connections: connections)
        // HOSTS couriers, each with its own store client (a pool of its own) and lease owner, as
        // hosts have; with SQLite they share the one store.
        var couriers: [Courier] = []
        for host in 0..<BenchStore.hosts {
            let hostStore = host == 0 || BenchStore.postgres == nil
                ? store : try await BenchStore.open(sqlitePath: directory.appendingPathComponent("bench.sqlite").path)
            couriers.append(Courier(store: hostStore, transport: transport, factory: Bench.factory,
                                    options: CourierOptions(pollInterval: .milliseconds(20), window: window),
                                    logger: logger))
        }
        let group = ServiceGroup(configuration: .init(services: couriers, logger: Logger(label: "group") { _ in
            SwiftLogNoOpLogHandler()
        }))
        var rss = [Bench.residentKiB()]
        let cpuStarted = Bench.processCPU()
        let started = ContinuousClock.now
        var elapsed = Duration.zero
        var cpuUsed = 0.0
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var lastSample = ContinuousClock.now
            while sent.load(ordering: .relaxed) < messages {
                try await Task.sleep(for: .milliseconds(5))
                if lastSample.duration(to: .now) >= .milliseconds(100) {
                    rss.append(Bench.residentKiB())
                    lastSample = .now
                }
            }
            elapsed = started.duration(to: .now)
            cpuUsed = Bench.processCPU() - cpuStarted
            rss.append(Bench.residentKiB())
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await transport.shutdown()
        let delivered = try await store.counts().outbox[.sent] ?? 0
        let seconds = Bench.seconds(elapsed)
        return "{\"mode\":\"courier\",\"store\":\"\(BenchStore.postgres == nil ? "sqlite" : "postgres")\","
            + "\"hosts\":\(BenchStore.hosts),\"connections\":\(connections),\"messages\":\(messages),\"sent\":\(delivered),"
            + "\"window\":\(window),\"seconds\":\(Bench.format(seconds, 3)),"
            + "\"rate\":\(Bench.format(Double(messages) / seconds, 0)),"
            + "\"cpu_us_per_mail\":\(Bench.format(cpuUsed / Double(messages))),\"message_bytes\":\(messageBytes),"
            + "\"rss_kib_start\":\(rss.first!),\"rss_kib_mid\":\(rss[rss.count / 2]),\"rss_kib_max\":\(rss.max()!),"
            + "\"rss_kib_end\":\(rss.last!)}"
    }
}
