import Foundation
import Synchronization

/// How many password checks one activation link allows per window, and how long it then stays
/// locked (`http.password_attempts`, `http.lockout`); replaced in place by a reload.
///
/// The counts themselves live in the store (`AccountStore.reservePasswordAttempt`): kept in
/// memory, a restart unlocked a locked link, and concurrent guesses got past a lock about to close.
final class AttemptPolicy: Sendable {
    private let settings: Mutex<(attempts: Int, lockout: Duration)>

    init(attempts: Int, lockout: Duration) {
        settings = Mutex((max(1, attempts), lockout))
    }

    /// Checks allowed per window, at least 1.
    var attempts: Int { settings.withLock { $0.attempts } }
    /// The window, and the lock's length.
    var lockout: Duration { settings.withLock { $0.lockout } }

    /// Both limits, read together: a reload between two separate reads could pair the old limit
    /// with the new window.
    var current: (attempts: Int, lockout: Duration) { settings.withLock { $0 } }

    /// Changes the limits (a reload); counts already made stay in the store.
    func update(attempts: Int, lockout: Duration) {
        settings.withLock { $0 = (max(1, attempts), lockout) }
    }
}
