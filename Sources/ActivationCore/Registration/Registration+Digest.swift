import Crypto
public import Foundation

extension Registration {
    /// A SHA-256 digest (lowercase hex) of the record's content, stored with its registration id so
    /// that a record that reuses an id with different content (`id.reused`) can be told from the
    /// same record dropped again (a front retrying, a crash between commit and unlink).
    ///
    /// The secret fields (password, its confirmation, the phrase) are left out: a fast digest over
    /// them would sit in the store beside the scrypt hash as a cheap way to test guesses, and would
    /// outlive the account. Two records that differ only in those fields count as the same record.
    public var contentDigest: String {
        var hash = SHA256()
        let fields = [
            id.lowercasedText, "\(submittedAt.timeIntervalSince1970)", username, firstName, lastName, email,
            confirmEmail, acceptedConditions ? "true" : "false", locale,
        ]
        for field in fields {
            // Length-prefixed, so that no two different field lists hash the same bytes.
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hash.update(bufferPointer: $0) }
            hash.update(data: bytes)
        }
        return hash.finalize().map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }

    /// The content digest without the submission time: what the registration form's challenge
    /// remembers, so that the same form sent twice is recognised although each POST is a new moment.
    public var formFingerprint: String {
        var registration = self
        registration.submittedAt = Date(timeIntervalSince1970: 0)
        return registration.contentDigest
    }
}
