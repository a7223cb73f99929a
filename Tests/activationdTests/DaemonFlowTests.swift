import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// The daemon end to end: spool → account → mail at a real SMTP server → link → activation over HTTP.
@Suite("activationd serve end to end", .serialized)
struct DaemonFlowTests {
    /// A daemon relaying to smtp-sink, which dumps every message into `mailDirectory`.
    static func daemonWithSink(sinkOptions: [String] = []) async throws -> (DaemonHarness, ServerProcess, TemporaryDirectory) {
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")] + sinkOptions,
                                              directory: mail)
        let port = sink.port
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(port)"
              starttls: "never"
              from: "Accounts <no-reply@example.org>"
            """)
        return (daemon, sink, mail)
    }

    /// The activation link in a dumped message, its quoted-printable text part decoded.
    static func link(in message: String) -> String? {
        let decoded = message.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
            .replacingOccurrences(of: "=3D", with: "=")
        guard let range = decoded.range(of: #"https?://[A-Za-z0-9.:\[\]-]+/activate\?token=[A-Za-z0-9_-]+"#,
                                        options: .regularExpression)
        else { return nil }
        return String(decoded[range])
    }

    static func request(_ url: String, method: String = "GET", form: [String: String]? = nil) async throws
        -> (status: Int, body: String)
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let form {
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-_.~")
            request.httpBody = Data(form.map { key, value in
                "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed)!)"
            }.joined(separator: "&").utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test("a registration dropped in the spool is mailed, and the link activates it with the password")
    func registrationToActivation() async throws {
        let (daemon, sink, mail) = try await Self.daemonWithSink()
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        #expect(try await CommandRunner.run(["submit", "--config", daemon.configPath, "Config/examples/registration.json"])
            .status == 0)
        #expect(try await daemon.waitForLog("event=mail.sent", timeout: .seconds(30)))
        let messages = dumpedMessages(in: mail.url.path)
        #expect(messages.count == 1)
        let link = try #require(messages.first.flatMap(Self.link(in:)), "the mail carries the link")
        #expect(link.hasPrefix("\(DaemonHarness.publicURL)/activate?token="))

        let landing = try await Self.request(daemon.local(link))
        #expect(landing.status == 200)
        #expect(landing.body.contains("blue heron at dawn"), "the landing page shows the phrase")
        #expect(landing.body.contains("Activate my account"))

        let token = String(link.split(separator: "=", maxSplits: 1)[1])
        let wrong = try await Self.request("http://127.0.0.1:\(daemon.httpPort)/activate", method: "POST",
                                           form: ["token": token, "password": "Wr0ngPassword"])
        #expect(wrong.status == 403)
        let activated = try await Self.request("http://127.0.0.1:\(daemon.httpPort)/activate", method: "POST",
                                               form: ["token": token, "password": "Secr3tPass"])
        #expect(activated.status == 200)
        #expect(try await daemon.waitForLog("event=account.activated", timeout: .seconds(5)))
        let shown = try await CommandRunner.run(["account", "show", "jdoe2026", "--config", daemon.configPath])
        #expect(shown.stdout.contains("state:      active"))
        #expect(shown.stdout.contains("activation") && shown.stdout.contains(" sent,"))

        let ready = try await Self.request("http://127.0.0.1:\(daemon.httpPort)/readyz")
        #expect(ready.status == 200)
        // /metrics is for operators only: its counters tell one login from another.
        let resend = try await Self.request("http://127.0.0.1:\(daemon.httpPort)/resend", method: "POST",
                                            form: ["login": "jdoe2026"])
        #expect(resend.status == 202)
        #expect(try await Self.request("http://127.0.0.1:\(daemon.httpPort)/metrics").status == 404)
        let metrics = try await Self.request("http://127.0.0.1:\(daemon.metricsPort)/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("activationd_registrations_total"))
        #expect(metrics.body.contains("activationd_resend_requests_total{result="))
        // Read by the monitoring kit's alerts (monitoring/activationd.rules.yml): the watchdog loop's
        // store check, and the start time whose changes count restarts.
        #expect(metrics.body.contains("\nactivationd_store_up 1"), "\(metrics.body)")
        #expect(metrics.body.contains("\nactivationd_start_time_seconds "), "\(metrics.body)")
        // SQLite's own heap (page caches, statements): well above zero once the store has been read.
        let sqliteMemory = metrics.body.split(separator: "\n")
            .first { $0.hasPrefix("activationd_sqlite_memory_bytes ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect((sqliteMemory ?? 0) > 100_000, "\(metrics.body)")
        #expect(try await Self.request("http://127.0.0.1:\(daemon.metricsPort)/healthz").status == 200)

        let logs = daemon.logs.joined(separator: "\n")
        for secret in ["Secr3tPass", "blue heron at dawn", "jane@example.org", token] {
            #expect(!logs.contains(secret), "the log does not show \(secret.prefix(6))…")
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("SIGTERM during a burst of mail exits 0 in time, and after a restart every mail goes out")
    func shutdownDuringBurst() async throws {
        // smtp-sink answers each RCPT after 100 ms, so mail is in flight when SIGTERM arrives.
        let (daemon, sink, mail) = try await Self.daemonWithSink(sinkOptions: ["-w", "1"])
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let total = 40
        for index in 0..<total {
            let record = """
                {"version":1,"id":"\(UUID().uuidString)","submittedAt":"2026-11-28T10:00:00Z",
                 "username":"burst\(index)user","firstName":"Jane","lastName":"Doe",
                 "email":"burst\(index)@example.org","confirmEmail":"burst\(index)@example.org",
                 "password":"Secr3tPass","confirmPassword":"Secr3tPass","passwordPhrase":"heron",
                 "acceptedConditions":true}
                """
            #expect(try await CommandRunner.run(["submit", "--config", daemon.configPath, "-"], input: Data(record.utf8))
                .status == 0)
        }
        #expect(try await daemon.waitForLog("event=mail.sent", timeout: .seconds(30)))
        let stopping = ContinuousClock.now
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(timeout: .seconds(45)) == 0)
        #expect(ContinuousClock.now - stopping < .seconds(45))

        let restarted = try DaemonHarness(reusing: daemon)
        defer { restarted.cleanUp() }
        try restarted.start()
        #expect(try await restarted.waitForNotification("READY=1"))
        // Every registration's mail goes out once the daemon is back, none failing on the way.
        try await waitUntil(timeout: .seconds(90), interval: .milliseconds(500), "\(total) mails are sent", observe: {
            let status = try await CommandRunner.run(["status", "--json", "--config", daemon.configPath])
            let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let outbox = object?["outbox"] as? [String: Int] ?? [:]
            #expect(outbox["failed"] == 0)
            return outbox
        }) { $0["sent"] == total }
        #expect(Set(dumpedMessages(in: mail.url.path).compactMap(Self.link(in:))).count == total)
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)
    }
}

@Suite("activationd serve reloads", .serialized)
struct DaemonReloadTests {
    @Test("SIGHUP reloads the page and mail templates and the log level without a restart")
    func reloadTemplates() async throws {
        let templates = try TemporaryDirectory()
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: mail)
        let port = sink.port
        defer { sink.stop() }
        let daemon = try await DaemonHarness(extraYAML: """
            templates:
              directory: "\(templates.url.path)"
            smtp:
              url: "smtp://127.0.0.1:\(port)"
              starttls: "never"
            """)
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let invalidLink = "http://127.0.0.1:\(daemon.httpPort)/activate?token=garbage"
        let before = try await DaemonFlowTests.request(invalidLink)
        #expect(before.status == 400 && !before.body.contains("Operator's own page"))

        try "<!DOCTYPE html><html lang=\"en\"><title>x</title><p>Operator's own page</p></html>\n"
            .write(toFile: templates.path("invalid.mustache"), atomically: true, encoding: .utf8)
        try "Welcome aboard, {{firstName}}" .write(toFile: templates.path("activation.subject.mustache"),
                                                  atomically: true, encoding: .utf8)
        let configuration = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try (configuration + "\nlog:\n  level: debug\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(try await daemon.waitForLog("event=daemon.reloaded", timeout: .seconds(10)))
        let after = try await DaemonFlowTests.request(invalidLink)
        #expect(after.status == 400 && after.body.contains("Operator's own page"))
        #expect(try await daemon.waitForLog("level=debug", timeout: .seconds(10)), "the new log level is in force")
        #expect(try await CommandRunner.run(["submit", "--config", daemon.configPath,
                                             "Config/examples/registration.json"]).status == 0)
        #expect(try await daemon.waitForLog("event=mail.sent", timeout: .seconds(30)))
        #expect(dumpedMessages(in: mail.url.path).first?.contains("Subject: Welcome aboard, Jane") == true,
                "the mail used the reloaded subject template")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
