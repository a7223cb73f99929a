import ActivationCore
import Foundation
import NIOPosix

/// Checks passwords with scrypt on a NIO thread pool — never on Swift's cooperative pool, where
/// hundreds of milliseconds of blocking would stall every other request — and applies the
/// per-link attempt limit around each check.
struct PasswordVerifier: Sendable {
    let pool: NIOThreadPool
    let limiter: AttemptLimiter

    /// What a check found.
    enum Verdict: Sendable {
        case correct
        case wrong(attemptsLeft: Int)
        /// Locked; `justNow` when this very guess closed the lock.
        case locked(until: Date, justNow: Bool)
    }

    /// Checks `password` for the link of `accountID`.
    ///
    /// The lock is checked and the failure recorded on the pool thread, right around the scrypt
    /// call: however many requests arrive at once, at most as many guesses as the pool has threads
    /// get past a lock that is about to close.
    func verify(_ password: Secret, against hash: String, link accountID: UUID,
                now: @escaping @Sendable () -> Date) async throws -> Verdict
    {
        try await pool.runIfActive { [limiter] in
            if let until = limiter.lockedUntil(accountID, now: now()) { return .locked(until: until, justNow: false) }
            if PasswordHasher.verify(password, against: hash) {
                limiter.recordSuccess(accountID)
                return .correct
            }
            switch limiter.recordFailure(accountID, now: now()) {
            case .success(let left): return .wrong(attemptsLeft: left)
            case .failure(let locked): return .locked(until: locked.date, justNow: true)
            }
        }
    }
}
