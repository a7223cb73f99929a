import Foundation
import Testing
@testable import ActivationCore

@Suite("KeyRing")
struct KeyRingTests {
    static func secret(_ fill: UInt8, count: Int = 32) -> String {
        Data((0..<count).map { fill &+ UInt8($0) }).base64EncodedString()
    }

    static let secretA = secret(0x10)
    static let secretB = secret(0x60)

    static func parseError(_ text: String) -> KeyRing.ParseError? {
        do {
            _ = try KeyRing(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test("comments and blank lines are skipped; the first key signs")
    func parsing() throws {
        let text = """
            # activationd signing keys

              # new key, signs
            k2027 \(Self.secretB)

            k2026\t\(Self.secretA)
            """
        let ring = try KeyRing(parsing: text + "\n")
        #expect(ring.keys.map(\.id) == ["k2027", "k2026"])
        #expect(ring.signingKey.id == "k2027")
        #expect(ring.key(id: "k2026")?.id == "k2026")
        #expect(ring.key(id: "k2028") == nil)

        let token = ActivationToken.sign(accountID: UUID(), expiresAt: .distantFuture,
                                         nonce: ActivationToken.makeNonce(), keys: ring)
        #expect(try ActivationToken.verify(token, keys: ring, now: .now).keyID == "k2027")
        // The parsed secret is the one in the file: a ring built from the bytes verifies the token.
        let bytes = try #require(Data(base64Encoded: Self.secretB))
        let built = try KeyRing(keys: [try #require(SigningKey(id: "k2027", secret: Array(bytes)))])
        #expect(try ActivationToken.verify(token, keys: built, now: .now).keyID == "k2027")
    }

    @Test("surrounding spaces and CRLF line ends are tolerated")
    func lenientWhitespace() throws {
        let ring = try KeyRing(parsing: "  k1   \(Self.secretA)  \r\n# c\r\n\r\nk2 \(Self.secretB)\r\n")
        #expect(ring.keys.map(\.id) == ["k1", "k2"])
        let error = try #require(Self.parseError("# c\r\n\r\nbad-id \(Self.secretA)\r\n"))
        #expect(error.line == 3)
    }

    @Test("a bad line is refused with its number, never quoting a secret", arguments: [
        ("\(secretA)\n", 1),                                   // one field: the secret alone
        ("k1 \(secretA)\n\nk2\n", 3),                          // one field: the id alone
        ("k1 \(secretA) extra\n", 1),                          // three fields
        ("# keys\nbad-id \(secretA)\n", 2),                    // punctuation in the id
        ("k1 \(secretA)\nabcdefghi \(secretB)\n", 2),          // a 9-character id
        ("ké \(secretA)\n", 1),                                // a non-ASCII id
        ("k1 \(secretA)\nk2 \(secretB.dropLast(2))*!\n", 2),   // bad base64
        ("k1 \(secretA.dropLast())\n", 1),                     // base64 without its padding
        ("\n\nk1 \(secret(0x30, count: 31))\n", 3),            // a 31-byte secret
        ("k1 \(secretA)\n# again\nk1 \(secretB)\n", 3),        // a duplicate id
    ])
    func badLine(text: String, line: Int) throws {
        let error = try #require(Self.parseError(text))
        #expect(error.line == line)
        #expect(error.description.hasPrefix("line \(line): "))
        for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) where field.count >= 16 {
            #expect(!error.description.contains(field), "the description quotes \(field)")
            #expect(!error.description.contains(field.prefix(12)))
        }
    }

    @Test("a file without keys is refused", arguments: ["", "\n\n", "# only a comment\n", "   \n\t\n"])
    func empty(text: String) throws {
        let error = try #require(Self.parseError(text))
        #expect(error.line == 0)
        #expect(error.description == "no keys")
    }

    @Test("a ring built from keys needs one key and unique ids")
    func builtRing() throws {
        let a = try #require(SigningKey(id: "a", secret: Array(repeating: 1, count: 32)))
        let b = try #require(SigningKey(id: "a", secret: Array(repeating: 2, count: 32)))
        #expect(throws: KeyRing.ParseError.self) { try KeyRing(keys: []) }
        #expect(throws: KeyRing.ParseError.self) { try KeyRing(keys: [a, b]) }
        #expect(try KeyRing(keys: [a]).signingKey.id == "a")
    }

    @Test("a signing key needs a valid id and at least 32 bytes of secret")
    func signingKey() throws {
        #expect(SigningKey(id: "k1", secret: Array(repeating: 1, count: 31)) == nil)
        #expect(SigningKey(id: "k1", secret: Array(repeating: 1, count: 32)) != nil)
        #expect(SigningKey(id: "k1", secret: Array(repeating: 1, count: 64)) != nil)
        for id in ["", "abcdefghi", "k-1", "k 1", "ké", "k_1"] {
            #expect(SigningKey(id: id, secret: Array(repeating: 1, count: 32)) == nil, "\(id)")
        }
        let key = try #require(SigningKey(id: "k1", secret: Array(repeating: 0x41, count: 32)))
        #expect(key.description == "key k1")
        #expect(!"\(key)".contains("AAAA"))
    }

    @Test("a generated key is a keys-file line that parses back to the same key")
    func generate() throws {
        let (key, line) = SigningKey.generate()
        #expect(key.id.count == 8)
        #expect(SigningKey.isValidID(key.id))
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix(key.id + " "))
        #expect(!key.description.contains(line.dropFirst(9)))
        let ring = try KeyRing(parsing: line + "\n")
        #expect(ring.keys.map(\.id) == [key.id])
        // Same secret: a token signed with the generated key verifies with the parsed ring.
        let token = ActivationToken.sign(accountID: UUID(), expiresAt: .distantFuture,
                                         nonce: ActivationToken.makeNonce(), keys: try KeyRing(keys: [key]))
        #expect(try ActivationToken.verify(token, keys: ring, now: .now).keyID == key.id)
        let secret = try #require(Data(base64Encoded: String(line.dropFirst(9))))
        #expect(secret.count == 32)

        let other = SigningKey.generate()
        #expect(other.line != line)
        #expect(other.key.id != key.id)
    }
}
