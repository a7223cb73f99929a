public import ActivationCore
import ActivationSpool
import AsyncAlgorithms
public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle

/// The periodic housekeeping: reminders before expiry, expiry of pending accounts (which frees
/// their usernames), and purges of old rejected spool files, finished mail and registration ids.
///
/// Untrusted: the names in `rejected/` (never followed, only unlinked by name).
public struct Sweeper: Service {
    /// What the sweeper is configured with.
    public struct Options: Sendable {
        /// How often a sweep runs.
        public var interval: Duration
        /// How long before expiry the reminder goes out.
        public var reminderBefore: Duration
        /// The activation lifetime; registration ids are kept for twice as long.
        public var lifetime: Duration
        /// The spool's `rejected/` directory, purged of files older than `rejectedRetention`.
        public var rejectedDirectory: String
        /// How long rejected spool files are kept (they may hold a password).
        public var rejectedRetention: Duration = .seconds(7 * 86_400)
        /// How long sent and cancelled mail stays in the outbox.
        public var finishedMailRetention: Duration = .seconds(30 * 86_400)
        /// Rows handled per store transaction.
        public var batchSize = 500

        /// Creates options.
        public init(interval: Duration, reminderBefore: Duration, lifetime: Duration, rejectedDirectory: String) {
            self.interval = interval
            self.reminderBefore = reminderBefore
            self.lifetime = lifetime
            self.rejectedDirectory = rejectedDirectory
        }
    }

    /// What one sweep did, or would do.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        /// Reminders queued.
        public var reminders = 0
        /// Pending accounts removed at expiry.
        public var expired = 0
        /// Outbox rows purged.
        public var purgedMail = 0
        /// Rejected spool files removed.
        public var purgedRejected = 0
        /// Expired registration challenge ids forgotten.
        public var purgedChallenges = 0

        /// `reminders=… expired=… purged_mail=… purged_rejected=… purged_challenges=…`.
        public var description: String {
            "reminders=\(reminders) expired=\(expired) purged_mail=\(purgedMail) purged_rejected=\(purgedRejected)"
                + " purged_challenges=\(purgedChallenges)"
        }
    }

    let store: any AccountStore
    let options: Options
    let logger: Logger
    let now: @Sendable () -> Date
    let afterSweep: @Sendable (Report) -> Void

    /// Creates a sweeper.
    ///
    /// - Parameters:
    ///   - now: the clock the sweeper reads; tests pass their own.
    ///   - afterSweep: called after each periodic sweep (the daemon pets the systemd watchdog there).
    /// `activationd_accounts_expired_total`: the funnel's last step on the dashboard.
    private let expiredCounter: Counter

    public init(store: any AccountStore, options: Options, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() },
                afterSweep: @escaping @Sendable (Report) -> Void = { _ in }) {
        expiredCounter = Counter(label: "activationd_accounts_expired_total")
        self.store = store
        self.options = options
        self.logger = logger
        self.now = now
        self.afterSweep = afterSweep
    }

    /// Sweeps every `interval` until graceful shutdown. A failed sweep is logged and retried at the
    /// next tick; it does not stop the daemon.
    public func run() async throws {
        for await _ in AsyncTimerSequence(interval: options.interval, clock: .continuous).cancelOnGracefulShutdown() {
            do {
                afterSweep(try await sweep())
            } catch {
                logger.error("sweep failed", metadata: [LogKey.event: "\(DaemonEvent.sweepFailed)", LogKey.error: "\(error)"])
            }
        }
    }

    /// Runs one sweep now.
    public func sweep() async throws -> Report {
        let now = now()
        var report = Report()
        while true {
            let batch = try await store.queueReminders(
                dueBy: now.addingTimeInterval(options.reminderBefore.timeInterval), now: now, limit: options.batchSize)
            for account in batch {
                logger.info("reminder queued", metadata: [LogKey.event: "\(EventName.reminderQueued)",
                                                          LogKey.account: "\(account.id.lowercasedText)"])
            }
            report.reminders += batch.count
            if batch.count < options.batchSize { break }
        }
        while true {
            let batch = try await store.expirePending(now: now, limit: options.batchSize)
            for account in batch {
                logger.info("account expired", metadata: [LogKey.event: "\(EventName.accountExpired)",
                                                          LogKey.account: "\(account.id.lowercasedText)"])
            }
            report.expired += batch.count
            // The funnel's last step (registered, mailed, activated, expired) on the dashboard.
            if !batch.isEmpty { expiredCounter.increment(by: batch.count) }
            if batch.count < options.batchSize { break }
        }
        let purged = try await store.purge(
            finishedBefore: now.addingTimeInterval(-options.finishedMailRetention.timeInterval),
            registrationsBefore: now.addingTimeInterval(-2 * options.lifetime.timeInterval))
        report.purgedMail = purged.outboxRows
        report.purgedChallenges = try await store.forgetChallenges(expiredBefore: now)
        report.purgedRejected = RejectedFiles.purge(in: options.rejectedDirectory,
                                                    olderThan: now.addingTimeInterval(-options.rejectedRetention.timeInterval),
                                                    dryRun: false)
        logger.info("sweep done", metadata: [LogKey.event: "\(DaemonEvent.sweepDone)", "reminders": "\(report.reminders)",
                                             "expired": "\(report.expired)", "purged_mail": "\(report.purgedMail)",
                                             "purged_rejected": "\(report.purgedRejected)",
                                             "purged_challenges": "\(report.purgedChallenges)"])
        return report
    }

    /// What `sweep()` would do now, changing nothing.
    public func preview() async throws -> Report {
        let now = now()
        let candidates = try await store.sweepCandidates(
            now: now, reminderDueBy: now.addingTimeInterval(options.reminderBefore.timeInterval),
            finishedBefore: now.addingTimeInterval(-options.finishedMailRetention.timeInterval))
        return Report(
            reminders: candidates.reminders, expired: candidates.expired, purgedMail: candidates.purgeableOutboxRows,
            purgedRejected: RejectedFiles.purge(in: options.rejectedDirectory,
                                                olderThan: now.addingTimeInterval(-options.rejectedRetention.timeInterval),
                                                dryRun: true))
    }
}
