import Foundation
import TestSupport
import Testing

/// The registration page in a real browser: Debian's Chromium, driven by Playwright for
/// Python (`Tests/browser/register_flow.py`) as a person would, against `activationd serve`
/// relaying to smtp-sink. The script checks what the person sees; this suite then checks what
/// the daemon did with it: one account, one registration id and one mail per person however often
/// the form was sent, nothing for what was refused, nothing typed in the logs.
@Suite("Registration page in Chromium (Playwright)", .serialized)
struct RegistrationBrowserTests {
    static let script = CommandRunner.packageRoot.appendingPathComponent("Tests/browser/register_flow.py").path
    /// Screenshots, kept for a person to look at.
    static let outputDirectory = CommandRunner.packageRoot.appendingPathComponent(".build/test-output/register").path
    /// Registered through the spool before the browser starts: the name the page must call taken.
    static let takenUsername = "takenname1"
    /// The form's password and phrase (register_flow.py's `PASSWORD` and `PHRASE`): never in a log.
    static let typedSecrets = ["Secr3tPass9", "a blue heron at dawn"]

    /// A daemon with the registration page on, relaying to smtp-sink, which dumps every message
    /// into the returned directory.
    static func daemon(registerRate: String) async throws -> (DaemonHarness, ServerProcess, TemporaryDirectory) {
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: mail)
        let port = sink.port
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(port)"
              starttls: "never"
              from: "Accounts <no-reply@example.org>"
            """, httpYAML: """
              registration_page: true
              register_rate: "\(registerRate)"
            """)
        return (daemon, sink, mail)
    }

    /// What the script printed, its exit status, and its closing `RESULT {json}` line decoded.
    struct ScriptRun {
        let status: Int32
        let output: String
        var result: [String: Any] {
            guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }),
                  let object = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8))
            else { return [:] }
            return object as? [String: Any] ?? [:]
        }

        func names(_ key: String) -> [String] { result[key] as? [String] ?? [] }
    }

    /// Runs `register_flow.py scenario` against `daemon` with Python 3 from PATH (the one
    /// scripts/bootstrap.sh installs Playwright into).
    static func runScript(_ scenario: String, daemon: DaemonHarness, mail: TemporaryDirectory) async throws
        -> ScriptRun
    {
        let probe = try await runProcess("/usr/bin/env", ["python3", "-c", "import playwright, cryptography"])
        try #require(probe.status == 0,
                     "Playwright for Python is missing: run scripts/bootstrap.sh test (\(probe.output))")
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"),
                     "chromium is missing: run scripts/bootstrap.sh test")
        let (status, output) = try await runProcess("/usr/bin/env", [
            "python3", script, scenario,
            "--base-url", "http://127.0.0.1:\(daemon.httpPort)",
            "--keys", daemon.directory.appendingPathComponent("signing.keys").path,
            "--mail-dir", mail.url.path,
            "--spool", daemon.spoolDirectory,
            "--output", outputDirectory,
            "--taken", takenUsername,
        ])
        return ScriptRun(status: status, output: output)
    }

    /// `activationd status --json`'s accounts and outbox counts.
    static func counts(_ daemon: DaemonHarness) async throws -> (accounts: [String: Int], outbox: [String: Int]) {
        let status = try await CommandRunner.run(["status", "--json", "--config", daemon.configPath])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return (object?["accounts"] as? [String: Int] ?? [:], object?["outbox"] as? [String: Int] ?? [:])
    }

    /// The `registration=` ids of the log lines of `event`.
    static func registrationIDs(_ daemon: DaemonHarness, event: String) -> [String] {
        daemon.logs.filter { $0.contains("event=\(event) ") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("registration=") }.map { String($0.dropFirst(13)) }
        }
    }

    @Test("a person registers in Chromium, JavaScript on and off; no duplicate or refused form leaves a trace",
          .timeLimit(.minutes(3)))
    func journey() async throws {
        let (daemon, sink, mail) = try await Self.daemon(registerRate: "1000/1h")
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        try #require(try await daemon.waitForNotification("READY=1"),
                     "the daemon did not start:\n\(daemon.logs.joined(separator: "\n"))")
        let taken = """
            {"version":1,"id":"\(UUID().uuidString)","submittedAt":"2026-12-03T10:00:00Z",
             "username":"\(Self.takenUsername)","firstName":"Tom","lastName":"Owner",
             "email":"owner@example.org","confirmEmail":"owner@example.org",
             "password":"0wnerPass1","confirmPassword":"0wnerPass1","passwordPhrase":"owl",
             "acceptedConditions":true}
            """
        #expect(try await CommandRunner.run(["submit", "--config", daemon.configPath, "-"], input: Data(taken.utf8))
            .status == 0)
        #expect(try await daemon.waitForLog("event=mail.sent", timeout: .seconds(30)), "the taken name's account exists")

        // Screenshots of an earlier run must not pass for this one's.
        try? FileManager.default.removeItem(atPath: Self.outputDirectory)
        // About 35 s alone, 75 s beside four other daemon suites: the time limit is for a hang.
        let run = try await Self.runScript("journey", daemon: daemon, mail: mail)
        #expect(run.status == 0, "register_flow.py journey:\n\(run.output)")
        let accounts = run.names("accounts") + [Self.takenUsername]
        try #require(run.names("accounts").count >= 6, "the script ran to its end:\n\(run.output)")

        // Every accepted registration's mail goes out; wait until nothing is queued or sending.
        var outbox: [String: Int] = [:]
        var accountCounts: [String: Int] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            try await Task.sleep(for: .milliseconds(300))
            (accountCounts, outbox) = try await Self.counts(daemon)
        } while ContinuousClock.now < deadline && (outbox["queued"] != 0 || outbox["sending"] != 0)
        #expect(accountCounts["pending", default: 0] + accountCounts["active", default: 0] == accounts.count,
                "one account per person, none for a refused form: \(accountCounts)")
        #expect(accountCounts["active"] == run.names("activated").count)
        #expect(outbox["sent"] == accounts.count, "one activation mail per account: \(outbox)")
        #expect(outbox["cancelled"] == 0, "no registration superseded another: \(outbox)")

        for username in accounts {
            let shown = try await CommandRunner.run(["account", "show", username, "--config", daemon.configPath])
            #expect(shown.status == 0, "\(username) has an account")
            if username != Self.takenUsername {
                let messages = dumpedMessages(in: mail.url.path).filter { $0.contains("\(username)@example.org") }
                #expect(messages.count == 1, "\(username) got \(messages.count) mails")
            }
        }
        for username in run.names("refused") {
            let shown = try await CommandRunner.run(["account", "show", username, "--config", daemon.configPath])
            #expect(shown.status == 67, "\(username)'s refused form made no account")
        }

        // One registration id per person: a repeated form is a duplicate of an accepted id, never
        // a second registration (which would have superseded the first or been rejected).
        let accepted = Self.registrationIDs(daemon, event: "registration.accepted")
        #expect(accepted.count == accounts.count && Set(accepted).count == accepted.count,
                "\(accepted.count) registrations accepted for \(accounts.count) accounts")
        #expect(Set(Self.registrationIDs(daemon, event: "registration.duplicate")).isSubset(of: accepted))
        let spooled = Self.registrationIDs(daemon, event: "registration.spooled")
        #expect(Set(spooled).count == run.names("accounts").count && Set(spooled).isSubset(of: accepted),
                "the page spooled \(Set(spooled).count) registration ids for \(run.names("accounts").count) people")
        // Back with the page kept in Chromium's back/forward cache (the same characters come back)
        // and with the page loaded again (new characters), each after the intake took the first
        // submit in: the live check did not call the person's own name taken, another
        // person still heard it was, and both resubmits were answered 303 as the registration the
        // store already held — the same id, nothing written again. The counts above hold only if
        // each was the same registration as the first submit.
        let backs = run.result["backAndResubmit"] as? [[String: Any]] ?? []
        #expect(backs.map { $0["cache"] as? String } == ["bfcache", "none"])
        #expect(backs.allSatisfy { $0["resubmit"] as? Int == 303 }, "\(backs)")
        #expect(backs.allSatisfy { $0["ownLiveCheckAvailable"] as? Bool == true }, "\(backs)")
        #expect(backs.allSatisfy { $0["othersSeeTaken"] as? Bool == true }, "\(backs)")
        let resubmitted = Self.registrationIDs(daemon, event: "registration.resubmitted")
        #expect(resubmitted.count >= 2 && Set(resubmitted).isSubset(of: spooled),
                "the Back resubmits were \(resubmitted.count) registration(s) the store held")
        let logs = daemon.logs.joined(separator: "\n")
        for event in ["registration.superseded", "registration.rejected"] {
            let logged = logs.contains("event=\(event) ")
            #expect(!logged, "no \(event)")
        }
        for secret in Self.typedSecrets + ["owner@example.org"] + accounts.map({ "\($0)@example.org" }) {
            let logged = logs.contains(secret)
            #expect(!logged, "the log does not show \(secret.prefix(6))…")
        }

        for name in ["empty-form-phone", "empty-form-desktop", "username-taken-phone", "form-with-errors-js-on-phone",
                     "form-with-errors-js-off-phone", "form-with-errors-js-off-desktop", "sent-phone", "sent-desktop",
                     "activated-phone"] {
            let file = "\(Self.outputDirectory)/\(name).png"
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            #expect(size > 1_000, "screenshot \(name).png is missing or empty")
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("with register_rate 3/1h unsolved POSTs spend nothing; the 4th solved POST from one address is refused with 429", .timeLimit(.minutes(2)))
    func rateLimit() async throws {
        let (daemon, sink, mail) = try await Self.daemon(registerRate: "3/1h")
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        try #require(try await daemon.waitForNotification("READY=1"),
                     "the daemon did not start:\n\(daemon.logs.joined(separator: "\n"))")
        let run = try await Self.runScript("rate", daemon: daemon, mail: mail)
        #expect(run.status == 0, "register_flow.py rate:\n\(run.output)")
        #expect(run.result["statuses"] as? [Int] == [422, 422, 422, 422, 422, 422, 429])
        #expect(try await Self.counts(daemon).accounts.values.reduce(0, +) == 0)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
