import TestSupport
import ActivationCore
import ActivationMail
import ActivationStoreSQLite
import Foundation
import MetricsTestKit
import Testing

@Suite("Relay replies in the log: recipients by domain only")
struct RelayReplyLogTests {
    @Test("a relay's 550 naming the recipient is logged with the domain and the code, not the local part; the store keeps it whole")
    func rejectedRecipient() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "plain", auth: false, directory: directory)
        defer { server.stop() }
        let store = try SQLiteAccountStore(path: directory.path("store.sqlite"))
        try await store.migrate()
        var accounts: [Account] = []
        for (username, email) in [("rejected1", "reject@example.net"), ("accepted1", "jane@example.net")] {
            let registration = MailFixtures.registration(username: username, email: email)
            let account = Account.pending(from: registration, passwordHash: "$scrypt$x", now: Date(),
                                          lifetime: .seconds(30 * 86_400))
            guard case .created(let stored, _, _) = try await store.register(registration, as: account, now: Date())
            else { throw ServerError(description: "not created") }
            accounts.append(stored)
        }
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", connections: 1,
                                                                   timeout: .seconds(5)))
        let logs = LogCapture()
        let courier = Courier(store: store, transport: transport, factory: MailFixtures.factory(), options: fastOptions(),
                              logger: logs.logger, metricsFactory: TestMetrics())
        try await runCourier(courier) {
            let outbox = try await store.counts().outbox
            return outbox[.failed] == 1 && outbox[.sent] == 1
        }
        await transport.shutdown()

        let failed = try #require(logs.events("mail.failed").first)
        let reply = try #require(failed.metadata["reply"])
        #expect(reply.hasPrefix("550"), "\(reply)")
        #expect(reply.contains("5.1.1"), "\(reply)")
        #expect(reply.contains("@example.net>: Recipient address rejected"), "\(reply)")
        #expect(failed.metadata["rcpt_domain"] == "example.net")
        #expect(!logs.allText.contains("reject@"), "the local part is in the log")
        #expect(!logs.allText.contains("jane@"))
        #expect(logs.events("mail.sent").count == 1)

        let row = try #require(try await store.outbox(accountID: accounts[0].id).first)
        #expect(row.lastReply?.contains("<reject@example.net>") == true, "the store keeps the whole reply")
    }
}
