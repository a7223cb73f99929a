import ActivationCore

/// The daemon's own event names (serve's lifecycle, configuration, the sweeper, the bounce
/// mailbox), beside Core's `EventName` and the intake's `IntakeLogEvent`.
public enum DaemonEvent: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Every part has said it is ready (`READY=1`); the listeners' addresses are in `http=` and
    /// `operator=`.
    case ready = "daemon.ready"
    /// `serve` stopped on SIGTERM or SIGINT after every part finished.
    case stopped = "daemon.stopped"
    /// A part of `serve` failed and the daemon stopped (exit 70).
    case failed = "daemon.failed"
    /// The store could not be opened, migrated or closed (exit 70).
    case storeFailed = "daemon.store_failed"
    /// At start, the PostgreSQL server could not be reached; retried with backoff.
    case storeUnreachable = "daemon.store_unreachable"
    /// At start, the PostgreSQL server was refused under the TLS rules (no TLS, unverified);
    /// nothing was sent, retried with backoff.
    case storeRefused = "daemon.store_refused"
    /// The store answers again after the watchdog found it unreachable.
    case storeReachable = "daemon.store_reachable"
    /// SIGHUP: the configuration was read again and applied.
    case reloaded = "daemon.reloaded"
    /// SIGHUP: the configuration could not be read or applied; the running one stays.
    case reloadFailed = "daemon.reload_failed"
    /// The configuration is valid but likely not what was meant (`warning=` says what).
    case configWarning = "config.warning"
    /// One sweep (reminders, expiries, rejected files, used challenges) finished.
    case sweepDone = "sweep.done"
    /// A sweep failed (the store); the next one comes at the next interval.
    case sweepFailed = "sweep.failed"
    /// The bounce mailbox was read and something was found.
    case bounceRead = "bounce.read"

    /// The name, as logged.
    public var description: String { rawValue }
}
