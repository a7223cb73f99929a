import ActivationCore
import Foundation

/// How many password checks one activation link allows per window, and how long it then stays
/// locked (`http.password_attempts`, `http.lockout`); replaced whole by a reload, so that a check
/// never pairs the old limit with the new window.
///
/// The counts themselves live in the store (`AccountStore.reservePasswordAttempt`): kept in
/// memory, a restart unlocked a locked link, and concurrent guesses got past a lock about to close.
struct AttemptLimits: Sendable, Equatable {
    /// Checks allowed per window, at least 1.
    let attempts: Int
    /// The window, and the lock's length.
    let lockout: Duration

    init(attempts: Int, lockout: Duration) {
        self.attempts = max(1, attempts)
        self.lockout = lockout
    }
}

/// The limits in use; a reload replaces them (counts already made stay in the store).
typealias AttemptPolicy = Reloadable<AttemptLimits>
