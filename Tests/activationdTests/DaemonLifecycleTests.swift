import Foundation
import Testing

@Suite("activationd serve as a process", .serialized)
struct DaemonLifecycleTests {
    @Test("READY on the notify socket, reload on SIGHUP, exit 0 with STOPPING on SIGTERM")
    func lifecycle() throws {
        let daemon = try DaemonHarness()
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(daemon.waitForNotification("READY=1"))
        #expect(daemon.waitForNotification("WATCHDOG=1", timeout: .seconds(5)))
        #expect(daemon.waitForNotification("STATUS=pending 0", timeout: .seconds(5)))
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("event=daemon.reloaded", timeout: .seconds(10)))
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
        #expect(daemon.waitForNotification("STOPPING=1", timeout: .seconds(2)))
        #expect(daemon.logs.contains { $0.contains("event=daemon.stopped") })
    }

    @Test("a bad configuration exits 78 naming the key", arguments: [
        ("smtp:\n  timeout: forever\n", "smtp.timeout"),
        ("colour: blue\n", "colour"),
        ("activation:\n  confirm: nod\n", "activation.confirm"),
    ])
    func badConfiguration(yaml: String, key: String) throws {
        let daemon = try DaemonHarness(extraYAML: yaml)
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(daemon.waitForExit() == 78)
        #expect(daemon.waitForLog("configuration: \(key):", timeout: .seconds(2)))
        #expect(!daemon.allNotifications.contains { $0.contains("READY=1") })
    }

    @Test("a reload with a broken file keeps running on the old configuration")
    func badReload() throws {
        let daemon = try DaemonHarness()
        defer { daemon.cleanUp() }
        try daemon.start()
        #expect(daemon.waitForNotification("READY=1"))
        let good = try String(contentsOfFile: daemon.configPath, encoding: .utf8)
        try (good + "\nsmtp:\n  connections: many\n").write(toFile: daemon.configPath, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        #expect(daemon.waitForLog("event=daemon.reload_failed", timeout: .seconds(10)))
        #expect(daemon.logs.contains { $0.contains("smtp.connections") })
        daemon.signal(SIGTERM)
        #expect(daemon.waitForExit() == 0)
    }
}
