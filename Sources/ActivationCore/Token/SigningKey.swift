public import Foundation
package import Crypto

/// One HMAC-SHA256 key for activation tokens, as one line of the keys file: `<key-id> <base64 secret>`.
public struct SigningKey: Sendable, CustomStringConvertible {
    /// 1–8 ASCII letters and digits; carried in every token so the verifier knows which key to use.
    public let id: String
    let key: SymmetricKey
    /// HMAC-SHA256 already keyed with `key`: signing copies it rather than hashing the padded
    /// key again for every token (a tenth of the time to compose a mail). Copies share the hash
    /// state until one is updated, so the original is never changed.
    let keyedHMAC: HMAC<SHA256>

    /// Shortest secret accepted, in bytes.
    public static let minimalSecretLength = 32

    /// Creates a key from its id and secret bytes.
    public init?(id: String, secret: [UInt8]) {
        guard Self.isValidID(id), secret.count >= Self.minimalSecretLength else { return nil }
        self.id = id
        self.key = SymmetricKey(data: secret)
        self.keyedHMAC = HMAC<SHA256>(key: key)
    }

    /// A new random key with a random id, and its keys-file line.
    public static func generate() -> (key: SigningKey, line: String) {
        var generator = SystemRandomNumberGenerator()
        let idAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let id = String((0..<8).map { _ in idAlphabet.randomElement(using: &generator)! })
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return (SigningKey(id: id, secret: secret)!, "\(id) \(Data(secret).base64EncodedString())")
    }

    /// Whether `id` can name a key.
    public static func isValidID(_ id: String) -> Bool {
        (1...8).contains(id.utf8.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The secret as a key, for deriving other keys from it (the registration page's challenge
    /// seal, under HKDF with its own `info`); never used as it is for anything but activation tokens.
    package var derivationKey: SymmetricKey { key }

    /// `key <id>` — never the secret.
    public var description: String { "key \(id)" }
}
