import Foundation
import TestSupport
import Testing

/// DKIM keys through the real binary: `keys dkim` writes a key and prints its record, and
/// `check-config` loads DKIM keys (exit 78 naming a bad one) and warns without failing.
@Suite("DKIM keys and check-config")
struct DKIMCommandTests {
    /// A configuration directory with signing keys and, when asked, DKIM keys made by `keys dkim`.
    struct Setup {
        let directory: TemporaryDirectory
        var config: String { directory.path("activationd.yaml") }
        var rsaKey: String { directory.path("dkim.key") }
        var ed25519Key: String { directory.path("dkim-ed25519.key") }

        init() async throws {
            directory = try TemporaryDirectory()
            chmod(directory.url.path, 0o755)
            let line = try await CommandRunner.run(["keys", "generate"]).stdout
            try line.write(toFile: directory.path("signing.keys"), atomically: false, encoding: .utf8)
            chmod(directory.path("signing.keys"), 0o600)
            for (algorithm, path, selector) in [("rsa", rsaKey, "rsa2026"), ("ed25519", ed25519Key, "ed2026")] {
                let made = try await CommandRunner.run(["keys", "dkim", "--domain", "example.org", "--selector", selector,
                                                        "--algorithm", algorithm, "--out", path])
                guard made.status == 0 else { throw ServerError(description: made.stderr) }
            }
        }

        func checkConfig(_ dkim: String) async throws -> CommandRunner.Result {
            try "keys:\n  file: \"\(directory.path("signing.keys"))\"\n\(dkim)"
                .write(toFile: config, atomically: false, encoding: .utf8)
            return try await CommandRunner.run(["check-config", "--config", config])
        }
    }

    @Test("keys dkim: a 0600 PEM key, the TXT record on stdout, exit 73 instead of overwriting")
    func keysDKIM() async throws {
        let setup = try await Setup()
        let info = try FileManager.default.attributesOfItem(atPath: setup.rsaKey)
        #expect(info[.posixPermissions] as? Int == 0o600)
        let pem = try String(contentsOfFile: setup.rsaKey, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let again = try await CommandRunner.run(["keys", "dkim", "--domain", "example.org", "--selector", "rsa2026",
                                                 "--out", setup.rsaKey])
        #expect(again.status == 73 && again.stderr.contains("refusing to overwrite"), "\(again)")
        #expect(try String(contentsOfFile: setup.rsaKey, encoding: .utf8) == pem)
        let made = try await CommandRunner.run(["keys", "dkim", "--domain", "example.org", "--selector", "ed",
                                                "--algorithm", "ed25519", "--out", setup.directory.path("new.key")])
        #expect(made.status == 0)
        #expect(made.stdout.contains("ed._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p="), "\(made.stdout)")
        #expect(!made.stdout.contains("PRIVATE"), "the private key is never printed")
    }

    /// The README's command on an installed package, where postinst has left
    /// an empty `dkim.key` for `LoadCredential=`.
    @Test("keys dkim --out over the empty file the package leaves: written; a key already there needs --force")
    func overEmptyFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("dkim.key")
        #expect(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o600]))
        let arguments = ["keys", "dkim", "--domain", "example.org", "--selector", "mail2026", "--out", path]
        let made = try await CommandRunner.run(arguments)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("mail2026._domainkey.example.org. IN TXT"), "\(made.stdout)")
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)

        let again = try await CommandRunner.run(arguments)
        #expect(again.status == 73 && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == pem, "a key is not replaced by accident")
        let forced = try await CommandRunner.run(arguments + ["--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let replaced = try String(contentsOfFile: path, encoding: .utf8)
        #expect(replaced.hasPrefix("-----BEGIN PRIVATE KEY-----") && replaced != pem)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["dkim.key"], "no temporary file left")

        // A link, even to an empty file, is never written through.
        let empty = directory.path("empty")
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        try FileManager.default.createSymbolicLink(atPath: directory.path("link.key"), withDestinationPath: empty)
        let linked = try await CommandRunner.run(["keys", "dkim", "--domain", "example.org", "--selector", "s",
                                                  "--out", directory.path("link.key"), "--force"])
        #expect(linked.status == 73, "\(linked.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
    }

    @Test("check-config: both keys load; the summary names them; aligned, so no warning")
    func bothKeys() async throws {
        let setup = try await Setup()
        let result = try await setup.checkConfig("""
            dkim:
              domain: example.org
              selector: rsa2026
              private_key_file: "\(setup.rsaKey)"
              ed25519_selector: ed2026
              ed25519_private_key_file: "\(setup.ed25519Key)"
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("DKIM rsa-sha256 s=rsa2026 + ed25519-sha256 s=ed2026 d=example.org"),
                "\(result.stdout)")
        #expect(!result.stderr.contains("warning"), "\(result.stderr)")
    }

    @Test("check-config warns (exit 0) with no DKIM key, and with a DKIM domain not aligned with From")
    func warnings() async throws {
        let setup = try await Setup()
        let none = try await setup.checkConfig("")
        #expect(none.status == 0)
        #expect(none.stderr.contains("warning: no DKIM key configured"), "\(none.stderr)")
        let foreign = try await setup.checkConfig("""
            dkim:
              domain: mail-provider.example
              selector: rsa2026
              private_key_file: "\(setup.rsaKey)"
            """)
        #expect(foreign.status == 0, "\(foreign.stderr)")
        #expect(foreign.stderr.contains("warning: dkim.domain mail-provider.example does not align with the From domain example.org"),
                "\(foreign.stderr)")
        let parent = try await setup.checkConfig("""
            smtp:
              from: "Accounts <no-reply@accounts.example.org>"
            dkim:
              domain: example.org
              selector: rsa2026
              private_key_file: "\(setup.rsaKey)"
            """)
        #expect(parent.status == 0 && !parent.stderr.contains("warning"), "a subdomain aligns: \(parent.stderr)")
    }

    @Test("check-config: a bad DKIM key is exit 78 naming the key and the file", arguments: [
        "wrong-algorithm", "garbage", "readable-by-others",
    ])
    func badKey(_ kind: String) async throws {
        let setup = try await Setup()
        var path = setup.rsaKey
        switch kind {
        case "wrong-algorithm":
            path = setup.ed25519Key
        case "garbage":
            try "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
                .write(toFile: setup.directory.path("bad.key"), atomically: false, encoding: .utf8)
            path = setup.directory.path("bad.key")
            chmod(path, 0o600)
        default:
            chmod(path, 0o644)
        }
        let result = try await setup.checkConfig("""
            dkim:
              domain: example.org
              selector: rsa2026
              private_key_file: "\(path)"
            """)
        #expect(result.status == 78, "\(kind): \(result)")
        #expect(result.stderr.contains("dkim.private_key_file") && result.stderr.contains(path), "\(result.stderr)")
        #expect(!result.stderr.contains("BEGIN"), "no key material in the message")
    }
}
