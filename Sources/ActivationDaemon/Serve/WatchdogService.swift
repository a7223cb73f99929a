import ActivationCore
import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Pets systemd's watchdog and keeps `systemctl status` current.
///
/// Each tick asks the store for its counts; `STATUS=` carries the queue depth and the age of the
/// oldest unsent mail. A store that does not answer (a database restarting or failing over) is a
/// state, not a hang: `STATUS=` says so and since when, and the watchdog is still petted — a
/// restart would not bring the database back, and the intake, the courier and the pages retry on
/// their own. The watchdog catches what it is for: this loop itself no longer running.
struct WatchdogService: Service {
    let store: any AccountStore
    let notifier: SystemdNotifier
    let gate: ReadinessGate
    let logger: Logger

    func run() async throws {
        // Not run by systemd: nothing to pet, but a service that returns early stops the group.
        guard notifier.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        await gate.wait()
        let interval = notifier.watchdogInterval ?? .seconds(10)
        var downSince: Date?
        // 1 while the store answers the watchdog's count, 0 while it does not: the alert
        // "store unreachable" (monitoring/activationd.rules.yml) reads it.
        let storeUp = Gauge(label: "activationd_store_up")
        for await _ in AsyncTimerSequence(interval: min(interval, Duration.seconds(10)), clock: .continuous)
            .cancelOnGracefulShutdown()
        {
            var message: String
            do {
                let counts = try await withStoreTimeout(.seconds(5)) { [store] in try await store.counts() }
                let queued = (counts.outbox[.queued] ?? 0) + (counts.outbox[.sending] ?? 0)
                let oldest = counts.oldestUnsentAt.map { "\(Int(Date().timeIntervalSince($0)))s" } ?? "none"
                message = "STATUS=pending \(counts.accounts[.pending] ?? 0), mail queued \(queued), "
                    + "oldest \(oldest), failed \(counts.outbox[.failed] ?? 0)"
                storeUp.record(1)
                if let since = downSince {
                    logger.notice("store reachable again", metadata: [
                        LogKey.event: "\(DaemonEvent.storeReachable)", LogKey.seconds: "\(Int(Date().timeIntervalSince(since)))"])
                    downSince = nil
                }
            } catch {
                storeUp.record(0)
                if downSince == nil {
                    downSince = Date()
                    logger.error("store unreachable; intake, mail and pages wait and retry",
                                 metadata: [LogKey.event: "\(DaemonEvent.storeUnreachable)", LogKey.error: "\(error)"])
                }
                let seconds = Int(Date().timeIntervalSince(downSince ?? Date()))
                message = "STATUS=store unreachable for \(seconds)s; retrying"
            }
            if notifier.watchdogInterval != nil { message += "\nWATCHDOG=1" }
            notifier.notify(message)
        }
    }
}
