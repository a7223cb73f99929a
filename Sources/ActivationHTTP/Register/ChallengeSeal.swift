import ActivationCore
package import Crypto
package import Foundation

/// What a registration challenge's form token carries: the answer, a one-time id, and an expiry.
struct ChallengeContents: Sendable, Equatable {
    /// The characters drawn in the image, upper case.
    var answer: String
    /// Names this challenge once: the store will remember used ids until they expire, so a
    /// solved token cannot be posted twice.
    var id: UUID
    /// When the challenge stops being accepted (whole seconds).
    var expiresAt: Date

    init(answer: String, id: UUID, expiresAt: Date) {
        self.answer = answer
        self.id = id
        self.expiresAt = Date(timeIntervalSince1970: expiresAt.timeIntervalSince1970.rounded(.down))
    }
}

/// Seals a challenge into the registration form's token, and opens and checks it when the form
/// comes back.
///
/// The server keeps no state between drawing the challenge and checking it: the answer travels
/// in the form, encrypted and authenticated with ChaCha20-Poly1305, so the page's markup never
/// holds it in clear and a changed token is refused. The AEAD key is derived with HKDF-SHA256
/// from the key given (with its own `info`), so it is never the same key as any other use of
/// that secret.
///
/// Wire form (base64url, no padding): `version(1) | nonce(12) | ciphertext(32) | tag(16)`, the
/// version byte authenticated as associated data. The plaintext is
/// `id(16) | expiresAt(8, Unix seconds, big-endian) | answerLength(1) | answer padded with zeros to 7`,
/// so every token has the same length whatever the answer's length.
package struct ChallengeSeal: Sendable {
    /// The wire format's version byte.
    static let version: UInt8 = 1
    /// HKDF's `info`: names what the derived key is for, and its version.
    static let info = "activationd register challenge v1"
    /// How long a person has to fill in the form.
    package static let defaultLifetime: Duration = .seconds(20 * 60)
    /// Room for the answer in the plaintext; answers are shorter and zero-padded.
    static let answerRoom = 7
    /// Longest typed answer looked at; anything longer is wrong without being normalized.
    static let maximalTypedLength = 64
    private static let plaintextLength = 16 + 8 + 1 + answerRoom
    private static let tokenLength = 1 + 12 + plaintextLength + 16

    private let key: SymmetricKey

    /// Derives the sealing key from `key`.
    package init(key: SymmetricKey) {
        self.key = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(Self.info.utf8), outputByteCount: 32)
    }

    /// The token for `answer`, valid from `now` for `lifetime`.
    ///
    /// Only the characters of `ChallengeAlphabet` fit (they are ASCII); anything else is a
    /// programming error, thrown rather than sealed.
    package func seal(answer: String, id: UUID = UUID(), now: Date,
              lifetime: Duration = ChallengeSeal.defaultLifetime) throws -> String {
        let contents = ChallengeContents(answer: answer, id: id,
                                         expiresAt: now.addingTimeInterval(TimeInterval(lifetime.components.seconds)))
        return try seal(contents)
    }

    /// The token for `contents`.
    func seal(_ contents: ChallengeContents) throws -> String {
        let answer = Array(contents.answer.utf8)
        guard (1...Self.answerRoom).contains(answer.count), contents.answer.allSatisfy(ChallengeAlphabet.contains)
        else { throw ChallengeError(.malformed) }
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(Self.plaintextLength)
        withUnsafeBytes(of: contents.id.uuid) { plaintext.append(contentsOf: $0) }
        let seconds = UInt64(max(0, contents.expiresAt.timeIntervalSince1970))
        for shift in stride(from: 56, through: 0, by: -8) {
            plaintext.append(UInt8(truncatingIfNeeded: seconds >> UInt64(shift)))
        }
        plaintext.append(UInt8(answer.count))
        plaintext.append(contentsOf: answer)
        plaintext.append(contentsOf: repeatElement(0, count: Self.answerRoom - answer.count))

        let box = try ChaChaPoly.seal(plaintext, using: key, authenticating: [Self.version])
        var token: [UInt8] = [Self.version]
        token.append(contentsOf: box.combined)
        return Base64URL.encode(token)
    }

    /// Opens `token` and returns what it carries.
    ///
    /// The tag is checked before anything inside is trusted, so a changed token and one sealed
    /// under another key are both `tampered`; only an authentic token can be `expired`.
    func open(_ token: String, now: Date) throws(ChallengeError) -> ChallengeContents {
        guard token.utf8.count <= (Self.tokenLength * 4 + 2) / 3, let bytes = Base64URL.decode(token),
              bytes.count == Self.tokenLength, bytes[0] == Self.version
        else { throw ChallengeError(.malformed) }
        let plaintext: [UInt8]
        do {
            let box = try ChaChaPoly.SealedBox(combined: bytes[1...])
            plaintext = Array(try ChaChaPoly.open(box, using: key, authenticating: [Self.version]))
        } catch {
            throw ChallengeError(.tampered)
        }
        guard plaintext.count == Self.plaintextLength else { throw ChallengeError(.malformed) }
        let id = Array(plaintext[0..<16]).withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
        let seconds = plaintext[16..<24].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let length = Int(plaintext[24])
        guard (1...Self.answerRoom).contains(length),
              let answer = String(bytes: plaintext[25..<(25 + length)], encoding: .ascii)
        else { throw ChallengeError(.malformed) }
        let contents = ChallengeContents(answer: answer, id: id,
                                         expiresAt: Date(timeIntervalSince1970: TimeInterval(seconds)))
        guard now < contents.expiresAt else { throw ChallengeError(.expired) }
        return contents
    }

    /// Opens `token` and compares `typed` with its answer; returns the contents (for the one-time
    /// id) when they match.
    ///
    /// `typed` is trimmed and upper-cased, then compared in constant time over the normalized
    /// bytes, so the time taken says nothing about how many characters were right.
    func check(_ token: String, typed: String, now: Date) throws(ChallengeError) -> ChallengeContents {
        let contents = try open(token, now: now)
        let expected = Array(contents.answer.utf8)
        var given: [UInt8] = []
        if typed.utf8.count <= Self.maximalTypedLength {
            given = Array(typed.trimmingCharacters(in: .whitespacesAndNewlines).uppercased().utf8)
        }
        guard Self.constantTimeEqual(given, expected) else { throw ChallengeError(.wrongAnswer) }
        return contents
    }

    /// Equal bytes, with one pass over the longer array whatever the first difference.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? a[index] : 0
            let right = index < b.count ? b[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}

/// Why a challenge was refused. Its description names the reason, never the token or the answer.
struct ChallengeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reasons a challenge is refused.
    enum Code: String, Sendable {
        /// Not base64url, the wrong length, or an unknown version.
        case malformed
        /// The tag does not match: changed, forged, or sealed under another key.
        case tampered
        /// Authentic, but past its expiry.
        case expired
        /// Authentic and current, but the typed characters are not the answer.
        case wrongAnswer = "wrong_answer"
    }

    /// The reason.
    let code: Code

    init(_ code: Code) {
        self.code = code
    }

    /// `challenge refused: <code>`.
    var description: String { "challenge refused: \(code.rawValue)" }
}
