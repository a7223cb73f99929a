import ActivationCore
import AsyncAlgorithms
import Foundation
import Logging
import ServiceLifecycle

/// Pets systemd's watchdog and keeps `systemctl status` current.
///
/// Each tick asks the store for its counts: only a daemon whose store answers and whose tasks
/// still run sends `WATCHDOG=1`, so a hung daemon is restarted. `STATUS=` carries the queue depth
/// and the age of the oldest unsent mail.
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
        for await _ in AsyncTimerSequence(interval: min(interval, Duration.seconds(10)), clock: .continuous)
            .cancelOnGracefulShutdown()
        {
            do {
                let counts = try await store.counts()
                let queued = (counts.outbox[.queued] ?? 0) + (counts.outbox[.sending] ?? 0)
                let oldest = counts.oldestUnsentAt.map { "\(Int(Date().timeIntervalSince($0)))s" } ?? "none"
                var message = "STATUS=pending \(counts.accounts[.pending] ?? 0), mail queued \(queued), "
                    + "oldest \(oldest), failed \(counts.outbox[.failed] ?? 0)"
                if notifier.watchdogInterval != nil { message += "\nWATCHDOG=1" }
                notifier.notify(message)
            } catch {
                logger.error("store unreachable; not petting the watchdog",
                             metadata: [LogKey.event: "daemon.store_unreachable", LogKey.error: "\(error)"])
            }
        }
    }
}
