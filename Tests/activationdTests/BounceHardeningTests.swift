import Foundation
import TestSupport
import Testing

/// Forged and misplaced bounces, through the real binary: a report names its mail only through the
/// signed token of the envelope header the delivery agent writes, and a bounce Maildir the service
/// cannot write stops `serve` at start.
@Suite("bounces under attack", .serialized)
struct BounceHardeningTests {
    /// A report as Postfix's bounce(8) writes it, filed by a delivery agent that wrote
    /// `Delivered-To: deliveredTo` on top; `to` is what the sender put in `To:`.
    static func report(deliveredTo: String, to: String) -> Data {
        Data("""
            Return-Path: <>
            Delivered-To: \(deliveredTo)
            Date: Thu,  3 Dec 2026 15:00:01 +0000 (UTC)
            From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            To: \(to)
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B.1"

            --B.1
            Content-Type: text/plain; charset=us-ascii

            Your message could not be delivered.

            --B.1
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net
            X-Postfix-Sender: rfc822; \(to)

            Final-Recipient: rfc822; jane@mail.example.net
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 <jane@mail.example.net>: User unknown

            --B.1--

            """.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    @Test("forged reports (the row id in To:, an unsigned token) are set aside; the signed envelope sender's report bounces")
    func forgedBouncesRefused() async throws {
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: mail)
        defer { sink.stop() }
        let port = sink.port
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(port)"
              starttls: "never"
              from: "Accounts <no-reply@example.org>"
            bounces:
              address: "bounce@example.org"
            """)
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        try await PostfixDeliveryTests.submit(daemon, username: "jane2026", first: "Jane", last: "Doe",
                                              email: "jane@mail.example.net")
        #expect(try await daemon.waitForLog("event=mail.sent"), "\(daemon.logs.suffix(5))")
        let message = try #require(dumpedMessages(in: mail.url.path).first)
        // What anyone who saw the mail's headers (or a log line) knows: its Message-ID, the row id.
        let idLine = try #require(message.components(separatedBy: "\n").first { $0.hasPrefix("Message-ID:") })
        let rowID = try #require(idLine.range(of: #"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
                                              options: .regularExpression).map { String(idLine[$0]) })
        let hex = rowID.replacingOccurrences(of: "-", with: "")
        // The envelope sender the mail went out with: a signed token, not the row id.
        let sender = try #require(message.range(of: #"bounce\+[a-z2-7]{32}@example\.org"#, options: .regularExpression)
            .map { String(message[$0]) }, "\(message.prefix(600))")
        #expect(!sender.contains(hex))

        let maildir = daemon.directory.appendingPathComponent("Maildir").path
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(atPath: maildir + "/" + sub, withIntermediateDirectories: true)
        }
        try Self.report(deliveredTo: "bounce@example.org", to: "bounce+\(hex)@example.org")
            .write(to: URL(fileURLWithPath: maildir + "/new/1.to-header"))
        try Self.report(deliveredTo: "bounce+\(hex)@example.org", to: "bounce+\(hex)@example.org")
            .write(to: URL(fileURLWithPath: maildir + "/new/2.unsigned"))
        try Self.report(deliveredTo: "bounce@example.org", to: sender)
            .write(to: URL(fileURLWithPath: maildir + "/new/3.signed-in-to"))
        let forged = try await CommandRunner.run(["bounces", "--maildir", maildir, "--config", daemon.configPath])
        #expect(forged.status == 0, "\(forged.stderr)")
        #expect(forged.stdout.contains("bounced 0") && forged.stdout.contains("set aside 3"), "\(forged.stdout)")
        #expect(forged.stdout.contains("unsigned"), "\(forged.stdout)")
        let shown = try await CommandRunner.run(["account", "show", "jane2026", "--config", daemon.configPath])
        #expect(!shown.stdout.contains("bounced"), "\(shown.stdout)")

        // The report the receiving server would really send: to the signed envelope sender.
        try Self.report(deliveredTo: sender, to: sender).write(to: URL(fileURLWithPath: maildir + "/new/4.genuine"))
        let genuine = try await CommandRunner.run(["bounces", "--maildir", maildir, "--config", daemon.configPath])
        #expect(genuine.stdout.contains("bounced 1"), "\(genuine.stdout) \(genuine.stderr)")
        let after = try await CommandRunner.run(["account", "show", "jane2026", "--config", daemon.configPath])
        #expect(after.stdout.contains(" bounced,"), "\(after.stdout)")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("a bounce Maildir the service cannot write (outside ReadWritePaths) stops serve with 78 naming the key")
    func readOnlyMaildirRefused() async throws {
        let daemon = try await DaemonHarness(extraYAML: "")
        defer { daemon.cleanUp() }
        let maildir = daemon.directory.appendingPathComponent("Maildir").path
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(atPath: maildir + "/" + sub, withIntermediateDirectories: true)
        }
        let yaml = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try (yaml + "\nbounces:\n  address: \"bounce@example.org\"\n  maildir: \"\(maildir)\"\n")
            .write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        // What ProtectSystem=strict does to a path outside ReadWritePaths=: a read-only bind mount,
        // in a mount namespace of the daemon's own.
        try daemon.start(launcher: [
            "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
            #"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@""#, "sh", maildir,
        ])
        let status = try await daemon.waitForExit()
        #expect(status == 78, "\(daemon.logs.suffix(5))")
        let line = daemon.logs.first { $0.contains("bounces.maildir") } ?? ""
        #expect(line.contains("Read-only file system") && line.contains("ReadWritePaths"), "\(daemon.logs.suffix(5))")
        #expect(!daemon.allNotifications.contains { $0.contains("READY=1") })

        // Writable: serve starts.
        let writable = try DaemonHarness(reusing: daemon)
        try writable.start()
        #expect(try await writable.waitForNotification("READY=1"), "\(writable.logs.suffix(5))")
        writable.signal(SIGTERM)
        #expect(try await writable.waitForExit() == 0)
        writable.cleanUp()
    }
}
