public import Foundation
import Crypto

/// What an activation link carries: which account, until when, and the account's nonce, signed
/// with HMAC-SHA256 under a key named by its id.
///
/// Wire form (base64url, no padding, at most 110 characters):
/// `version(1) | keyIDLength(1) | keyID(1–8) | accountID(16) | expiresAt(8, Unix seconds, big-endian)
/// | nonce(16) | HMAC-SHA256 of everything before (32)`.
public struct ActivationToken: Sendable, Equatable {
    /// The key that signed the token.
    public var keyID: String
    /// The account to activate.
    public var accountID: UUID
    /// When the link stops working (whole seconds).
    public var expiresAt: Date
    /// The account's nonce; a token for another nonce does not activate the account.
    public var nonce: Data

    /// The wire format's version byte.
    public static let version: UInt8 = 1
    /// Nonce length in bytes.
    public static let nonceLength = 16
    /// Longest token string accepted; anything longer is refused before decoding.
    public static let maximalLength = 128
    private static let macLength = 32

    /// Creates a token's contents.
    public init(keyID: String, accountID: UUID, expiresAt: Date, nonce: Data) {
        self.keyID = keyID
        self.accountID = accountID
        self.expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
        self.nonce = nonce
    }

    /// A fresh random nonce for a new account.
    public static func makeNonce() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<nonceLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The signed, URL-safe token string for `accountID`, signed with the ring's first key.
    public static func sign(accountID: UUID, expiresAt: Date, nonce: Data, keys: KeyRing) -> String {
        precondition(nonce.count == nonceLength, "an account nonce is \(nonceLength) bytes")
        let key = keys.signingKey
        let token = ActivationToken(keyID: key.id, accountID: accountID, expiresAt: expiresAt, nonce: nonce)
        var bytes = token.payload
        var mac = key.keyedHMAC
        mac.update(data: bytes)
        mac.finalize().withUnsafeBytes { bytes.append(contentsOf: $0) }
        return Base64URL.encode(bytes)
    }

    /// Verifies `text` and returns what it carries.
    ///
    /// The signature is checked in constant time before anything else is trusted; only a token
    /// with a valid signature can be reported as `expired` (with its contents, so a page can offer
    /// to resend the link).
    public static func verify(_ text: String, keys: KeyRing, now: Date) throws(TokenError) -> ActivationToken {
        let minimal = 2 + 1 + 16 + 8 + nonceLength + macLength
        guard text.utf8.count <= maximalLength, let bytes = Base64URL.decode(text), bytes.count >= minimal
        else { throw TokenError(.malformed) }
        guard bytes[0] == version else { throw TokenError(.unsupportedVersion) }
        let idLength = Int(bytes[1])
        guard (1...8).contains(idLength), bytes.count == minimal - 1 + idLength else {
            throw TokenError(.malformed)
        }
        guard let keyID = String(bytes: bytes[2..<(2 + idLength)], encoding: .ascii),
              let key = keys.key(id: keyID)
        else { throw TokenError(.unknownKey) }

        let macStart = bytes.count - macLength
        guard HMAC<SHA256>.isValidAuthenticationCode(bytes[macStart...], authenticating: bytes[..<macStart],
                                                     using: key.key)
        else { throw TokenError(.badSignature) }

        var cursor = 2 + idLength
        let uuidBytes = Array(bytes[cursor..<(cursor + 16)])
        cursor += 16
        let seconds = bytes[cursor..<(cursor + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        cursor += 8
        let nonce = Data(bytes[cursor..<(cursor + nonceLength)])
        let accountID = uuidBytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
        let token = ActivationToken(keyID: keyID, accountID: accountID,
                                    expiresAt: Date(timeIntervalSince1970: TimeInterval(seconds)), nonce: nonce)
        guard now < token.expiresAt else { throw TokenError(.expired, expired: token) }
        return token
    }

    /// Everything that the MAC covers, in one buffer with room for the MAC that `sign` appends.
    private var payload: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 + keyID.utf8.count + 16 + 8 + nonce.count + Self.macLength)
        bytes.append(Self.version)
        bytes.append(UInt8(keyID.utf8.count))
        bytes.append(contentsOf: keyID.utf8)
        withUnsafeBytes(of: accountID.uuid) { bytes.append(contentsOf: $0) }
        let seconds = UInt64(max(0, expiresAt.timeIntervalSince1970))
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: seconds >> UInt64(shift)))
        }
        bytes.append(contentsOf: nonce)
        return bytes
    }
}

/// Why an activation token was refused. Its description names the reason, never the token.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reasons a token is refused.
    public enum Code: String, Sendable {
        /// Too long, not base64url, or the wrong length.
        case malformed
        /// A version byte this build does not know.
        case unsupportedVersion
        /// Signed with a key that is not (or no longer) in the keys file.
        case unknownKey
        /// The MAC does not match: the token was altered or forged.
        case badSignature
        /// Authentic, but past its expiry.
        case expired
    }

    /// The reason.
    public let code: Code
    /// For `expired` only: what the authentic token carried.
    public let expiredToken: ActivationToken?

    init(_ code: Code, expired: ActivationToken? = nil) {
        self.code = code
        self.expiredToken = expired
    }

    /// `activation token refused: <code>`.
    public var description: String { "activation token refused: \(code.rawValue)" }
}
