import Foundation
import Testing
@testable import ActivationCore

@Suite("ActivationToken")
struct ActivationTokenTests {
    static func key(_ id: String, fill: UInt8 = 0x42) -> SigningKey {
        SigningKey(id: id, secret: (0..<32).map { fill &+ UInt8($0) })!
    }

    static func ring(_ keys: SigningKey...) -> KeyRing { try! KeyRing(keys: keys) }

    static let accountID = UUID(uuidString: "0B7A2E14-9C3D-4F6A-8E21-5D4C3B2A1F00")!
    static let nonce = Data((0..<16).map { UInt8($0 * 7 + 1) })
    static let expiresAt = Date(timeIntervalSince1970: 1_800_000_000)
    static let before = expiresAt.addingTimeInterval(-3600)
    static let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    static func sign(with keys: KeyRing, expiresAt: Date = expiresAt) -> String {
        ActivationToken.sign(accountID: accountID, expiresAt: expiresAt, nonce: nonce, keys: keys)
    }

    static func code(_ text: String, _ keys: KeyRing, now: Date = before) -> TokenError.Code? {
        do {
            _ = try ActivationToken.verify(text, keys: keys, now: now)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("a signed token verifies to what it carries, expiry to the whole second", arguments: ["k", "key2026", "abcd1234"])
    func roundTrip(keyID: String) throws {
        let keys = Self.ring(Self.key(keyID))
        let text = Self.sign(with: keys, expiresAt: Self.expiresAt.addingTimeInterval(0.75))
        let token = try ActivationToken.verify(text, keys: keys, now: Self.before)
        #expect(token.accountID == Self.accountID)
        #expect(token.expiresAt == Self.expiresAt)
        #expect(token.nonce == Self.nonce)
        #expect(token.keyID == keyID)
        #expect(token == ActivationToken(keyID: keyID, accountID: Self.accountID, expiresAt: Self.expiresAt, nonce: Self.nonce))
    }

    @Test("a token is URL-safe and at most 128 characters", arguments: ["k", "abcd1234"])
    func shape(keyID: String) {
        let text = Self.sign(with: Self.ring(Self.key(keyID)))
        #expect(text.count <= ActivationToken.maximalLength)
        #expect(ActivationToken.maximalLength == 128)
        #expect(text.allSatisfy(Self.alphabet.contains), "\(text)")
        #expect(text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) == text)
    }

    @Test("tokens differ with the nonce, the account and the expiry")
    func distinct() {
        let keys = Self.ring(Self.key("k1"))
        let base = Self.sign(with: keys)
        #expect(ActivationToken.sign(accountID: Self.accountID, expiresAt: Self.expiresAt,
                                     nonce: ActivationToken.makeNonce(), keys: keys) != base)
        #expect(ActivationToken.sign(accountID: UUID(), expiresAt: Self.expiresAt, nonce: Self.nonce, keys: keys) != base)
        #expect(Self.sign(with: keys, expiresAt: Self.expiresAt.addingTimeInterval(1)) != base)
        #expect(Self.sign(with: keys) == base, "signing is deterministic")
    }

    @Test("every single-character change of a token is refused", arguments: ["k", "key2026", "abcd1234"])
    func singleCharacterChanges(keyID: String) {
        // A second key whose id differs in one character, to catch a key-id swap being accepted.
        let keys = Self.ring(Self.key(keyID), Self.key(String(keyID.dropLast()) + "Z", fill: 9))
        let text = Array(Self.sign(with: keys))
        var accepted: [String] = []
        var tried = 0
        for position in text.indices {
            for replacement in Self.alphabet where replacement != text[position] {
                var changed = text
                changed[position] = replacement
                tried += 1
                if Self.code(String(changed), keys) == nil { accepted.append(String(changed)) }
            }
        }
        #expect(tried == text.count * 63)
        #expect(accepted.isEmpty)
    }

    @Test("a key with the same id but another secret is badSignature")
    func wrongKey() {
        let text = Self.sign(with: Self.ring(Self.key("k1", fill: 1)))
        #expect(Self.code(text, Self.ring(Self.key("k1", fill: 2))) == .badSignature)
    }

    @Test("a key id not in the ring is unknownKey")
    func unknownKey() {
        let text = Self.sign(with: Self.ring(Self.key("k1")))
        #expect(Self.code(text, Self.ring(Self.key("k2"))) == .unknownKey)
        #expect(Self.code(text, Self.ring(Self.key("K1"))) == .unknownKey, "key ids are case-sensitive")
    }

    @Test("a rotated-out key verifies while listed, and not once removed")
    func rotation() throws {
        let old = Self.key("old", fill: 1), new = Self.key("new", fill: 2)
        let oldToken = Self.sign(with: Self.ring(old))
        let rotated = Self.ring(new, old)
        #expect(try ActivationToken.verify(oldToken, keys: rotated, now: Self.before).keyID == "old")
        let newToken = Self.sign(with: rotated)
        #expect(try ActivationToken.verify(newToken, keys: rotated, now: Self.before).keyID == "new")
        #expect(Self.code(newToken, Self.ring(old)) == .unknownKey)
        #expect(Self.code(oldToken, Self.ring(new)) == .unknownKey)
    }

    @Test("an authentic token is expired from its expiry on, and says for which account")
    func expired() throws {
        let keys = Self.ring(Self.key("k1"))
        let text = Self.sign(with: keys)
        #expect(try ActivationToken.verify(text, keys: keys, now: Self.expiresAt.addingTimeInterval(-0.001)).accountID
            == Self.accountID)
        for now in [Self.expiresAt, Self.expiresAt.addingTimeInterval(86_400 * 365)] {
            let error = #expect(throws: TokenError.self) { try ActivationToken.verify(text, keys: keys, now: now) }
            #expect(error?.code == .expired)
            #expect(error?.expiredToken?.accountID == Self.accountID)
            #expect(error?.expiredToken?.nonce == Self.nonce)
        }
    }

    @Test("an expired token signed with the wrong key is badSignature, not expired")
    func expiredForgery() {
        let text = Self.sign(with: Self.ring(Self.key("k1", fill: 1)))
        #expect(Self.code(text, Self.ring(Self.key("k1", fill: 2)), now: Self.expiresAt.addingTimeInterval(10)) == .badSignature)
    }

    @Test("a truncated token is malformed", arguments: ["k", "abcd1234"])
    func truncated(keyID: String) {
        let keys = Self.ring(Self.key(keyID))
        let text = Self.sign(with: keys)
        for cut in [String(text.dropLast()), String(text.dropLast(2)), String(text.dropLast(4)),
                    String(text.prefix(text.count / 2)), String(text.prefix(1))] {
            #expect(Self.code(cut, keys) == .malformed, "\(cut.count) characters")
        }
    }

    @Test("an oversized token is malformed")
    func oversized() {
        let keys = Self.ring(Self.key("abcd1234"))
        let text = Self.sign(with: keys)
        for padded in [text + String(repeating: "A", count: 129 - text.count), text + "AAAA",
                       String(repeating: text, count: 100)] {
            #expect(padded.count > 110)
            #expect(Self.code(padded, keys) == .malformed)
        }
    }

    @Test("text that is not base64url is malformed", arguments: [
        "", "%%%", "a b", "🙂", "====", "AAAA=", "A", "\u{0}", "AB+/", "ab\ncd",
    ])
    func garbage(text: String) {
        #expect(Self.code(text, Self.ring(Self.key("k1"))) == .malformed)
    }

    @Test("a token written with padding or the standard alphabet is malformed")
    func otherSpellings() {
        let keys = Self.ring(Self.key("abcd1234"))
        var text = Self.sign(with: keys)
        while !text.contains("-") && !text.contains("_") {
            text = ActivationToken.sign(accountID: UUID(), expiresAt: Self.expiresAt, nonce: ActivationToken.makeNonce(), keys: keys)
        }
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        #expect(Self.code(standard, keys) == .malformed)
        #expect(Self.code(text + "==", keys) == .malformed)
        #expect(Self.code(text, keys) == nil)
    }

    @Test("an unknown version byte is unsupportedVersion")
    func version() throws {
        let keys = Self.ring(Self.key("k1"))
        var bytes = try #require(Base64URL.decode(Self.sign(with: keys)))
        bytes[0] = 2
        #expect(Self.code(Base64URL.encode(bytes), keys) == .unsupportedVersion)
    }

    @Test("an error's description names the reason, never the token")
    func errorDescription() {
        let keys = Self.ring(Self.key("k1"))
        let text = Self.sign(with: keys)
        let cases: [(String, KeyRing, Date)] = [
            (text, keys, Self.expiresAt), (text, Self.ring(Self.key("k1", fill: 3)), Self.before),
            (text, Self.ring(Self.key("k2")), Self.before), (text + "A", keys, Self.before),
        ]
        for (token, ring, now) in cases {
            let error = #expect(throws: TokenError.self) { try ActivationToken.verify(token, keys: ring, now: now) }
            guard let error else { continue }
            #expect(error.description == "activation token refused: \(error.code.rawValue)")
            #expect(!String(describing: error).contains(text.prefix(20)))
            var dumped = ""
            dump(error, to: &dumped)
            #expect(!dumped.contains(text.prefix(20)))
        }
    }

    @Test("a fresh nonce is 16 random bytes")
    func nonce() {
        #expect(ActivationToken.makeNonce().count == 16)
        #expect(ActivationToken.makeNonce() != ActivationToken.makeNonce())
    }
}
