public import Synchronization

/// A value a reload (SIGHUP) replaces whole while the daemon runs: the page renderer, the mail
/// factory, the password-attempt limits, the log settings, a rate limit. A reader takes `current`
/// once and keeps what it took for the rest of its work (a page being rendered, a mail being
/// composed), so it never sees half of an old value beside half of a new one.
public final class Reloadable<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    /// Holds `value` until the first reload.
    public init(_ value: Value) {
        state = Mutex(value)
    }

    /// The value now.
    public var current: Value { state.withLock { $0 } }

    /// Puts a newly loaded value in place.
    public func replace(with value: Value) {
        state.withLock { $0 = value }
    }
}
