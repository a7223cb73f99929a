import Synchronization

/// The mail factory the courier renders with, replaced whole when the daemon reloads its
/// templates (SIGHUP): a mail already being composed keeps the factory it started with.
public final class MailFactorySource: Sendable {
    private let state: Mutex<MailFactory>

    /// A source holding `factory`.
    public init(_ factory: MailFactory) {
        state = Mutex(factory)
    }

    /// The factory for the next mail.
    public var current: MailFactory { state.withLock { $0 } }

    /// Puts a newly loaded factory in place.
    public func replace(with factory: MailFactory) {
        state.withLock { $0 = factory }
    }
}
