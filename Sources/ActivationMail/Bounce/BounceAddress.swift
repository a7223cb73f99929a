public import ActivationCore
import Crypto
public import Foundation

/// The envelope sender that names its outbox row (VERP): `bounce+<token>@example.org` for
/// `bounces.address: bounce@example.org`. A delivery status notification comes back to the
/// envelope sender, so the address it is delivered to says which row bounced, whatever the
/// remote server quoted of the message.
///
/// The token is signed (`BounceToken`): the row id alone is also the mail's Message-ID, and
/// anyone who had seen it could otherwise mark the mail bounced.
public struct BounceAddress: Sendable {
    /// The local part before `+` (`bounce`).
    public let localPart: String
    /// The domain (`example.org`).
    public let domain: String
    /// Signs and checks the token after `+`.
    public let tokens: BounceToken

    /// Parses `bounces.address`: a plain address whose local part has no `+` (the separator) and
    /// leaves room for the 33 characters of `+` and the token within the 64 of a local part.
    /// Tokens are signed with a key derived from each key of `keys` (the first signs).
    public init?(parsing text: String, keys: KeyRing) {
        guard EmailAddress.isValid(text), let at = text.lastIndex(of: "@") else { return nil }
        let local = String(text[..<at])
        guard !local.isEmpty, !local.contains("+"), !local.contains("\""),
              local.utf8.count + 1 + BounceToken.length <= 64
        else {
            return nil
        }
        localPart = local
        domain = String(text[text.index(after: at)...])
        tokens = BounceToken(keys: keys)
    }

    /// The envelope sender of the mail of outbox row `rowID`.
    public func address(for rowID: UUID) -> String {
        "\(localPart)+\(tokens.token(for: rowID))@\(domain)"
    }
}

/// The VERP token of a bounce address: the outbox row's id in base32 (26 characters) and 6
/// characters (30 bits) of HMAC-SHA256 over it, 32 characters of `a-z2-7` in all, so that it
/// survives a mail system that folds the case of local parts.
///
/// The MAC key is derived with HKDF-SHA256 from each signing key (its own `info`, never the key
/// that signs activation links); the first key signs, every key verifies, so a rotation keeps
/// the bounces of mail already sent. 30 bits are enough against guessing: each guess is a mail
/// delivered to our bounce mailbox, about 5·10⁸ of them for one row, and one forged row only
/// stops the mail of one account.
public struct BounceToken: Sendable {
    /// HKDF's `info`: what the derived key is for, and its version.
    static let info = "activationd bounce token v1"
    /// Characters of a token.
    public static let length = 32
    static let idLength = 26
    static let macLength = 6
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    private let keys: [SymmetricKey]

    /// What a token said.
    public enum Verdict: Sendable, Equatable {
        /// Signed by one of our keys: the row it names.
        case authentic(UUID)
        /// The unsigned form of versions before signed tokens (the row id in 32 hexadecimal
        /// digits): refused, since anyone who has seen the mail's Message-ID can write it.
        case unsigned
        /// Not a token of ours (a wrong MAC, a wrong length or alphabet).
        case invalid
    }

    /// Derives one MAC key from each key of `keys`.
    public init(keys: KeyRing) {
        self.keys = keys.keys.map {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: $0.derivationKey, info: Data(Self.info.utf8), outputByteCount: 32)
        }
    }

    /// The token for `rowID`, signed with the first key.
    public func token(for rowID: UUID) -> String {
        Self.token(for: rowID, key: keys[0])
    }

    /// Checks `token` (any case): the row it names when one of our keys signed it.
    public func verify(_ token: String) -> Verdict {
        let lowered = Array(token.lowercased().utf8)
        let unsigned = lowered.count == 32 && lowered.allSatisfy { Self.isHexDigit($0) }
        guard lowered.count == Self.length, let rowID = Self.decodeID(lowered.prefix(Self.idLength)) else {
            return unsigned ? .unsigned : .invalid
        }
        var matched = false
        for key in keys {
            // Every key is tried, and the comparison runs over every byte: the time taken says
            // nothing about how much of a guess was right.
            let expected = Array(Self.token(for: rowID, key: key).utf8)
            var difference: UInt8 = 0
            for (left, right) in zip(expected, lowered) { difference |= left ^ right }
            matched = matched || difference == 0
        }
        return matched ? .authentic(rowID) : unsigned ? .unsigned : .invalid
    }

    static func token(for rowID: UUID, key: SymmetricKey) -> String {
        let id = withUnsafeBytes(of: rowID.uuid) { Array($0) }
        let mac = Array(HMAC<SHA256>.authenticationCode(for: id, using: key))
        let encodedID = encode(id, characters: idLength)
        let encodedMAC = encode(Array(mac.prefix(4)), characters: macLength)
        return String(decoding: encodedID + encodedMAC, as: UTF8.self)
    }

    /// The first `characters` base32 digits of `bytes` (zero bits after the end).
    static func encode(_ bytes: [UInt8], characters: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var index = 0
        while out.count < characters {
            if bits < 5 {
                buffer = (buffer << 8) | UInt32(index < bytes.count ? bytes[index] : 0)
                index += 1
                bits += 8
            }
            bits -= 5
            out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
        }
        return out
    }

    /// The 16 bytes of 26 base32 digits whose two last bits are zero (one spelling per id).
    static func decodeID(_ digits: ArraySlice<UInt8>) -> UUID? {
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for digit in digits {
            guard let value = alphabet.firstIndex(of: digit) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        guard bytes.count == 16, bits == 2, buffer & 0b11 == 0 else { return nil }
        return bytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }
}
