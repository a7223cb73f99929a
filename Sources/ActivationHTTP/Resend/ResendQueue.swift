import ActivationCore
import Foundation
import Logging
import ServiceLifecycle

/// Resend requests, worked off one at a time behind the HTTP answer.
///
/// `POST /resend` only hands the login to this queue and answers 202 at once, so the answer's
/// timing says nothing about whether an account exists, is pending, or is in its cooldown — the
/// store lookups happen here, after the response has gone. A `Service`: it runs in the
/// application's ServiceGroup and, on graceful shutdown, finishes what is queued.
final class ResendQueue: Service, Sendable {
    private let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let store: any AccountStore
    private let options: ActivationOptions
    private let metrics: HTTPMetrics
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Logins waiting beyond this are dropped (the person can ask again); bounds memory under a flood.
    static let capacity = 1_000

    init(store: any AccountStore, options: ActivationOptions, metrics: HTTPMetrics, logger: Logger,
         now: @escaping @Sendable () -> Date)
    {
        (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(Self.capacity))
        self.store = store
        self.options = options
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Queues a login; false if the queue is full or closed.
    func submit(_ login: String) -> Bool {
        if case .enqueued = continuation.yield(login) { return true }
        return false
    }

    /// Works off the queue until graceful shutdown, then drains it.
    func run() async throws {
        await withGracefulShutdownHandler {
            for await login in stream {
                await process(login)
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
    }

    /// Queues the same link again for the pending account named by `login`, within the limits.
    func process(_ login: String) async {
        do {
            guard let account = try await pendingAccount(login) else { return metrics.resend(.refused) }
            let at = now()
            let rows = try await store.outbox(accountID: account.id)
            let policy = ResendPolicy(cooldown: options.resendCooldown, dailyLimit: options.resendDailyLimit)
            switch policy.decide(outbox: rows, now: at) {
            case .send: break
            // Mail to this address came back undeliverable: another copy would bounce too. The
            // person registers again (with the address corrected) to get a new link.
            case .bounced:
                logger.notice("resend skipped: mail to this address bounced", metadata: [
                    LogKey.event: "\(EventName.activationResendSkipped)", LogKey.account: "\(account.id.lowercasedText)",
                    LogKey.reason: "bounced",
                ])
                return metrics.resend(.bounced)
            case .coolingDown, .dailyLimit: return metrics.resend(.refused)
            }
            guard try await store.enqueue(.activation, accountID: account.id, now: at) != nil else {
                return metrics.resend(.refused)
            }
            metrics.resend(.queued)
            logger.info("activation mail queued again", metadata: [
                LogKey.event: "\(EventName.activationResent)", LogKey.account: "\(account.id.lowercasedText)",
            ])
        } catch {
            logger.error("resend failed", metadata: [LogKey.event: "\(EventName.activationResendFailed)",
                                                     LogKey.error: "\(type(of: error))"])
        }
    }

    /// The pending, unexpired account with this username or email address.
    private func pendingAccount(_ login: String) async throws -> Account? {
        let login = login.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !login.isEmpty, login.utf8.count <= 254 else { return nil }
        let candidates = login.contains("@")
            ? try await store.accounts(email: login)
            : try await store.account(username: login).map { [$0] } ?? []
        let at = now()
        return candidates.first { $0.state == .pending && !$0.isExpired(at: at) }
    }
}
