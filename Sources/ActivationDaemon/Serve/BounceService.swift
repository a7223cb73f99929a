import ActivationCore
public import ActivationMail
import AsyncAlgorithms
import Foundation
public import Logging
public import ServiceLifecycle

/// `serve`'s reader of the bounce mailbox (`bounces.maildir`): one pass at start, then one every
/// `bounces.scan_interval`. A mailbox that cannot be read, or a store that fails, is logged when it
/// starts and when it ends (not at every pass) and tried again; it never stops the daemon.
public struct BounceService: Service {
    let reader: BounceReader
    let interval: Duration
    let logger: Logger

    /// Creates the service.
    public init(reader: BounceReader, interval: Duration, logger: Logger) {
        self.reader = reader
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        var failing: String?
        func pass() async {
            do {
                let summary = try await reader.readOnce()
                if failing != nil {
                    logger.notice("bounce mailbox readable again", metadata: [
                        LogKey.event: "\(EventName.bounceMailboxError)", "state": "ended"])
                    failing = nil
                }
                if summary.bounced + summary.delayed + summary.setAside.count > 0 {
                    logger.info("bounce mailbox read", metadata: [
                        LogKey.event: "\(DaemonEvent.bounceRead)", "bounced": "\(summary.bounced)", "delayed": "\(summary.delayed)",
                        "set_aside": "\(summary.setAside.count)", "kept": "\(summary.keptForLater)",
                    ])
                }
            } catch {
                let text = error is BounceReader.MailboxError ? "\(error)" : "store: \(type(of: error)): \(error)"
                if failing != text {
                    logger.error("cannot read the bounce mailbox; trying again", metadata: [
                        LogKey.event: "\(EventName.bounceMailboxError)", LogKey.error: "\(text)"])
                    failing = text
                }
            }
        }
        await pass()
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            await pass()
        }
    }
}
