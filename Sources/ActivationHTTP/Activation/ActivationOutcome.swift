import ActivationCore
import Foundation

/// What an activation link (GET) or an activation attempt (POST) came to.
struct ActivationOutcome: Sendable {
    /// The outcome's kind; its raw value is the `outcome` label of the metrics and the JSON answer.
    enum Kind: String, CaseIterable, Sendable {
        /// GET only: the link is good and the account waits for the password (or the button).
        case ready
        case activated
        case alreadyActive = "already_active"
        case expired
        /// Malformed, forged, signed with an unknown key, or for another nonce.
        case invalid
        /// Authentic, but the account no longer exists (superseded or removed).
        case gone
        /// Authentic, but the account was removed because another account with its email address
        /// was activated.
        case replaced
        case wrongPassword = "wrong_password"
        /// The form came without a password (a scanner pressing the button): not counted as a guess.
        case missingPassword = "missing_password"
        case locked
    }

    var kind: Kind
    /// The account, when the link led to one.
    var account: Account?
    /// The verified token string, to put into the form again (ready, wrong or missing password).
    var token: String?
    /// Wrong passwords left before the lock.
    var attemptsLeft: Int?
    /// When the lock ends.
    var lockedUntil: Date?

    init(_ kind: Kind, account: Account? = nil, token: String? = nil, attemptsLeft: Int? = nil,
         lockedUntil: Date? = nil)
    {
        self.kind = kind
        self.account = account
        self.token = token
        self.attemptsLeft = attemptsLeft
        self.lockedUntil = lockedUntil
    }

    /// The status code, per docs/contracts.md, "HTTP routes".
    var status: HTTPStatusCode {
        switch kind {
        case .ready, .activated, .alreadyActive: 200
        case .expired, .gone, .replaced: 410
        case .invalid, .missingPassword: 400
        case .wrongPassword: 403
        case .locked: 429
        }
    }
}

/// A status code as a plain number, so that this file needs no HTTP types.
typealias HTTPStatusCode = Int
