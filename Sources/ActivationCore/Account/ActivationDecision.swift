public import Foundation

extension ActivationResult {
    /// What an activation of `account` with `nonce` at `now` ends as without changing anything, or
    /// nil when the account is pending, unexpired and the nonce is its own: the decision every store
    /// makes inside its transaction, made in one place.
    public static func refusal(activating account: Account, nonce: Data, now: Date) -> ActivationResult? {
        guard PasswordHasher.constantTimeEquals(Array(account.nonce), Array(nonce)) else { return .nonceMismatch }
        switch account.state {
        case .active: return .alreadyActive(account)
        case .pending where account.isExpired(at: now): return .expired
        case .pending: return nil
        }
    }
}

extension Account {
    /// The account as a store returns it once activated at `now`: active, its time at the stores'
    /// millisecond precision, its password attempts cleared.
    public func activated(at now: Date) -> Account {
        var account = self
        account.state = .active
        account.activatedAt = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded() / 1000)
        account.passwordAttempts = .unused
        return account
    }
}
