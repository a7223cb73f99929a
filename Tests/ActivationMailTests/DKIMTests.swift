import TestSupport
import ActivationCore
import ActivationDaemon
@testable import ActivationMail
import Foundation
import Testing

/// Every message activationd signs verifies with dkimpy — an implementation we did not
/// write — against the TXT record `activationd keys dkim` printed; a changed body or signed
/// header fails.
@Suite("DKIM signatures, verified by dkimpy")
struct DKIMTests {
    /// Keys made by `keys dkim` (the command's own code), their PEM files and printed records.
    final class Keys: Sendable {
        let directory: TemporaryDirectory
        let rsa: DKIMKey
        let ed25519: DKIMKey
        /// The zone lines both `keys dkim` runs printed.
        let records: String

        init() throws {
            directory = try TemporaryDirectory()
            var printed = ""
            var loaded: [DKIMKey] = []
            for (algorithm, selector) in [("rsa", "rsa2026"), ("ed25519", "ed2026")] {
                let path = directory.path("\(selector).pem")
                let outcome = KeysCommand.generateDKIM(domain: "example.org", selector: selector, algorithm: algorithm,
                                                       path: path)
                guard outcome.status == .ok else { throw ServerError(description: "\(outcome)") }
                printed += outcome.output + "\n"
                let pem = try String(contentsOfFile: path, encoding: .utf8)
                loaded.append(try DKIMKey(pem: pem, algorithm: algorithm == "rsa" ? .rsaSHA256 : .ed25519SHA256,
                                          domain: "example.org", selector: selector))
            }
            rsa = loaded[0]
            ed25519 = loaded[1]
            records = directory.path("records.zone")
            try printed.write(toFile: records, atomically: true, encoding: .utf8)
        }
    }

    static let keys = try! Keys()

    /// A signed activation mail for `first last`, with the link under `publicURL`.
    func signedMail(_ keys: [DKIMKey], first: String = "Jane", last: String = "Doe",
                    publicURL: String = "https://accounts.example.org/") throws -> [UInt8] {
        let factory = MailFactory(sender: MailFixtures.sender, templates: try MailTemplates(), keys: MailFixtures.keys,
                                  publicURL: publicURL, dkim: DKIMSigner(keys: keys))
        // Signed now: dkimpy refuses a signature whose t= lies in the future.
        let now = Date()
        let account = MailFixtures.account(first: first, last: last, registeredAt: now)
        let message = OutboxMessage.queued(.activation, for: account.id, now: now)
        return try factory.mail(for: message, account: account, now: now).bytes
    }

    func verify(_ message: [UInt8]) async throws -> [DKIMVerifier.Result] {
        try await DKIMVerifier.verify(message, recordsFile: Self.keys.records, in: Self.keys.directory)
    }

    @Test("rsa-sha256, ed25519-sha256 and both: each signature verifies", arguments: ["rsa", "ed25519", "both"])
    func verifies(_ which: String) async throws {
        let keys: [DKIMKey] = switch which {
        case "rsa": [Self.keys.rsa]
        case "ed25519": [Self.keys.ed25519]
        default: [Self.keys.rsa, Self.keys.ed25519]
        }
        let results = try await verify(try signedMail(keys))
        #expect(results.count == keys.count)
        #expect(results.map(\.a) == keys.map(\.algorithm.rawValue))
        #expect(results.allSatisfy { $0.ok }, "\(results)")
    }

    @Test("non-ASCII names and a long link: verifies, and no header line passes 78 columns")
    func nonASCIIAndLongLink() async throws {
        let longURL = "https://accounts.example.org/" + String(repeating: "a-very-long-path-segment/", count: 8)
        let message = try signedMail([Self.keys.rsa, Self.keys.ed25519], first: "Zoë Ångström", last: "Ñúñez-Øster 山田",
                                     publicURL: longURL)
        let text = String(decoding: message, as: UTF8.self)
        #expect(text.contains("=?UTF-8?B?"), "the names are encoded words")
        let header = text.components(separatedBy: "\r\n\r\n")[0]
        let long = header.components(separatedBy: "\r\n").filter { $0.utf8.count > 78 }
        #expect(long.isEmpty, "\(long)")
        let results = try await verify(message)
        #expect(results.count == 2 && results.allSatisfy { $0.ok }, "\(results)")
    }

    @Test("a changed body fails verification")
    func changedBody() async throws {
        var message = try signedMail([Self.keys.rsa, Self.keys.ed25519])
        #expect(try await verify(message).allSatisfy { $0.ok }, "unchanged, it verifies")
        let text = String(decoding: message, as: UTF8.self)
        let link = try #require(text.range(of: "activate?token="))
        let offset = text.utf8.distance(from: text.startIndex, to: link.upperBound)
        // One character of the token in the text part changes.
        message[offset] = message[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let results = try await verify(message)
        #expect(results.count == 2)
        #expect(results.allSatisfy { !$0.ok && $0.error.contains("body hash mismatch") }, "\(results)")
    }

    @Test("a changed signed header, or a second From, fails verification",
          arguments: ["Subject", "To", "Date", "From", "Auto-Submitted"])
    func changedHeader(_ name: String) async throws {
        let message = try signedMail([Self.keys.rsa, Self.keys.ed25519])
        #expect(try await verify(message).allSatisfy { $0.ok }, "unchanged, it verifies")
        var text = String(decoding: message, as: UTF8.self)
        if name == "From" {
            // Over-signing: a From added above the original breaks the signature as well.
            let body = try #require(text.range(of: "\r\nDate: "))
            text.insert(contentsOf: "\r\nFrom: \"Support\" <help@attacker.example>", at: body.lowerBound)
        } else {
            let field = try #require(text.range(of: "\r\n\(name): "))
            text.insert(contentsOf: "X", at: field.upperBound)
        }
        let results = try await verify(Array(text.utf8))
        #expect(results.count == 2)
        // Not another refusal (a bad tag, a date): the signature itself does not verify.
        #expect(results.allSatisfy { !$0.ok && $0.error.isEmpty }, "\(results)")
    }

    @Test("an unsigned header may be added without breaking the signature (what relays do)")
    func unsignedHeaderAdded() async throws {
        let message = Array("Received: from localhost by relay.example; Fri, 15 Jan 2027 08:00:01 +0000\r\n".utf8)
            + (try signedMail([Self.keys.rsa]))
        let results = try await verify(message)
        #expect(results.count == 1 && results.allSatisfy { $0.ok }, "\(results)")
    }

    @Test("the DKIM-Signature field: h= over-signs From, relaxed/relaxed, lines of at most 78")
    func fieldShape() throws {
        let text = String(decoding: try signedMail([Self.keys.rsa]), as: UTF8.self)
        let field = try #require(text.components(separatedBy: "\r\nDate: ").first)
        let unfolded = field.replacingOccurrences(of: "\r\n", with: "")
        #expect(unfolded.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=rsa2026; t="))
        #expect(unfolded.contains(
            "h=from:from:to:subject:date:message-id:mime-version:content-type: auto-submitted;")
            || unfolded.contains("h=from:from:to:subject:date:message-id:mime-version:content-type:auto-submitted;"),
            "\(unfolded)")
        #expect(field.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("keys dkim: the key file is 0600 and never overwritten; the TXT strings are at most 255 bytes")
    func keysCommand() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("dkim.key")
        let first = KeysCommand.generateDKIM(domain: "example.org", selector: "s1", algorithm: "rsa", path: path)
        #expect(first.status == .ok)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        let line = try #require(first.output.split(separator: "\n").first { $0.contains(" IN TXT ") })
        #expect(line.hasPrefix("s1._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p="))
        let strings = line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.count == 2, "a 2048-bit key's record needs two strings")
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
        let again = KeysCommand.generateDKIM(domain: "example.org", selector: "s1", algorithm: "rsa", path: path)
        #expect(again.status == .cantCreate)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == pem, "the first key is untouched")
        #expect(KeysCommand.generateDKIM(domain: "exa mple.org", selector: "s1", algorithm: "rsa",
                                         path: directory.path("other")).status == .usage)
    }

    @Test("a key that is not of its algorithm, or too short, is refused with a reason")
    func badKeys() async throws {
        // An RSA key of 1024 bits, made by openssl: receivers no longer trust them (RFC 8301).
        let (status, short) = try await runProcess("/usr/bin/openssl", [
            "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
        ])
        #expect(status == 0 && short.contains("BEGIN PRIVATE KEY"))
        #expect(throws: DKIMKey.LoadError.self) {
            try DKIMKey(pem: short, algorithm: .rsaSHA256, domain: "example.org", selector: "s")
        }
        #expect(throws: DKIMKey.LoadError.self) {
            try DKIMKey(pem: Self.keys.ed25519.privateKeyPEM, algorithm: .rsaSHA256, domain: "example.org", selector: "s")
        }
        #expect(throws: DKIMKey.LoadError.self) {
            try DKIMKey(pem: Self.keys.rsa.privateKeyPEM, algorithm: .ed25519SHA256, domain: "example.org", selector: "s")
        }
        #expect(throws: DKIMKey.LoadError.self) {
            try DKIMKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", algorithm: .rsaSHA256,
                        domain: "example.org", selector: "s")
        }
    }
}
