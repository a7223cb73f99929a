import Foundation
import TestSupport
import Testing

/// `activationd store copy`: an installation moved to another store loses no pending
/// account and no queued mail, and a target that is not empty is refused.
@Suite("store copy", .serialized)
struct StoreCopyTests {
    @Test("SQLite to SQLite: the mail queued before the move is sent, its link activates the account")
    func copyToSQLite() async throws {
        try await copyThenServe { directory in "sqlite://\(directory.appendingPathComponent("copy.sqlite").path)" }
    }

    @Test("SQLite to PostgreSQL: the mail queued before the move is sent, its link activates the account")
    func copyToPostgres() async throws {
        let cluster = try await PostgresCluster.shared()
        let database = try await cluster.createDatabase()
        try await copyThenServe { _ in "postgres://\(cluster.username)@\(cluster.host):\(cluster.port)/\(database)" }
    }

    func copyThenServe(target: (URL) -> String) async throws {
        // Before the move: the relay is down, so the registration's mail stays in the outbox.
        let closedPort = try freePort()
        let before = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(closedPort)"
              starttls: "never"
            courier:
              minimal_backoff: "1s"
              maximal_backoff: "2s"
            """)
        defer { before.cleanUp() }
        try before.start()
        #expect(try await before.waitForNotification("READY=1"))
        #expect(try await CommandRunner.run(["submit", "--config", before.configPath, "Config/examples/registration.json"])
            .status == 0)
        #expect(try await before.waitForLog("event=registration.accepted"))
        before.signal(SIGTERM)
        #expect(try await before.waitForExit() == 0)

        // The copy, and a second copy into the now full target, which is refused.
        let copyURL = target(before.directory)
        let copy = try await CommandRunner.run(["store", "copy", "--config", before.configPath,
                                                "--from", "sqlite://\(before.storePath)", "--to", copyURL])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.contains("accounts: 1 copied, 1 in the target"))
        #expect(copy.stdout.contains("outbox: 1 copied, 1 in the target"))
        #expect(copy.stdout.contains("registration ids: 1 copied, 1 in the target"))
        let again = try await CommandRunner.run(["store", "copy", "--config", before.configPath,
                                                 "--from", "sqlite://\(before.storePath)", "--to", copyURL])
        #expect(again.status == 65)
        #expect(again.stderr.contains("not empty") && again.stderr.contains("nothing was copied"))
        let missing = try await CommandRunner.run(["store", "copy", "--config", before.configPath,
                                                   "--from", "sqlite:///nonexistent/x.sqlite", "--to", copyURL])
        #expect(missing.status == 66)

        // After the move: a daemon on the copy sends the queued mail; its link activates the account.
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: mail)
        let sinkPort = sink.port
        defer { sink.stop() }
        let after = try DaemonHarness(reusing: before)
        try after.start(environment: ["ACTIVATIOND_STORE_URL": copyURL,
                                      "ACTIVATIOND_SMTP_URL": "smtp://127.0.0.1:\(sinkPort)"])
        // The courier starts before the HTTP listener: the mail can go out before the link can be followed.
        #expect(try await after.waitForNotification("READY=1"))
        #expect(try await after.waitForLog("event=mail.sent", timeout: .seconds(30)))
        let link = try #require(dumpedMessages(in: mail.url.path).first.flatMap(DaemonFlowTests.link(in:)))
        let token = String(link.split(separator: "=", maxSplits: 1)[1])
        let activated = try await DaemonFlowTests.request("http://127.0.0.1:\(after.httpPort)/activate", method: "POST",
                                                          form: ["token": token, "password": "Secr3tPass"])
        #expect(activated.status == 200)
        #expect(try await after.waitForLog("event=account.activated", timeout: .seconds(5)))
        after.signal(SIGTERM)
        #expect(try await after.waitForExit() == 0)
    }
}
