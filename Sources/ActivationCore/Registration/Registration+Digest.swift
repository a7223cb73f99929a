import Crypto
public import Foundation

extension Registration {
    /// A SHA-256 digest (lowercase hex) of the record's content, stored with its registration id so
    /// that a record that reuses an id with different content (`id.reused`) can be told from the
    /// same record dropped again (a front retrying, a crash between commit and unlink, a form sent
    /// twice).
    ///
    /// The secret fields (password, its confirmation, the phrase) are left out: a fast digest over
    /// them would sit in the store beside the scrypt hash as a cheap way to test guesses, and would
    /// outlive the account. `submittedAt` is left out too: a front that sends the same registration
    /// again (the registration page, when a person goes Back and sends the form again) stamps a new
    /// time, and it is still the same registration. Two records that differ only in those fields
    /// count as the same record.
    public var contentDigest: String { digest(includingTime: false) }

    /// The digest as versions before the registration page stored it, with `submittedAt`: a stored
    /// digest equal to it names the same record too.
    public var legacyContentDigest: String { digest(includingTime: true) }

    /// Whether a record stored with digest `stored` is this same record (nil: stored before
    /// digests were kept, a plain duplicate).
    public func isSameRecord(storedDigest stored: String?) -> Bool {
        guard let stored else { return true }
        return stored == contentDigest || stored == legacyContentDigest
    }

    private func digest(includingTime: Bool) -> String {
        var hash = SHA256()
        var fields = [id.lowercasedText]
        if includingTime { fields.append("\(submittedAt.timeIntervalSince1970)") }
        fields += [username, firstName, lastName, email, confirmEmail, acceptedConditions ? "true" : "false", locale]
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

    /// What the registration page's challenge remembers of a form: its content digest without the
    /// registration id (which the page derives from the form), so the same form is recognised
    /// whichever id it is given.
    public var formFingerprint: String {
        var registration = self
        registration.id = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        return registration.contentDigest
    }
}
