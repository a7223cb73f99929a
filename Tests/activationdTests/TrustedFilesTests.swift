import Foundation
import TestSupport
import Testing

/// Trusted files and encrypted AUTH, through the real binary: `check-config` (and so `serve`) refuses
/// configuration and secrets that other users could have written, and SMTP AUTH that could go out
/// in clear, with exit 78 naming the file or the key.
@Suite("trusted files and encrypted AUTH")
struct TrustedFilesTests {
    /// A directory with a 0600 keys file and a configuration pointing at it.
    struct Setup {
        let directory: TemporaryDirectory
        var keys: String { directory.path("signing.keys") }
        var config: String { directory.path("activationd.yaml") }

        init(yaml: String = "", keysDirectory: String? = nil) async throws {
            directory = try TemporaryDirectory()
            chmod(directory.url.path, 0o755)
            let keysPath = keysDirectory.map { $0 + "/signing.keys" } ?? directory.path("signing.keys")
            let line = try await CommandRunner.run(["keys", "generate"]).stdout
            try line.write(toFile: keysPath, atomically: false, encoding: .utf8)
            chmod(keysPath, 0o600)
            try "keys:\n  file: \"\(keysPath)\"\n\(yaml)".write(toFile: directory.path("activationd.yaml"),
                                                             atomically: false, encoding: .utf8)
            chmod(directory.path("activationd.yaml"), 0o640)
        }

        func checkConfig() async throws -> CommandRunner.Result {
            try await CommandRunner.run(["check-config", "--config", config])
        }
    }

    @Test("a keys file writable by its group or others is refused, naming the file", arguments: [0o660, 0o620, 0o670, 0o602, 0o606])
    func writableKeys(mode: Int) async throws {
        let setup = try await Setup()
        chmod(setup.keys, mode_t(mode))
        let result = try await setup.checkConfig()
        #expect(result.status == 78, "mode \(String(mode, radix: 8)): \(result.stderr)")
        #expect(result.stderr.contains("keys.file") && result.stderr.contains(setup.keys))
    }

    @Test("0600 and 0640 keys files are accepted")
    func privateKeys() async throws {
        let setup = try await Setup()
        for mode: mode_t in [0o600, 0o640, 0o400] {
            chmod(setup.keys, mode)
            let result = try await setup.checkConfig()
            #expect(result.status == 0, "mode \(String(mode, radix: 8)): \(result.stderr)")
        }
    }

    @Test("a keys file in a directory others can write is refused; a sticky one (like /tmp) is not")
    func keysInOpenDirectory() async throws {
        let open = try TemporaryDirectory()
        chmod(open.url.path, 0o777)
        let setup = try await Setup(keysDirectory: open.url.path)
        let result = try await setup.checkConfig()
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("keys.file") && result.stderr.contains(open.url.path))
        chmod(open.url.path, 0o1777)
        #expect(try await setup.checkConfig().status == 0)
        chmod(open.url.path, 0o770)
        #expect(try await setup.checkConfig().status == 78)
    }

    @Test("a configuration file writable by others, or by its group, is refused, naming the file")
    func writableConfiguration() async throws {
        let setup = try await Setup()
        for mode: mode_t in [0o666, 0o664, 0o646] {
            chmod(setup.config, mode)
            let result = try await setup.checkConfig()
            #expect(result.status == 78, "mode \(String(mode, radix: 8)): \(result.stderr)")
            #expect(result.stderr.contains(setup.config) && result.stderr.contains("writable"))
        }
        chmod(setup.config, 0o644)
        #expect(try await setup.checkConfig().status == 0)
    }

    @Test("serve refuses a world-writable configuration with 78 before it opens anything")
    func serveRefuses() async throws {
        let setup = try await Setup(yaml: "spool:\n  directory: \"/nonexistent/spool\"\n")
        chmod(setup.config, 0o666)
        let result = try await CommandRunner.run(["serve", "--config", setup.config])
        #expect(result.status == 78 && result.stderr.contains(setup.config), "\(result.stderr)")
    }

    /// A configuration with a relay user and password at `url`, with `smtp` lines added.
    static func authSetup(url: String, _ lines: String) async throws -> Setup {
        let password = try TemporaryDirectory()
        let path = password.path("smtp.password")
        try "relay-secret\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        let setup = try await Setup(yaml: """
            smtp:
              url: "\(url)"
              username: "courier"
              password_file: "\(path)"
            \(lines)
            """)
        try FileManager.default.moveItem(atPath: path, toPath: setup.directory.path("smtp.password"))
        let yaml = try String(contentsOfFile: setup.config, encoding: .utf8)
            .replacingOccurrences(of: path, with: setup.directory.path("smtp.password"))
        try yaml.write(toFile: setup.config, atomically: false, encoding: .utf8)
        return setup
    }

    @Test("AUTH that could go out in clear is refused with 78 naming smtp.starttls", arguments: [
        ("smtp://relay.example.net:587", ""),
        ("smtp://relay.example.net:587", "  starttls: \"opportunistic\""),
        ("smtp://relay.example.net:587", "  starttls: \"never\""),
        ("smtp://relay.example.net:25", "  starttls: \"never\"\n  auth_without_tls: \"loopback\""),
        ("smtp://127.0.0.2.example.net:25", "  auth_without_tls: \"loopback\""),
    ])
    func clearAuthRefused(url: String, lines: String) async throws {
        let setup = try await Self.authSetup(url: url, lines)
        let result = try await setup.checkConfig()
        #expect(result.status == 78, "\(url) \(lines): \(result.stderr)")
        #expect(result.stderr.contains("smtp.starttls") && result.stderr.contains("in clear"))
        #expect(!result.stderr.contains("relay-secret"))
    }

    @Test("AUTH over TLS, or in clear to a loopback relay when allowed, is accepted", arguments: [
        ("smtps://relay.example.net:465", ""),
        ("smtp://relay.example.net:587", "  starttls: \"required\""),
        ("smtp://127.0.0.1:25", "  auth_without_tls: \"loopback\""),
        ("smtp://[::1]:25", "  starttls: \"never\"\n  auth_without_tls: \"loopback\""),
        ("smtp://localhost:25", "  auth_without_tls: \"loopback\""),
    ])
    func encryptedAuthAccepted(url: String, lines: String) async throws {
        let setup = try await Self.authSetup(url: url, lines)
        let result = try await setup.checkConfig()
        #expect(result.status == 0, "\(url) \(lines): \(result.stderr)")
    }

    /// Credentials in the relay URL used to go to libcurl, which sent `AUTH PLAIN` in
    /// clear under `starttls: opportunistic`, past the rule above (it looked only at smtp.username).
    @Test("a user or password in smtp.url is refused with 78 naming smtp.url, TLS or not", arguments: [
        "smtp://courier:relay-secret@relay.example.net:587",
        "smtp://courier:relay-secret@127.0.0.1:25",
        "smtps://courier:relay-secret@relay.example.net:465",
        "smtp://courier;AUTH=PLAIN@relay.example.net:587",
        "smtp://relay-secret@relay.example.net",
    ])
    func credentialsInURLRefused(url: String) async throws {
        let setup = try await Setup(yaml: "smtp:\n  url: \"\(url)\"\n")
        for command in [["check-config"], ["send-test", "--to", "someone@example.net"]] {
            let result = try await CommandRunner.run(command + ["--config", setup.config])
            #expect(result.status == 78, "\(command) \(url): \(result.stderr)")
            #expect(result.stderr.contains("smtp.url") && result.stderr.contains("smtp.username"), "\(result.stderr)")
            #expect(!result.stderr.contains("relay-secret"), "the URL's secret is not echoed")
        }
    }

    @Test("ACTIVATIOND_SMTP_URL with credentials is refused the same way, naming the variable")
    func credentialsInEnvironmentRefused() async throws {
        let setup = try await Setup()
        let result = try await CommandRunner.run(["check-config", "--config", setup.config], environment: [
            "ACTIVATIOND_SMTP_URL": "smtp://courier:relay-secret@relay.example.net:25",
        ])
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("smtp.url") && result.stderr.contains("ACTIVATIOND_SMTP_URL"), "\(result.stderr)")
        #expect(!result.stderr.contains("relay-secret"))
        let plain = try await CommandRunner.run(["check-config", "--config", setup.config], environment: [
            "ACTIVATIOND_SMTP_URL": "smtp://relay.example.net:25",
        ])
        #expect(plain.status == 0, "\(plain.stderr)")
    }
}
