import ActivationCore
import Crypto
import Foundation

/// Names a registration form the way the page recognises it again: which browser sent it (the
/// form cookie) and everything it says, the secrets included (a new password is a new
/// registration, not the same form sent again).
///
/// Everything is an HMAC-SHA256 under a key derived with HKDF from the first signing key (its own
/// `info`), so nothing here lets anyone who lacks the keys file test a guess: neither the
/// registration ids in the spool, the store and the logs, nor the fingerprints the store keeps of
/// used characters. The secrets are hashed here and never kept in clear.
///
/// A registration id made from a cookie is a version 4 UUID in two halves:
/// - bytes 0–7: the *owner tag*, from the cookie and the folded username only. The username API
///   recomputes it from the cookie it is sent, so it can tell the browser that made a pending
///   registration from everyone else (60 bits once the version nibble is set).
/// - bytes 8–15: from the cookie and the form's whole content (62 bits once the variant is set):
///   the same form from the same browser always has the same id, any other form another one.
struct FormIdentity: Sendable {
    /// HKDF's `info`: names what the derived key is for, and its version.
    static let info = "activationd register form v1"

    private let key: SymmetricKey

    /// Derives the identity key from `key` (the first signing key).
    init(key: SymmetricKey) {
        self.key = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(Self.info.utf8), outputByteCount: 32)
    }

    /// The registration id of `registration` sent from the browser holding `cookie`.
    func registrationID(cookie: String, registration: Registration) -> UUID {
        var bytes = ownerTag(cookie: cookie, username: registration.username)
        bytes += mac(["form", cookie, contentDigest(registration)]).prefix(8)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
    }

    /// Whether the registration `id` was made by the browser holding `cookie`, for `username`
    /// (case-insensitively): its owner tag is this cookie's for this name.
    func isOwned(_ id: UUID, cookie: String, username: String) -> Bool {
        var expected = ownerTag(cookie: cookie, username: username)
        expected[6] = (expected[6] & 0x0F) | 0x40
        let actual = withUnsafeBytes(of: id.uuid) { Array($0.prefix(8)) }
        return ChallengeSeal.constantTimeEqual(actual, expected)
    }

    /// What the store keeps of a form that used a challenge (`AccountStore.useChallenge`): the
    /// form's whole content and the cookie it came with (empty without one), so the same token is
    /// "the same form again" only from the same browser with the same content (item 3).
    func challengeFingerprint(cookie: String?, registration: Registration) -> String {
        mac(["use", cookie ?? "", contentDigest(registration)]).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The owner tag: eight bytes of the MAC over the cookie and the folded username.
    private func ownerTag(cookie: String, username: String) -> [UInt8] {
        Array(mac(["owner", cookie, Registration.usernameKey(username)]).prefix(8))
    }

    /// The form's content as the page names it: the content digest of the record (without id and
    /// time) and the three secrets, under the key.
    private func contentDigest(_ registration: Registration) -> String {
        let digest = mac([registration.formFingerprint, registration.password.value,
                          registration.confirmPassword.value, registration.passwordPhrase.value])
        return Base64URL.encode(digest)
    }

    /// HMAC-SHA256 over `fields`, each length-prefixed so that no two lists hash the same bytes.
    private func mac(_ fields: [String]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: key)
        for field in fields {
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hmac.update(data: Array($0)) }
            hmac.update(data: bytes)
        }
        return Array(hmac.finalize())
    }
}
