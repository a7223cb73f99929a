public import Foundation

extension Registration {
    /// The registration as a version 1 spool record: what any front writes, and what
    /// `RegistrationDecoder.decode(_:)` reads back into an equal registration.
    ///
    /// The record holds the password and the phrase in clear, as the spool contract has it
    /// (docs/contracts.md, "Spool records": the spool is the intake's private queue, mode 0640,
    /// emptied as it is read). Keys are sorted, so the same registration always makes the same bytes.
    public func spoolRecord() throws -> Data {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let record: [String: Any] = [
            "version": 1, "id": id.lowercasedText, "submittedAt": formatter.string(from: submittedAt),
            "username": username, "firstName": firstName, "lastName": lastName, "email": email,
            "confirmEmail": confirmEmail, "password": password.value, "confirmPassword": confirmPassword.value,
            "passwordPhrase": passwordPhrase.value, "acceptedConditions": acceptedConditions, "locale": locale,
        ]
        return try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
