/// One reason a registration record is not acceptable: the field it concerns, a stable code
/// (`username.length`, `password.digit`, …) and a message for a person.
///
/// Messages never quote the offending value: a record may hold a password in any field.
public struct RegistrationProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The record field, or `record` for problems with the record as a whole.
    public let field: String
    /// The stable code, `<field>.<reason>`.
    public let code: String
    /// A sentence for a person.
    public let message: String

    /// Creates a problem.
    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension RegistrationProblem {
    /// The username is already used by a pending or active account.
    public static let usernameTaken = RegistrationProblem(
        field: "username", code: "username.taken",
        message: "This username is already in use; choose another one.")
    /// The email address belongs to an active account.
    public static let emailTaken = RegistrationProblem(
        field: "email", code: "email.taken",
        message: "An active account already uses this email address.")
}

extension RegistrationProblem {
    /// The registration id was stored before for a record with different content: a front that
    /// reuses ids would otherwise lose this registration silently as a duplicate.
    public static let idReused = RegistrationProblem(
        field: "id", code: "id.reused",
        message: "This registration id was used before for a different registration; a new registration needs a new id.")
}
