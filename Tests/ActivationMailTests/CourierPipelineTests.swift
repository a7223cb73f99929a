import TestSupport
import ActivationCore
@testable import ActivationMail
import ActivationStoreSQLite
import Foundation
import MetricsTestKit
import Testing

@Suite("Courier pipeline: leases, batches and the worker threads")
struct CourierPipelineTests {
    @Test("a row whose lease could run out during the send is not sent, and is queued again at shutdown")
    func leaseTooShort() async throws {
        let directory = try TemporaryDirectory()
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let (store, _) = try await MailFixtures.store(in: directory, accounts: 3)
        // A whole send may take 8 × 1 s, longer than the 2 s lease: no send may start.
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1,
                                                                   timeout: .seconds(1)))
        #expect(transport.sendTimeLimit == .seconds(8))
        let logs = LogCapture()
        let options = CourierOptions(lease: .seconds(2), pollInterval: .milliseconds(50), window: 8)
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: options,
                              logger: logs.logger, metricsFactory: TestMetrics())
        try await runCourier(courier) {
            logs.lines.filter { $0.metadata["event"] == "courier.lease_short" }.count >= 3
        }
        await transport.shutdown()
        #expect(logs.lines.filter { $0.metadata["event"] == "courier.lease_short" }.count >= 3)
        #expect(!logs.lines.contains { $0.metadata["event"]?.hasPrefix("mail.") == true })
        #expect(dumpedMessages(in: mail.url.path).isEmpty)
        let counts = try await store.counts()
        #expect(counts.outbox[.queued] == 3, "released at shutdown: \(counts.outbox)")
    }

    @Test("a window far smaller than the queue: every mail sent once, in claims of half the window")
    func smallWindow() async throws {
        let directory = try TemporaryDirectory()
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let (store, accounts) = try await MailFixtures.store(in: directory, accounts: 30)
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 3))
        let logs = LogCapture()
        let options = CourierOptions(pollInterval: .milliseconds(50), window: 4)
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: options,
                              logger: logs.logger, metricsFactory: TestMetrics())
        try await runCourier(courier) { try await store.counts().outbox[.sent] == 30 }
        await transport.shutdown()
        #expect(try await store.counts().outbox[.sent] == 30)
        let sent = logs.lines.filter { $0.metadata["event"] == "mail.sent" }
        #expect(sent.count == 30)
        #expect(Set(sent.compactMap { $0.metadata["account"] }) == Set(accounts.map(\.id.lowercasedText)))
        #expect(dumpedMessages(in: mail.url.path).count == 30)
    }

    @Test("the window shrinks when sends are slow and grows back when they are fast again")
    func windowFollowsSendTime() async {
        let window = DeliveryWindow(capacity: 64, workers: 4, waitBudget: 60)
        #expect(window.room == 64, "no send yet: the whole window")
        window.noteSend(30)
        #expect(window.room == 8, "a row a worker sending, one waiting: 30 s × 1 ≤ 60 s / 2")
        window.add(8)
        #expect(window.room == 0)
        for _ in 0..<60 { window.noteSend(0.001) }
        #expect(window.room == 56, "fast sends again: the whole window, less the 8 in flight")
        window.finish(8)
        #expect(await window.waitForRoom())
        window.stop()
        #expect(await window.waitForRoom() == false, "a stopped window claims nothing more")
        await window.waitUntilEmpty()
    }
}
