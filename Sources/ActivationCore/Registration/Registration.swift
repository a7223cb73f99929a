public import Foundation

/// A registration as the web front writes it into the spool (record version 1).
///
/// Build one with `RegistrationDecoder.decode(_:)`, which enforces the record's shape, then check
/// it with `RegistrationRules.check(_:)`. The three secret fields are `Secret`s.
public struct Registration: Sendable, Equatable {
    /// The front's idempotency key for this registration (a UUID).
    public var id: UUID
    /// When the person pressed "Create My Account".
    public var submittedAt: Date
    /// The chosen username as typed.
    public var username: String
    /// First name.
    public var firstName: String
    /// Last name.
    public var lastName: String
    /// The email address.
    public var email: String
    /// The email address typed a second time.
    public var confirmEmail: String
    /// The chosen password.
    public var password: Secret
    /// The password typed a second time.
    public var confirmPassword: Secret
    /// The password protection phrase, shown back to the person when asked for the password.
    public var passwordPhrase: Secret
    /// Whether the conditions of use were accepted.
    public var acceptedConditions: Bool
    /// The language of the pages and mail, a BCP 47 tag; `en` when the record has none.
    public var locale: String

    /// Creates a registration.
    public init(
        id: UUID, submittedAt: Date, username: String, firstName: String, lastName: String,
        email: String, confirmEmail: String, password: Secret, confirmPassword: Secret,
        passwordPhrase: Secret, acceptedConditions: Bool, locale: String = "en"
    ) {
        self.id = id
        self.submittedAt = submittedAt
        self.username = username
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.confirmEmail = confirmEmail
        self.password = password
        self.confirmPassword = confirmPassword
        self.passwordPhrase = passwordPhrase
        self.acceptedConditions = acceptedConditions
        self.locale = locale
    }

    /// The username folded for uniqueness: usernames are compared case-insensitively.
    public var usernameKey: String { Registration.usernameKey(username) }

    /// The email folded for comparison: addresses are compared case-insensitively.
    public var emailKey: String { Registration.emailKey(email) }

    /// Folds a username for comparison.
    public static func usernameKey(_ username: String) -> String { username.lowercased() }

    /// Folds an email address for comparison.
    public static func emailKey(_ email: String) -> String { email.lowercased() }
}

extension Registration {
    /// The fields of a version 1 record, in the order docs/contracts.md ("Spool records") lists them.
    public static let fieldNames: [String] = [
        "version", "id", "submittedAt", "username", "firstName", "lastName", "email", "confirmEmail",
        "password", "confirmPassword", "passwordPhrase", "acceptedConditions", "locale",
    ]

    /// The largest record accepted, in bytes; a larger file is refused without being read whole.
    public static let maximalRecordSize = 64 * 1024

    /// The fields that hold a password, removed from a rejected record before it is kept.
    public static let passwordFieldNames: Set<String> = ["password", "confirmPassword"]
}
