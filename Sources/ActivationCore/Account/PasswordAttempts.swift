public import Foundation

/// The password checks made through one account's activation link, as the store counts them.
///
/// A check is counted *before* its scrypt hash is computed (`AccountStore.reservePasswordAttempt`),
/// in one atomic statement, so the limit holds across concurrent requests, restarts and hosts.
/// A window opens with the first check and lasts the lockout duration; the check that reaches the
/// limit starts the lock, which lasts the lockout duration from that check. A correct password
/// counts like any other (it was reserved before anyone knew), and activation clears the count.
///
/// ```
/// count 0 ──check──▶ 1 … limit-1 ──check──▶ limit (locked until resetAt)
///    ▲                     │                          │
///    └──── resetAt passes ─┴──────────────────────────┘
/// ```
public struct PasswordAttempts: Sendable, Equatable {
    /// Checks made in the current window.
    public var count: Int
    /// When the count starts again at zero: the window's end, or once the limit is reached, the
    /// lock's end. Nil before the first check.
    public var resetAt: Date?

    /// No check made.
    public static let unused = PasswordAttempts(count: 0, resetAt: nil)

    /// Creates a count.
    public init(count: Int, resetAt: Date?) {
        self.count = count
        self.resetAt = resetAt
    }

    /// Until when the link is locked at `now` under `limit` checks per window; nil if it is not.
    public func lockedUntil(limit: Int, at now: Date) -> Date? {
        guard count >= limit, let resetAt, resetAt > now else { return nil }
        return resetAt
    }
}

/// What `AccountStore.reservePasswordAttempt` did.
public enum PasswordAttemptReservation: Sendable, Equatable {
    /// One check is reserved and counted; these are the counts after it.
    case reserved(PasswordAttempts)
    /// The link is locked until then: no password may be checked, and nothing was counted.
    case locked(until: Date)
    /// The account is not pending (removed, or activated meanwhile); nothing was counted.
    case unavailable
}
