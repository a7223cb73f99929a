public import Foundation

/// What an activation link shows of its account: the one reading of a link that the page
/// (`ActivationFlow`) and every store's `activate` share, in one order.
public enum LinkState: Sendable, Equatable {
    /// The link's nonce is not the account's (compared in constant time): a forged or stale link.
    case wrongLink
    /// The account is already active.
    case active
    /// Too many wrong passwords: no attempt is taken until then.
    case locked(until: Date)
    /// The account is pending and past its expiry.
    case expired
    /// The account is pending and may be activated.
    case ready
}

extension Account {
    /// What a link carrying `nonce` shows of this account at `now`: the nonce first (so that a
    /// wrong link learns nothing of the account), then active, locked (only with an
    /// `attemptLimit`: the page asks, a store's `activate` does not, as the password was checked
    /// before), expired, ready.
    public func linkState(nonce: Data, now: Date, attemptLimit: Int? = nil) -> LinkState {
        guard PasswordHasher.constantTimeEquals(Array(self.nonce), Array(nonce)) else { return .wrongLink }
        if state == .active { return .active }
        if let attemptLimit, let until = passwordAttempts.lockedUntil(limit: attemptLimit, at: now) {
            return .locked(until: until)
        }
        return isExpired(at: now) ? .expired : .ready
    }
}

extension ActivationResult {
    /// What an activation of `account` with `nonce` at `now` ends as without changing anything, or
    /// nil when the link is ready: the decision every store makes inside its transaction.
    public static func refusal(activating account: Account, nonce: Data, now: Date) -> ActivationResult? {
        switch account.linkState(nonce: nonce, now: now) {
        case .wrongLink: .nonceMismatch
        case .active: .alreadyActive(account)
        case .expired: .expired
        case .ready, .locked: nil
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
