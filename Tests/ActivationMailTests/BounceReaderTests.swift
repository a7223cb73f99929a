import ActivationCore
@testable import ActivationMail
import ActivationStoreSQLite
import Foundation
import MetricsTestKit
import Testing
import TestSupport

/// The bounce mailbox read against a real SQLite store and real files: each message decided once,
/// moved out of new/ with a flag saying what became of it, nothing read twice, nothing looping.
@Suite("Bounce mailbox: reports recorded, the rest set aside")
struct BounceReaderTests {
    static let address = BounceAddress(parsing: "bounce@example.org", keys: MailFixtures.keys)!
    var address: BounceAddress { Self.address }

    /// A store with one pending account per name, each activation mail sent (or only claimed).
    static func store(_ directory: TemporaryDirectory, sent: [String], sending: [String] = [])
        async throws -> (SQLiteAccountStore, [String: OutboxMessage])
    {
        let store = try SQLiteAccountStore(path: directory.path("store.sqlite"))
        try await store.migrate()
        var rows: [String: OutboxMessage] = [:]
        for username in sent + sending {
            let registration = MailFixtures.registration(username: username, email: "\(username)@mail.example.net")
            let account = Account.pending(from: registration, passwordHash: "$scrypt$x", now: Date(),
                                          lifetime: .seconds(30 * 86_400))
            guard case .created(_, let activation, _) = try await store.register(registration, as: account, now: Date())
            else { throw ServerError(description: "not created") }
            rows[username] = activation
        }
        for claim in try await store.claimOutbox(owner: "w", limit: 100, lease: .seconds(300), now: Date()) {
            guard let name = rows.first(where: { $0.value.id == claim.message.id })?.key, sent.contains(name) else { continue }
            _ = try await store.recordDelivery(.sent(reply: "250 2.0.0 Ok"), messageID: claim.message.id, owner: "w",
                                               now: Date())
        }
        return (store, rows)
    }

    static func maildir(_ directory: TemporaryDirectory) throws -> String {
        let root = directory.path("Maildir")
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        return root
    }

    static func deliver(_ data: Data, to maildir: String, name: String) throws {
        try data.write(to: URL(fileURLWithPath: maildir + "/new/" + name))
    }

    static func bounce(for row: UUID, action: String = "failed", status: String = "5.1.1") -> Data {
        DeliveryStatusReportTests.postfixBounce(
            deliveredTo: address.address(for: row), action: action, status: status)
    }

    static func names(_ maildir: String, _ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: maildir + "/" + sub)) ?? []).sorted()
    }

    @Test("a failed report bounces its row; delayed, duplicate, foreign and odd messages are each filed once")
    func eachMessageFiledOnce() async throws {
        let directory = try TemporaryDirectory()
        let (store, rows) = try await Self.store(directory, sent: ["jane1", "kim1", "lee1"], sending: ["max1"])
        let maildir = try Self.maildir(directory)
        let jane = try #require(rows["jane1"]), kim = try #require(rows["kim1"]), max = try #require(rows["max1"])
        try Self.deliver(Self.bounce(for: jane.id), to: maildir, name: "1.a.host")
        try Self.deliver(Self.bounce(for: jane.id), to: maildir, name: "2.b.host")            // the same report again
        try Self.deliver(Self.bounce(for: kim.id, action: "delayed", status: "4.4.1"), to: maildir, name: "3.c.host")
        try Self.deliver(Self.bounce(for: UUID()), to: maildir, name: "4.d.host")             // no such row
        try Self.deliver(Data("Subject: out of office\n\nback on Monday\n".utf8), to: maildir, name: "5.e.host")
        try Self.deliver(Self.bounce(for: max.id), to: maildir, name: "6.f.host")             // still being sent
        try FileManager.default.createSymbolicLink(atPath: maildir + "/new/7.g.host", withDestinationPath: "/etc/passwd")

        let logs = LogRecorder()
        let metrics = TestMetrics()
        let reader = BounceReader(maildir: maildir, address: address, store: store, logger: logs.logger, metrics: metrics)
        let summary = try await reader.readOnce()
        #expect(summary.bounced == 1 && summary.alreadyRecorded == 1 && summary.delayed == 1 && summary.keptForLater == 1)
        #expect(summary.setAside.map(\.name) == ["4.d.host", "5.e.host", "7.g.host"], "\(summary.setAside)")

        let janeRow = try #require(try await store.outbox(accountID: jane.accountID).first)
        #expect(janeRow.status == .bounced)
        #expect(janeRow.lastReply == "5.1.1 550 5.1.1 <jane.doe@mail.example.net>: Recipient address rejected: "
            + "User unknown in virtual mailbox table", "the store keeps the whole diagnostic")
        #expect(try await store.outbox(accountID: kim.accountID).first?.status == .sent, "delayed changes nothing")
        #expect(try await store.outbox(accountID: max.accountID).first?.status == .sending)

        #expect(Self.names(maildir, "new") == ["6.f.host"], "only the in-flight report waits")
        #expect(Self.names(maildir, "cur") == ["1.a.host:2,S", "2.b.host:2,S", "3.c.host:2,S", "4.d.host:2,F",
                                                "5.e.host:2,F", "7.g.host:2,F"])
        #expect(FileManager.default.fileExists(atPath: "/etc/passwd"), "a link is moved, its target untouched")

        let bounced = try #require(logs.events(EventName.mailBounced).first)
        #expect(bounced.metadata["dsn"] == "5.1.1")
        #expect(bounced.metadata["message_id"] == jane.id.lowercasedText)
        #expect(bounced.metadata["rcpt_domain"] == "mail.example.net")
        #expect(bounced.metadata["reply"]?.contains("<…@mail.example.net>: Recipient address rejected") == true,
                "\(bounced.metadata)")
        #expect(!logs.allText.contains("jane.doe@"), "no full address in the log")
        #expect(logs.events(EventName.mailDelayed).count == 1)
        #expect(logs.events(EventName.bounceSetAside).count == 3)
        #expect(try metrics.expectCounter("activationd_mail_bounced_total", [("kind", "activation")]).totalValue == 1)
        #expect(try metrics.expectCounter("activationd_bounce_reports_total", [("result", "set_aside")]).totalValue == 3)

        // The courier records the in-flight row; the next pass bounces it, and nothing else is read.
        _ = try await store.recordDelivery(.sent(reply: "250"), messageID: max.id, owner: "w", now: Date())
        let again = try await reader.readOnce()
        #expect(again == BounceReader.Summary(bounced: 1))
        #expect(Self.names(maildir, "new").isEmpty)
        #expect(try await store.counts().outbox[.bounced] == 2)
    }

    /// A report names its row only through the signed token in the header the
    /// delivery agent wrote on top; what the sender wrote (To:, a Delivered-To further down, the
    /// report's fields) and unsigned tokens (the row id, which is also the Message-ID) count for nothing.
    @Test("forged reports are set aside: unsigned or wrongly signed tokens, tokens only in To: or lower headers")
    func forgedReportsSetAside() async throws {
        let directory = try TemporaryDirectory()
        let (store, rows) = try await Self.store(directory, sent: ["jane1"])
        let maildir = try Self.maildir(directory)
        let jane = try #require(rows["jane1"])
        let hex = jane.id.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let signed = address.address(for: jane.id)
        let otherKeys = try KeyRing(keys: [try #require(SigningKey(id: "x", secret: Array(repeating: 9, count: 32)))])
        let foreign = try #require(BounceAddress(parsing: "bounce@example.org", keys: otherKeys)).address(for: jane.id)
        func report(_ deliveredTo: String, to: String? = nil) -> Data {
            var text = String(decoding: DeliveryStatusReportTests.postfixBounce(deliveredTo: deliveredTo), as: UTF8.self)
            if let to { text = text.replacingOccurrences(of: "\r\nTo: \(deliveredTo)\r\n", with: "\r\nTo: \(to)\r\n") }
            return Data(text.utf8)
        }
        try Self.deliver(report("bounce+\(hex)@example.org"), to: maildir, name: "1.unsigned")
        try Self.deliver(report("bounce@example.org", to: signed), to: maildir, name: "2.to-only")
        try Self.deliver(report(foreign), to: maildir, name: "3.other-key")
        let lower = "Delivered-To: bounce@example.org\r\n"
            + String(decoding: DeliveryStatusReportTests.postfixBounce(deliveredTo: signed), as: UTF8.self)
        try Self.deliver(Data(lower.utf8), to: maildir, name: "4.lower-header")
        var flipped = Array(signed)
        flipped[flipped.firstIndex(of: "@")! - 1] = flipped[flipped.firstIndex(of: "@")! - 1] == "a" ? "b" : "a"
        try Self.deliver(report(String(flipped)), to: maildir, name: "5.changed")

        let reader = BounceReader(maildir: maildir, address: address, store: store, logger: LogRecorder().logger,
                                  metrics: TestMetrics())
        let summary = try await reader.readOnce()
        #expect(summary.bounced == 0, "\(summary)")
        #expect(summary.setAside.map(\.name) == ["1.unsigned", "2.to-only", "3.other-key", "4.lower-header", "5.changed"])
        #expect(summary.setAside[0].reason.contains("unsigned"), "\(summary.setAside[0])")
        #expect(try await store.outbox(accountID: jane.accountID).first?.status == .sent)

        // The genuine report, in X-Original-To when so configured, and in any case.
        let upper = String(decoding: DeliveryStatusReportTests.postfixBounce(deliveredTo: "bounce@example.org"), as: UTF8.self)
        try Self.deliver(Data(("X-Original-To: " + signed.uppercased() + "\r\n" + upper).utf8), to: maildir, name: "6.genuine")
        let original = BounceReader(maildir: maildir, address: address, envelopeHeader: .xOriginalTo, store: store,
                                    logger: LogRecorder().logger, metrics: TestMetrics())
        #expect(try await original.readOnce() == BounceReader.Summary(bounced: 1))
    }

    @Test("a mailbox that cannot be listed is an error of the pass, not of a message")
    func missingMailbox() async throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try await Self.store(directory, sent: [])
        let reader = BounceReader(maildir: directory.path("nowhere"), address: address, store: store,
                                  logger: LogRecorder().logger, metrics: TestMetrics())
        await #expect(throws: BounceReader.MailboxError.self) { try await reader.readOnce() }
    }
}

extension BounceReader.Summary {
    init(bounced: Int) {
        self.init()
        self.bounced = bounced
    }
}
