import ActivationCore
@testable import ActivationDaemon
import ActivationMail
import Foundation
import Testing

/// DKIM signing's configuration: the `dkim.*` keys and the `dkim-key` / `dkim-ed25519-key` credentials.
@Suite("DKIM configuration")
struct DKIMConfigurationTests {
    static let rsaPEM = try! DKIMKey.generate(.rsaSHA256, domain: "example.org", selector: "s").privateKeyPEM

    func writeKey(_ pem: String, to path: String) throws {
        try pem.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
    }

    @Test("the key file signs; the factory carries the signer")
    func keyFile() async throws {
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        let path = fixture.directory.appendingPathComponent("dkim.key").path
        try writeKey(Self.rsaPEM, to: path)
        try fixture.write("dkim:\n  domain: example.org\n  selector: s1\n  private_key_file: \"\(path)\"\n")
        let configuration = try await fixture.load()
        #expect(configuration.dkim.map(\.selector) == ["s1"])
        #expect(try configuration.mailFactory().dkim.keys.count == 1)
    }

    @Test("the dkim-key credential wins over the file; an empty one means no DKIM")
    func credential() async throws {
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        let credentials = fixture.directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try writeKey(Self.rsaPEM, to: credentials.appendingPathComponent("dkim-key").path)
        try fixture.write("dkim:\n  domain: example.org\n  selector: s1\n  private_key_file: \"/nonexistent/dkim.key\"\n")
        let loaded = try await fixture.load(environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(loaded.dkim.count == 1)
        try writeKey("", to: credentials.appendingPathComponent("dkim-key").path)
        try fixture.write("")
        let empty = try await fixture.load(environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(empty.dkim.isEmpty)
        #expect(empty.warnings.contains { $0.hasPrefix("no DKIM key configured") })
    }

    @Test("a second Ed25519 key needs its own selector and an RSA first key")
    func secondKey() async throws {
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        let rsa = fixture.directory.appendingPathComponent("dkim.key").path
        let ed = fixture.directory.appendingPathComponent("ed.key").path
        try writeKey(Self.rsaPEM, to: rsa)
        try writeKey(try DKIMKey.generate(.ed25519SHA256, domain: "example.org", selector: "e").privateKeyPEM, to: ed)
        try fixture.write("dkim:\n  domain: example.org\n  selector: s1\n  private_key_file: \"\(rsa)\"\n"
            + "  ed25519_private_key_file: \"\(ed)\"\n")
        do {
            _ = try await fixture.load()
            Issue.record("accepted without dkim.ed25519_selector")
        } catch {
            #expect(error.key == "dkim.ed25519_selector")
        }
        try fixture.write("dkim:\n  domain: example.org\n  selector: s1\n  private_key_file: \"\(rsa)\"\n"
            + "  ed25519_selector: e1\n  ed25519_private_key_file: \"\(ed)\"\n")
        let both = try await fixture.load()
        #expect(both.dkim.map(\.algorithm) == [.rsaSHA256, .ed25519SHA256])
        #expect(both.dkim.map(\.selector) == ["s1", "e1"])
        #expect(both.warnings.isEmpty, "\(both.warnings)")
    }

    @Test("relaxed alignment: equal domains or one inside the other", arguments: [
        ("example.org", "example.org", true), ("mail.example.org", "example.org", true),
        ("example.org", "mail.example.org", true), ("example.org", "example.net", false),
        ("badexample.org", "example.org", false),
    ])
    func alignment(from: String, signing: String, aligned: Bool) {
        #expect(DaemonConfiguration.isAligned(from, signing) == aligned)
    }
}
