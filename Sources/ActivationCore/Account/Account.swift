public import Foundation

/// A stored account: a registration that was accepted, with its password hashed.
public struct Account: Sendable, Equatable, Identifiable {
    /// The account's id, also carried by its activation token.
    public var id: UUID
    /// The id of the registration record that created it.
    public var registrationID: UUID
    /// The username as typed.
    public var username: String
    /// First name.
    public var firstName: String
    /// Last name.
    public var lastName: String
    /// The email address.
    public var email: String
    /// The password as a PHC scrypt string; never the password itself.
    public var passwordHash: String
    /// The password protection phrase, shown on the activation page.
    public var passwordPhrase: Secret
    /// Language tag for pages and mail.
    public var locale: String
    /// Pending or active.
    public var state: AccountState
    /// The per-account random value every activation token for this account carries.
    public var nonce: Data
    /// When the registration was accepted.
    public var registeredAt: Date
    /// When a pending account expires: `registeredAt` + the activation lifetime.
    public var expiresAt: Date
    /// When the account was activated.
    public var activatedAt: Date?
    /// When the reminder mail was queued, if it was.
    public var remindedAt: Date?
    /// The password checks made through the activation link in the current window.
    public var passwordAttempts: PasswordAttempts

    /// Creates an account.
    public init(
        id: UUID, registrationID: UUID, username: String, firstName: String, lastName: String,
        email: String, passwordHash: String, passwordPhrase: Secret, locale: String,
        state: AccountState, nonce: Data, registeredAt: Date, expiresAt: Date,
        activatedAt: Date? = nil, remindedAt: Date? = nil, passwordAttempts: PasswordAttempts = .unused
    ) {
        self.id = id
        self.registrationID = registrationID
        self.username = username
        self.firstName = firstName
        self.lastName = lastName
        self.email = email
        self.passwordHash = passwordHash
        self.passwordPhrase = passwordPhrase
        self.locale = locale
        self.state = state
        self.nonce = nonce
        self.registeredAt = registeredAt
        self.expiresAt = expiresAt
        self.activatedAt = activatedAt
        self.remindedAt = remindedAt
        self.passwordAttempts = passwordAttempts
    }

    /// A new pending account for an accepted registration.
    ///
    /// - Parameters:
    ///   - registration: the checked registration.
    ///   - passwordHash: its password, already hashed (hashing is slow and runs off the caller's thread).
    ///   - now: when the registration is accepted.
    ///   - lifetime: how long the activation link lives.
    public static func pending(
        from registration: Registration, passwordHash: String, now: Date, lifetime: Duration,
        id: UUID = UUID(), nonce: Data = ActivationToken.makeNonce()
    ) -> Account {
        Account(
            id: id, registrationID: registration.id, username: registration.username,
            firstName: registration.firstName, lastName: registration.lastName,
            email: registration.email, passwordHash: passwordHash,
            passwordPhrase: registration.passwordPhrase, locale: registration.locale,
            state: .pending, nonce: nonce, registeredAt: now,
            expiresAt: now.addingTimeInterval(lifetime.timeInterval))
    }

    /// The username folded for uniqueness.
    public var usernameKey: String { Registration.usernameKey(username) }
    /// The email folded for comparison.
    public var emailKey: String { Registration.emailKey(email) }

    /// Whether the activation link of this account is past its expiry at `now`.
    public func isExpired(at now: Date) -> Bool { now >= expiresAt }
}
