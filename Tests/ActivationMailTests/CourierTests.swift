import TestSupport
import ActivationCore
import ActivationDaemon
@testable import ActivationMail
import ActivationStoreSQLite
import Foundation
import Logging
import MetricsTestKit
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// Runs `courier` until `done` holds (polled, for at most `limit`), then shuts it down gracefully
/// and waits for `run()` to return; a `done` that never holds fails with `WaitTimeout` after the
/// shutdown.
func runCourier(_ courier: Courier, limit: Duration = .seconds(60), until done: @escaping @Sendable () async throws -> Bool)
    async throws
{
    try await testGracefulShutdown { trigger in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await courier.run() }
            var timedOut: WaitTimeout?
            do {
                try await waitUntil(timeout: limit, interval: .milliseconds(50), "the courier's work is done", done)
            } catch let timeout as WaitTimeout {
                timedOut = timeout
            }
            trigger.triggerGracefulShutdown()
            try await group.waitForAll()
            if let timedOut { throw timedOut }
        }
    }
}

func fastOptions(lifetime: Duration = .seconds(3600)) -> CourierOptions {
    CourierOptions(minimalBackoff: .milliseconds(100), maximalBackoff: .milliseconds(400), maximalQueueLifetime: lifetime,
                   lease: .seconds(300), pollInterval: .milliseconds(50), window: 8)
}

@Suite("Courier against smtp-sink and a SQLite store")
struct CourierTests {
    @Test("drains the queue: one mail.sent line per mail, domain only, no link; counters and gauges")
    func drains() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let (store, accounts) = try await MailFixtures.store(in: directory, accounts: 20)
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 2))
        let logs = LogCapture()
        let metrics = TestMetrics()
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: fastOptions(),
                              logger: logs.logger, metricsFactory: metrics)
        try await runCourier(courier) { try await store.counts().outbox[.sent] == 20 }
        await transport.shutdown()

        #expect(try await store.counts().outbox[.sent] == 20)
        let sent = logs.lines.filter { $0.metadata["event"] == "mail.sent" }
        #expect(sent.count == 20)
        for line in sent {
            #expect(line.metadata["rcpt_domain"] == "example.net")
            #expect(line.metadata["relay"] == "127.0.0.1:\(port)")
            #expect(line.metadata["attempts"] == "1")
            #expect(line.metadata["reply"]?.hasPrefix("250 2.0.0 Ok") == true, "\(line.metadata)")
            #expect(line.metadata["message_id"]?.hasSuffix("@example.org>") == true)
            #expect(line.metadata["delay"] != nil && line.metadata["account"] != nil)
        }
        let everything = logs.lines.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(!everything.contains("token="))
        #expect(!accounts.contains { everything.contains($0.email) })
        #expect(try metrics.expectCounter("activationd_mail_sent_total").totalValue == 20)
        #expect(try metrics.expectTimer("activationd_mail_send_duration_seconds").values.count == 20)
        #expect(try metrics.expectGauge("activationd_mail_queue_depth").values.first == 20, "seen before draining")
        let row = try #require(try await store.outbox(accountID: accounts[0].id).first)
        #expect(row.lastReply?.hasPrefix("250 2.0.0 Ok") == true, "the server's reply is stored")
    }

    @Test("a relay down for a while and then back: every mail delivered, none failed")
    func relayComesBack() async throws {
        let directory = try TemporaryDirectory()
        let port = try freePort()
        let (store, _) = try await MailFixtures.store(in: directory, accounts: 10)
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 2,
                                                                   timeout: .seconds(2)))
        let logs = LogCapture()
        let metrics = TestMetrics()
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: fastOptions(),
                              logger: logs.logger, metricsFactory: metrics)
        let sink = ServerBox()
        try await runCourier(courier) {
            if sink.server == nil, logs.lines.filter({ $0.metadata["event"] == "mail.deferred" }).count >= 10 {
                sink.server = try await ServerProcess.smtpSink(port: port, directory: directory)
            }
            return try await store.counts().outbox[.sent] == 10
        }
        sink.server?.stop()
        await transport.shutdown()
        let counts = try await store.counts()
        #expect(counts.outbox[.sent] == 10)
        #expect(counts.outbox[.failed] == 0)
        #expect(try metrics.expectCounter("activationd_mail_deferred_total").totalValue >= 10)
        let deferred = try #require(logs.lines.first { $0.metadata["event"] == "mail.deferred" })
        #expect(deferred.metadata["retry_in"] != nil)
        #expect(logs.lines.contains { $0.metadata["event"] == "mail.sent" && $0.metadata["attempts"] != "1" })
    }

    @Test("5xx fails at once; outbox retry requeues the failed mail, which is then sent")
    func permanentThenRetry() async throws {
        let directory = try TemporaryDirectory()
        var sink = try await ServerProcess.smtpSink(options: ["-f", "RCPT"], directory: directory)
        let port = sink.port
        let (store, _) = try await MailFixtures.store(in: directory, accounts: 3)
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1))
        let logs = LogCapture()
        let metrics = TestMetrics()
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: fastOptions(),
                              logger: logs.logger, metricsFactory: metrics)
        try await runCourier(courier) { try await store.counts().outbox[.failed] == 3 }
        #expect(try await store.counts().outbox[.failed] == 3)
        #expect(try metrics.expectCounter("activationd_mail_failed_total").totalValue == 3)
        let failed = logs.lines.filter { $0.metadata["event"] == "mail.failed" }
        #expect(failed.count == 3 && failed.allSatisfy { $0.metadata["reply"]?.hasPrefix("5") == true })

        sink.stop()
        sink = try await ServerProcess.smtpSink(port: port, directory: directory)
        defer { sink.stop() }
        var out: [String] = []
        let status = await OutboxRetryCommand.run(store: store, output: { out.append($0) }, errors: { out.append($0) })
        #expect(status == .ok && out == ["requeued 3 failed mails"])
        try await runCourier(courier) { try await store.counts().outbox[.sent] == 3 }
        await transport.shutdown()
        #expect(try await store.counts().outbox[.sent] == 3)
    }

    @Test("a temporary failure after the queue lifetime fails the mail")
    func lifetime() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-r", "MAIL"], directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let (store, _) = try await MailFixtures.store(in: directory, accounts: 1, registeredAt: Date().addingTimeInterval(-7200))
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1))
        let logs = LogCapture()
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(),
                              options: fastOptions(lifetime: .seconds(3600)), logger: logs.logger, metricsFactory: TestMetrics())
        try await runCourier(courier) { try await store.counts().outbox[.failed] == 1 }
        await transport.shutdown()
        let line = try #require(logs.lines.first { $0.metadata["event"] == "mail.failed" })
        #expect(line.metadata["reply"]?.hasPrefix("queue lifetime exceeded; last reply: 4") == true, "\(line.metadata)")
    }

    @Test("graceful shutdown: sends in flight finish, the remaining leases return to the queue")
    func shutdownReleases() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-w", "1"], directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let (store, _) = try await MailFixtures.store(in: directory, accounts: 12)
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 2))
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: fastOptions(),
                              logger: LogCapture().logger, metricsFactory: TestMetrics())
        try await runCourier(courier) { try await store.counts().outbox[.sending] ?? 0 > 0 }
        await transport.shutdown()
        let counts = try await store.counts()
        #expect(counts.outbox[.sending] == 0)
        #expect((counts.outbox[.queued] ?? 0) > 0)
        #expect(counts.outbox[.queued]! + counts.outbox[.sent]! == 12)
    }

    @Test("a claimed row whose account is gone, active or expired is cancelled, not sent")
    func notToSend() {
        let account = MailFixtures.account()
        let message = OutboxMessage.queued(.activation, for: account.id, now: MailFixtures.now)
        #expect(Courier.reasonNotToSend(OutboxClaim(message: message, account: nil), now: MailFixtures.now) == "account removed")
        var active = account
        active.state = .active
        #expect(Courier.reasonNotToSend(OutboxClaim(message: message, account: active), now: MailFixtures.now)
            == "account already active")
        #expect(Courier.reasonNotToSend(OutboxClaim(message: message, account: account), now: account.expiresAt)
            == "activation link expired")
        #expect(Courier.reasonNotToSend(OutboxClaim(message: message, account: account), now: MailFixtures.now) == nil)
    }
}

/// Holds the server a test starts from inside a `@Sendable` closure.
final class ServerBox: @unchecked Sendable {
    // Only touched from the one polling loop of `runCourier`, one call at a time.
    var server: ServerProcess?
}

@Suite("Courier log formatting")
struct CourierLogFormattingTests {
    @Test("delay has two decimals, as %.2f had")
    func twoDecimals() {
        #expect(Courier.twoDecimals(0) == "0.00")
        #expect(Courier.twoDecimals(0.05) == "0.05")
        #expect(Courier.twoDecimals(0.126) == "0.13")
        #expect(Courier.twoDecimals(12.5) == "12.50")
        #expect(Courier.twoDecimals(86_400.999) == "86401.00")
        #expect(Courier.twoDecimals(-1) == "0.00")
    }
}
