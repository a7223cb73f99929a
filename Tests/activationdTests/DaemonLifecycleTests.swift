import Foundation
import Testing

@Suite("activationd serve as a process", .serialized)
struct DaemonLifecycleTests {
    @Test("READY on the notify socket, reload on SIGHUP, exit 0 with STOPPING on SIGTERM")
    func lifecycle() async throws {
        let daemon = try await DaemonHarness()
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        #expect(try await daemon.waitForNotification("WATCHDOG=1", timeout: .seconds(5)))
        #expect(try await daemon.waitForNotification("STATUS=pending 0", timeout: .seconds(5)))
        daemon.signal(SIGHUP)
        #expect(try await daemon.waitForLog("event=daemon.reloaded", timeout: .seconds(10)))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
        #expect(try await daemon.waitForNotification("STOPPING=1", timeout: .seconds(2)))
        #expect(daemon.logs.contains { $0.contains("event=daemon.stopped") })
    }

    @Test("without systemd (no NOTIFY_SOCKET) the daemon runs and stops the same")
    func withoutSystemd() async throws {
        let daemon = try await DaemonHarness()
        defer { daemon.cleanUp() }
        try daemon.start(environment: ["NOTIFY_SOCKET": "", "WATCHDOG_USEC": ""])
        #expect(try await daemon.waitForLog("event=daemon.ready"))
        // Still running, shown by an answer rather than by a pause without an exit.
        #expect(try await DaemonFlowTests.request("http://127.0.0.1:\(daemon.httpPort)/healthz").status == 200,
                "it serves without a notify socket")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    @Test("a bad configuration exits 78 naming the key", arguments: [
        ("smtp:\n  timeout: forever\n", "smtp.timeout"),
        ("colour: blue\n", "colour"),
        ("activation:\n  confirm: nod\n", "activation.confirm"),
    ])
    func badConfiguration(yaml: String, key: String) async throws {
        let daemon = try await DaemonHarness(extraYAML: yaml)
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(try await daemon.waitForExit() == 78)
        #expect(try await daemon.waitForLog("configuration: \(key):", timeout: .seconds(2)))
        // It has exited: whatever it sent is in the socket.
        #expect(!daemon.receivedNotifications().contains { $0.contains("READY=1") })
    }

    @Test("a reload with a broken file keeps running on the old configuration")
    func badReload() async throws {
        let daemon = try await DaemonHarness()
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let good = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try (good + "\nsmtp:\n  connections: many\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(try await daemon.waitForLog("event=daemon.reload_failed", timeout: .seconds(10)))
        #expect(daemon.logs.contains { $0.contains("smtp.connections") })
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}

@Suite("activationd serve takes registrations in", .serialized)
struct DaemonIntakeTests {
    @Test("a record submitted with `activationd submit --config` becomes a pending account")
    func submitToAccount() async throws {
        let daemon = try await DaemonHarness()
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(try await daemon.waitForNotification("READY=1"))
        let submitted = try await CommandRunner.run(["submit", "--config", daemon.configPath,
                                               "Config/examples/registration.json"])
        #expect(submitted.status == 0, "\(submitted.stderr)")
        #expect(try await daemon.waitForLog("event=registration.accepted", timeout: .seconds(20)))
        let status = try await CommandRunner.run(["status", "--json", "--config", daemon.configPath])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((object["accounts"] as? [String: Int])?["pending"] == 1)
        let shown = try await CommandRunner.run(["account", "show", "jdoe2026", "--config", daemon.configPath])
        #expect(shown.status == 0 && shown.stdout.contains("state:      pending") && shown.stdout.contains("activation"))
        #expect(!daemon.logs.joined().contains("Secr3tPass") && !daemon.logs.joined().contains("jane@example.org"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }
}
