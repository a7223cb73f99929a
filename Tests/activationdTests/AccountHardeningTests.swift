import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// A known address cannot cancel a pending account, the link's password lock-out is kept in the
/// store (across restarts and concurrent guesses), and log lines name accounts by lower-case ids,
/// against `activationd serve` as a process: spool records through `submit`, mail at smtp-sink,
/// links over HTTP, the daemon restarted on its store.
@Suite("activationd serve: supersession, store-kept lockout, ids in logs", .serialized)
struct AccountHardeningTests {
    /// A spool record for `activationd submit -`.
    static func record(username: String, firstName: String, email: String, password: String = "Secr3tPass") -> Data {
        Data("""
            {"version":1,"id":"\(UUID().uuidString.lowercased())","submittedAt":"2026-11-28T10:00:00Z",
             "username":"\(username)","firstName":"\(firstName)","lastName":"Doe",
             "email":"\(email)","confirmEmail":"\(email)",
             "password":"\(password)","confirmPassword":"\(password)","passwordPhrase":"blue heron at dawn",
             "acceptedConditions":true}
            """.utf8)
    }

    /// A daemon relaying to smtp-sink (which dumps every message into the directory returned).
    static func daemon(extraYAML: String = "", scryptLogN: Int = 4) async throws
        -> (DaemonHarness, ServerProcess, TemporaryDirectory)
    {
        let mail = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", mail.path("%H%M%S.")], directory: mail)
        let port = sink.port
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(port)"
              starttls: "never"
            \(extraYAML)
            """, scryptLogN: scryptLogN)
        return (daemon, sink, mail)
    }

    /// Submits a record and waits for its mail; returns the link of the mail that greets `firstName`,
    /// on the daemon's port.
    static func register(_ daemon: DaemonHarness, _ mail: TemporaryDirectory, username: String, firstName: String,
                         email: String) async throws -> String
    {
        let submitted = try await CommandRunner.run(["submit", "--config", daemon.configPath, "-"],
                                                    input: record(username: username, firstName: firstName, email: email))
        #expect(submitted.status == 0, "submit: \(submitted.stderr)")
        let links = try await waitUntil(interval: .milliseconds(100), "an activation mail for \(firstName) arrives",
                                        observe: {
            dumpedMessages(in: mail.url.path).filter { $0.contains(firstName) }.compactMap(DaemonFlowTests.link(in:))
        }) { !$0.isEmpty }
        return daemon.local(links[0])
    }

    /// The account id `account show` prints for `login` (lower case, as the store keeps it).
    static func accountID(_ daemon: DaemonHarness, _ login: String) async throws -> String {
        let shown = try await CommandRunner.run(["account", "show", login, "--config", daemon.configPath])
        let first = shown.stdout.split(separator: "\n").first.map(String.init) ?? ""
        guard first.hasPrefix("account ") else { throw HarnessError(description: "no account \(login)") }
        return String(first.dropFirst("account ".count))
    }

    static func post(_ daemon: DaemonHarness, token: String, password: String) async throws -> Int {
        try await DaemonFlowTests.request("http://127.0.0.1:\(daemon.httpPort)/activate", method: "POST",
                                          form: ["token": token, "password": password]).status
    }

    static func token(of link: String) -> String { String(link.split(separator: "=", maxSplits: 1)[1]) }

    @Test("another username with Jane's address (any case) leaves her pending; activating one replaces the other")
    func sameEmailAttack() async throws {
        let (daemon, sink, mail) = try await DaemonFlowTests.daemonWithSink()
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let janesLink = try await Self.register(daemon, mail, username: "jdoe2026", firstName: "Jane",
                                                email: "jane@example.org")
        let janeID = try await Self.accountID(daemon, "jdoe2026")
        #expect(try await DaemonFlowTests.request(janesLink).status == 200)

        // The attack: whoever knows her address registers it, upper case, with a username of their own.
        let otherLink = try await Self.register(daemon, mail, username: "mallory1", firstName: "Mallory",
                                                email: "JANE@example.org")
        let otherID = try await Self.accountID(daemon, "mallory1")
        #expect(try await DaemonFlowTests.request(janesLink).status == 200, "Jane's link still works")
        let available = try await DaemonFlowTests.request(
            "http://127.0.0.1:\(daemon.httpPort)/api/v1/usernames/jdoe2026")
        #expect(available.body.contains(#""available":false"#), "her username is still taken")
        #expect(!daemon.logs.contains { $0.contains("event=registration.superseded") })

        // Jane activates hers: the other registration of her address goes, and its link says why.
        #expect(try await Self.post(daemon, token: Self.token(of: janesLink), password: "Secr3tPass") == 200)
        let replaced = try await DaemonFlowTests.request(otherLink)
        #expect(replaced.status == 410)
        #expect(replaced.body.contains(
            "This registration was replaced: another account with this email address was activated."))
        #expect(try await Self.post(daemon, token: Self.token(of: otherLink), password: "Secr3tPass") == 410)
        #expect(try await daemon.waitForLog("event=account.replaced", timeout: .seconds(5)))

        // One case for ids in every line, so that one grep finds an account's story.
        #expect(janeID == janeID.lowercased() && otherID == otherID.lowercased())
        let logs = daemon.logs
        for (event, id) in [("registration.accepted", janeID), ("registration.accepted", otherID),
                            ("account.activated", janeID), ("account.replaced", otherID)]
        {
            #expect(logs.contains { $0.contains("event=\(event)") && $0.contains("account=\(id)") },
                    "\(event) names account=\(id)")
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("a link locked by wrong passwords stays locked across a restart, even for the right password")
    func lockSurvivesRestart() async throws {
        let (daemon, sink, mail) = try await DaemonFlowTests.daemonWithSink()
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let link = try await Self.register(daemon, mail, username: "jdoe2026", firstName: "Jane",
                                           email: "jane@example.org")
        let id = try await Self.accountID(daemon, "jdoe2026")
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await Self.post(daemon, token: Self.token(of: link), password: "Wr0ngPass1")) }
        #expect(statuses == [403, 403, 403, 403, 429])
        #expect(try await daemon.waitForLog("event=activation.locked", timeout: .seconds(5)))
        #expect(daemon.logs.contains { $0.contains("event=activation.locked") && $0.contains("account=\(id)") })
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)

        let restarted = try DaemonHarness(reusing: daemon)
        defer { restarted.cleanUp() }
        try restarted.start()
        #expect(try await restarted.waitForNotification("READY=1"))
        #expect(try await DaemonFlowTests.request(restarted.local(link)).status == 429, "the landing page says locked")
        #expect(try await Self.post(restarted, token: Self.token(of: link), password: "Secr3tPass") == 429)
        let shown = try await CommandRunner.run(["account", "show", "jdoe2026", "--config", daemon.configPath])
        #expect(shown.stdout.contains("state:      pending"))
        restarted.signal(SIGTERM)
        #expect(try await restarted.waitForExit() == 0)
    }

    @Test("60 concurrent wrong passwords check at most the limit; the right one is then refused as locked")
    func concurrentGuesses() async throws {
        // Hashing that takes real time (2^14: tens to hundreds of milliseconds here), so that
        // concurrent guesses overlap as they do in production.
        let (daemon, sink, mail) = try await Self.daemon(scryptLogN: 14)
        defer { daemon.cleanUp(); sink.stop(); _ = mail }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let link = try await Self.register(daemon, mail, username: "jdoe2026", firstName: "Jane",
                                           email: "jane@example.org")
        let token = Self.token(of: link)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<60 {
                group.addTask { try await Self.post(daemon, token: token, password: "Wr0ngPass\(index)") }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // A checked password answers 403 with the attempts left, or closes the lock (one log line);
        // every other request is answered 429 without hashing.
        let wrong = statuses.filter { $0 == 403 }.count
        #expect(try await daemon.waitForLog("event=activation.locked", timeout: .seconds(5)))
        let closing = daemon.logs.filter { $0.contains("event=activation.locked") }.count
        #expect(wrong == 4 && closing == 1, "checked \(wrong + closing) passwords (limit 5)")
        #expect(statuses.filter { $0 == 429 }.count == 56)
        let shown = try await CommandRunner.run(["account", "show", "jdoe2026", "--config", daemon.configPath])
        #expect(shown.stdout.contains("passwords:  5 checked"), "the store counted 5 checks: \(shown.stdout)")
        #expect(try await Self.post(daemon, token: token, password: "Secr3tPass") == 429)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("a resend's log line names the account in lower case")
    func resendLineLowerCase() async throws {
        let (daemon, sink, mailDirectory) = try await Self.daemon(extraYAML: """
            activation:
              resend_cooldown: "1s"
            """)
        defer { daemon.cleanUp(); sink.stop(); _ = mailDirectory }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        _ = try await Self.register(daemon, mailDirectory, username: "jdoe2026", firstName: "Jane",
                                    email: "jane@example.org")
        let id = try await Self.accountID(daemon, "jdoe2026")
        // Asked again until the 1 s cooldown since the registration has passed (each answer is 202;
        // the log says whether it was resent or skipped).
        try await waitUntil(interval: .milliseconds(500), "a resend is made", observe: {
            let resend = try await DaemonFlowTests.request("http://127.0.0.1:\(daemon.httpPort)/resend", method: "POST",
                                                           form: ["login": "jdoe2026"])
            #expect(resend.status == 202)
            return LastLines(lines: daemon.logs.filter { $0.contains("event=activation.rese") })
        }) { $0.lines.contains { $0.contains("event=activation.resent") } }
        #expect(daemon.logs.contains { $0.contains("event=activation.resent") && $0.contains("account=\(id)") })
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}
