import Foundation
import TestSupport
import Testing

@Suite("systemd unit")
struct SystemdUnitTests {
    /// The shipped unit with ExecStart pointing at the built binary (verify insists that it exists).
    static func unitCopy() throws -> URL {
        let unit = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("systemd/activationd.service"),
                              encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/activationd serve --config /etc/activationd/activationd.yaml"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let copy = directory.appendingPathComponent("activationd.service")
        try unit.replacingOccurrences(of: "/usr/local/bin/activationd", with: CommandRunner.binary.path)
            .write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runProcess("/usr/bin/systemd-analyze", arguments)
    }

    @Test("the unit has its type, reload, watchdog, restart, user, directories, credentials and limits")
    func directives() async throws {
        let unit = try String(contentsOf: CommandRunner.packageRoot.appendingPathComponent("systemd/activationd.service"),
                              encoding: .utf8)
        for directive in ["Type=notify", "ExecReload=/bin/sh -c 'kill -HUP \"$MAINPID\"'", "WatchdogSec=", "Restart=on-failure",
                          "User=activationd", "Group=activationd", "StateDirectory=activationd",
                          "ConfigurationDirectory=activationd", "LoadCredential=signing-keys:",
                          "LoadCredential=smtp-password:", "LoadCredential=dkim-key:", "LoadCredential=store-password:",
                          "LimitNOFILE=8192", "SystemCallFilter=setpriority"] {
            #expect(unit.contains(directive), "\(directive)")
        }
    }

    @Test("systemd-analyze verify accepts the unit")
    func verify() async throws {
        let copy = try Self.unitCopy()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let result = try await Self.run(["verify", copy.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.isEmpty, "\(result.output)")
    }

    @Test("systemd-analyze security scores the unit at most 1.5")
    func security() async throws {
        let copy = try Self.unitCopy()
        defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
        let result = try await Self.run(["security", "--offline=yes", copy.path])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
        #expect(score <= 1.5, "\(line)")
    }
}
