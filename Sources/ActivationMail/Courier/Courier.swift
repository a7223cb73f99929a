public import ActivationCore
public import CoreMetrics
public import Foundation
public import Logging
public import ServiceLifecycle

/// Drains the outbox: claims due rows under a lease, sends them through an `SMTPTransport`, and
/// records each attempt as sent, deferred (with backoff), failed or cancelled.
///
/// Sends are pipelined: up to `options.window` rows are in flight, and the next batch is claimed
/// as soon as half of them finished, so the transport's workers never wait for the store. Each
/// row is composed, sent and classified on a transport worker thread (`SMTPTransport.perform`)
/// and its outcome recorded in a batch (`DeliveryRecorder`): no hand-off between threads per
/// mail, only per batch. On graceful shutdown the courier claims nothing more, lets the sends in
/// progress finish and record, skips those not yet started, and returns its remaining leases to
/// the queue.
public struct Courier: Service {
    /// The lease owner name of this courier, unique per process.
    public let owner: String
    let store: any AccountStore
    let transport: any SMTPTransport
    /// What mail is rendered with; the daemon replaces it on reload.
    public let factory: MailFactorySource
    let schedule: RetrySchedule
    let options: CourierOptions
    let logger: Logger
    let metrics: CourierMetrics
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    /// Writes outcomes of sends that finish close together in one transaction.
    let recorder: DeliveryRecorder
    /// The rows in flight, shared with the recorder.
    let window: DeliveryWindow

    /// Creates a courier.
    ///
    /// - Parameters:
    ///   - metricsFactory: where metrics go; the global `MetricsSystem` by default.
    ///   - clock: what the idle wait between polls sleeps on.
    ///   - now: the wall clock that leases, backoffs and the queue lifetime are measured on.
    ///   - owner: the lease owner name; unique per process by default.
    public init(
        store: any AccountStore, transport: any SMTPTransport, factory: MailFactory, options: CourierOptions,
        logger: Logger, metricsFactory: (any MetricsFactory)? = nil, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, owner: String? = nil
    ) {
        self.store = store
        self.transport = transport
        self.factory = MailFactorySource(factory)
        self.schedule = RetrySchedule(options)
        self.options = options
        self.logger = logger
        self.metrics = CourierMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        self.clock = clock
        self.now = now
        self.owner = owner ?? "courier-\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"
        self.window = DeliveryWindow(capacity: options.window, workers: transport.workers,
                                     waitBudget: (options.lease - transport.sendTimeLimit).timeInterval)
        self.recorder = DeliveryRecorder(store: store, owner: self.owner, window: window,
                                         targetBatch: max(1, options.window / 2), retryFor: options.lease)
    }

    /// Runs until graceful shutdown (or cancellation), then releases this courier's leases.
    public func run() async throws {
        window.restart()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await claimLoop()
            } onGracefulShutdown: {
                window.stop()
            }
        } onCancel: {
            window.stop()
        }
        // Sends in progress finish and record; queued jobs see the stop and skip their send.
        await window.waitUntilEmpty()
        let released = (try? await store.releaseLeases(owner: owner)) ?? 0
        logger.info("courier stopped", metadata: [
            LogKey.event: "\(EventName.courierStopped)", LogKey.count: "\(released)",
        ])
    }

    /// Claims due rows whenever half the window is free and hands them to the transport's
    /// workers, which compose, send and hand the outcome to the recorder on their own threads.
    private func claimLoop() async {
        var lastGauges: ContinuousClock.Instant? = nil
        // The gauges come from `counts()`, which reads the whole outbox index: at most once a
        // second, however short the poll interval, so that a busy courier does not spend its
        // time counting.
        let gaugeInterval = max(options.pollInterval, Self.minimalGaugeInterval)
        var leasesInDoubt = false
        while await window.waitForRoom() {
            if leasesInDoubt {
                leasesInDoubt = !(await releaseLostLeases())
                if leasesInDoubt {
                    try? await cancelWhenGracefulShutdown { try await clock.sleep(for: options.pollInterval) }
                    continue
                }
            }
            if lastGauges.map({ $0.duration(to: .now) >= gaugeInterval }) ?? true {
                await refreshGauges()
                lastGauges = .now
            }
            guard let claims = await claim(limit: window.room) else {
                leasesInDoubt = true
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: options.pollInterval) }
                continue
            }
            if claims.isEmpty {
                try? await cancelWhenGracefulShutdown { try await clock.sleep(for: options.pollInterval) }
                continue
            }
            window.add(claims.count)
            let jobs: [SMTPJob] = claims.map { claim in
                { connection in deliver(claim, over: connection) }
            }
            if !transport.perform(jobs) {
                // The transport is shut down: nothing was sent; the leases go back at the end.
                window.finish(claims.count)
                window.stop()
            }
        }
    }

    /// The shortest time between two refreshes of the queue gauges.
    static let minimalGaugeInterval: Duration = .seconds(1)

    /// Claims due rows; nil after a store error, which is logged, so that a busy or briefly
    /// unreachable database slows the courier down instead of stopping the daemon.
    private func claim(limit: Int) async -> [OutboxClaim]? {
        do {
            return try await store.claimOutbox(owner: owner, limit: limit, lease: options.lease, now: now())
        } catch {
            logger.error("cannot claim outbox rows", metadata: [
                LogKey.event: "\(EventName.courierStoreError)", LogKey.error: "\(error)",
            ])
            return nil
        }
    }

    /// After a failed claim: the claim may have committed with its answer lost (the connection
    /// dropped after COMMIT), leaving rows leased to this courier that nobody sends until the
    /// lease runs out (minutes). Once every send in flight has finished and been recorded, any
    /// row still leased to this courier is such a row, and goes back to the queue. True once done.
    private func releaseLostLeases() async -> Bool {
        await window.waitUntilEmpty()
        do {
            let released = try await store.releaseLeases(owner: owner)
            if released > 0 {
                logger.notice("rows leased by a lost claim are due again", metadata: [
                    LogKey.event: "\(EventName.courierLeasesReleased)", LogKey.count: "\(released)",
                ])
            }
            return true
        } catch {
            return false
        }
    }

    /// Sets the queue gauges from the store's counts.
    func refreshGauges() async {
        guard let counts = try? await store.counts() else { return }
        metrics.queueDepth.record((counts.outbox[.queued] ?? 0) + (counts.outbox[.sending] ?? 0))
        let age = counts.oldestUnsentAt.map { max(0, now().timeIntervalSince($0)) } ?? 0
        metrics.oldestQueuedAge.record(age)
    }
}
