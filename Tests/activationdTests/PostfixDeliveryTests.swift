import Foundation
import TestSupport
import Testing

/// A real MTA and a real inbox: `activationd serve` sends a DKIM-signed activation
/// mail through a Postfix instance, which delivers it into a Maildir; the delivered file carries
/// Postfix's Received: header, both signatures still verify (dkimpy) after the relay, and the
/// link in it activates the account through the HTTP server.
@Suite("Real Postfix: DKIM-signed delivery and a real bounce", .serialized)
struct PostfixDeliveryTests {
    @Test("spool → daemon → Postfix → Maildir: DKIM verifies after the relay; the link activates")
    func deliveredSignedAndActivated() async throws {
        let postfix = try await PostfixInstance(mailboxes: ["bounce", "zoe"])
        let daemonBox = try TemporaryDirectory()
        chmod(daemonBox.url.path, 0o755)
        var records = ""
        for (algorithm, selector) in [("rsa", "rsa2026"), ("ed25519", "ed2026")] {
            let made = try await CommandRunner.run([
                "keys", "dkim", "--domain", "example.test", "--selector", selector, "--algorithm", algorithm,
                "--out", daemonBox.path("\(selector).key"),
            ])
            #expect(made.status == 0, "\(made.stderr)")
            records += made.stdout + "\n"
        }
        try records.write(toFile: daemonBox.path("records.zone"), atomically: false, encoding: .utf8)
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(postfix.port)"
              starttls: "never"
              from: "Accounts <no-reply@example.test>"
            dkim:
              domain: example.test
              selector: rsa2026
              private_key_file: "\(daemonBox.path("rsa2026.key"))"
              ed25519_selector: ed2026
              ed25519_private_key_file: "\(daemonBox.path("ed2026.key"))"
            """)
        defer { daemon.cleanUp() }
        do {
            try daemon.start()
            #expect(try await daemon.waitForNotification("READY=1"))
            try await Self.submit(daemon, username: "zoe2026", first: "Zoë", last: "Ångström-Núñez",
                                  email: "zoe@example.test")
            #expect(try await daemon.waitForLog("event=mail.sent", timeout: .seconds(30)), "\(daemon.logs.suffix(5))")

            let delivered = try await postfix.messages(in: "zoe")
            let file = try #require(delivered.first, "delivered into the Maildir; maillog: \(postfix.log.suffix(2000))")
            let message = try String(contentsOfFile: file, encoding: .utf8)
            let header = message.components(separatedBy: "\n\n")[0]
            #expect(header.contains("by mail.example.test (Postfix)"), "Postfix's Received: header: \(header)")
            let receivedAt = try #require(header.range(of: "Received: "))
            let signatureAt = try #require(header.range(of: "DKIM-Signature: "))
            #expect(receivedAt.lowerBound < signatureAt.lowerBound, "the relay's header sits above the signatures")

            let results = try await DKIMVerifier.verify(messageFile: file, recordsFile: daemonBox.path("records.zone"))
            #expect(results.map(\.a) == ["rsa-sha256", "ed25519-sha256"], "\(results)")
            #expect(results.allSatisfy { $0.ok }, "\(results)")

            let link = try #require(DaemonFlowTests.link(in: message), "the delivered mail carries the link")
            let landing = try await DaemonFlowTests.request(daemon.local(link))
            #expect(landing.status == 200 && landing.body.contains("blue heron at dawn"))
            let token = String(link.split(separator: "=", maxSplits: 1)[1])
            let activated = try await DaemonFlowTests.request("http://127.0.0.1:\(daemon.httpPort)/activate",
                                                              method: "POST",
                                                              form: ["token": token, "password": "Secr3tPass"])
            #expect(activated.status == 200)
            #expect(try await daemon.waitForLog("event=account.activated", timeout: .seconds(5)))
        } catch {
            await postfix.stop()
            throw error
        }
        await postfix.stop()
    }

    @Test("a mail to an unknown mailbox: Postfix bounces it, the DSN comes back, the row is bounced and shown")
    func realBounceComesBack() async throws {
        let postfix = try await PostfixInstance(mailboxes: ["bounce"])
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(postfix.port)"
              starttls: "never"
              from: "Accounts <no-reply@example.test>"
            bounces:
              address: "bounce@example.test"
              maildir: "\(postfix.maildir("bounce"))"
              scan_interval: 1s
            """)
        defer { daemon.cleanUp() }
        do {
            try daemon.start()
            #expect(try await daemon.waitForNotification("READY=1"))
            try await Self.submit(daemon, username: "nosuch2026", first: "No", last: "Such", email: "nosuch@example.test")
            // Postfix takes it (250 at RCPT: smtpd_reject_unlisted_recipient = no), then virtual(8)
            // bounces it to the envelope sender bounce+<row>@example.test, delivered to bounce@.
            #expect(try await daemon.waitForLog("event=mail.sent", timeout: .seconds(30)), "\(daemon.logs.suffix(5))")
            #expect(try await daemon.waitForLog("event=mail.bounced", timeout: .seconds(30)),
                    "\(daemon.logs.suffix(8)) maillog: \(postfix.log.suffix(1500))")
            let line = try #require(daemon.logs.first { $0.contains("event=mail.bounced") })
            #expect(line.contains("dsn=5.1.1"), "\(line)")
            #expect(line.contains("rcpt_domain=example.test"), "\(line)")
            #expect(line.contains("unknown user"), "Postfix's diagnostic: \(line)")
            #expect(!daemon.logs.joined(separator: "\n").contains("nosuch@"), "no full recipient address in the log")

            let shown = try await CommandRunner.run(["account", "show", "nosuch2026", "--config", daemon.configPath])
            #expect(shown.stdout.contains(" bounced,"), "\(shown.stdout)")
            #expect(shown.stdout.contains("bounced:    ") && shown.stdout.contains("5.1.1"), "\(shown.stdout)")
            let status = try await CommandRunner.run(["status", "--json", "--config", daemon.configPath])
            #expect(status.stdout.contains("\"bounced\":1"), "\(status.stdout)")
            // The report was filed as read; nothing waits in new/.
            let cur = (try? FileManager.default.contentsOfDirectory(atPath: postfix.maildir("bounce") + "/cur")) ?? []
            #expect(cur.count == 1 && cur.allSatisfy { $0.hasSuffix(":2,S") }, "\(cur)")

            // A resend for the bounced account: the same 202, no mail, the reason in the log.
            let resend = try await DaemonFlowTests.request("http://127.0.0.1:\(daemon.httpPort)/resend", method: "POST",
                                                           form: ["login": "nosuch2026"])
            #expect(resend.status == 202)
            #expect(try await daemon.waitForLog("event=activation.resend_skipped", timeout: .seconds(10)))
            #expect(daemon.logs.contains {
                $0.contains("event=activation.resend_skipped") && $0.contains("reason=bounced")
            })
            let operatorResend = try await CommandRunner.run(["resend", "nosuch2026", "--config", daemon.configPath])
            #expect(operatorResend.status == 65 && operatorResend.stderr.contains("bounced"), "\(operatorResend.stderr)")
        } catch {
            await postfix.stop()
            throw error
        }
        await postfix.stop()
    }

    /// Drops a registration (password Secr3tPass) into the daemon's spool with `activationd submit`.
    static func submit(_ daemon: DaemonHarness, username: String, first: String, last: String, email: String)
        async throws
    {
        let record: [String: Any] = [
            "version": 1, "id": UUID().uuidString.lowercased(), "submittedAt": "2026-11-28T10:00:00Z",
            "username": username, "firstName": first, "lastName": last, "email": email, "confirmEmail": email,
            "password": "Secr3tPass", "confirmPassword": "Secr3tPass", "passwordPhrase": "blue heron at dawn",
            "acceptedConditions": true,
        ]
        let submitted = try await CommandRunner.run(["submit", "--config", daemon.configPath, "-"],
                                                    input: try JSONSerialization.data(withJSONObject: record))
        #expect(submitted.status == 0, "\(submitted.stderr)")
    }
}
