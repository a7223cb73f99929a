import ActivationCore
import Foundation
import NIOPosix

/// Checks passwords with scrypt on a NIO thread pool — never on Swift's cooperative pool, where
/// hundreds of milliseconds of blocking would stall every other request — after reserving the
/// check in the store, so that no more than the policy's attempts are ever hashed per window.
struct PasswordVerifier: Sendable {
    let pool: NIOThreadPool
    let store: any AccountStore
    let policy: AttemptPolicy

    /// What a check found.
    enum Verdict: Sendable {
        case correct
        case wrong(attemptsLeft: Int)
        /// Locked; `justNow` when this very guess closed the lock.
        case locked(until: Date, justNow: Bool)
        /// The account stopped being pending between reading it and reserving the check.
        case unavailable
    }

    /// Checks `password` for the link of `account`.
    ///
    /// The check is counted in the store first, in one atomic step; a link whose count is used up
    /// is answered as locked without hashing anything, whatever the number of concurrent requests,
    /// restarts or hosts.
    func verify(_ password: Secret, for account: Account, now: @escaping @Sendable () -> Date) async throws
        -> Verdict
    {
        let limits = policy.current
        let (limit, lockout) = (limits.attempts, limits.lockout)
        let attempts: PasswordAttempts
        switch try await store.reservePasswordAttempt(
            accountID: account.id, limit: limit, window: lockout, now: now())
        {
        case .reserved(let reserved): attempts = reserved
        case .locked(let until): return .locked(until: until, justNow: false)
        case .unavailable: return .unavailable
        }
        let hash = account.passwordHash
        if try await pool.runIfActive({ PasswordHasher.verify(password, against: hash) }) { return .correct }
        if attempts.count >= limit, let until = attempts.resetAt { return .locked(until: until, justNow: true) }
        return .wrong(attemptsLeft: max(1, limit - attempts.count))
    }
}
