import ActivationCore
import Foundation

/// Group commit for delivery outcomes: sends that finish while the store is busy writing earlier
/// outcomes are written together, in one `AccountStore.recordDeliveries` transaction.
///
/// Sends finish on the transport's worker threads; `record` only appends and returns, so a worker
/// goes straight on to its next mail. The first outcome to arrive while no write runs starts a
/// writer task. A transaction costs far more than a row (about 200 µs of CPU against 10 µs per
/// row with SQLite), and sends finish one at a time, so the writer does not take a batch at once
/// when more sends are still in flight: it waits two milliseconds at a time, up to `maximalDelay`,
/// until `targetBatch` outcomes are waiting or every send in flight has finished. An idle
/// courier's lone outcome is written at once. Each row's `completion` runs on the writer task, in
/// order, with the store's answer for that row.
///
/// `@unchecked Sendable`: every stored `var` is read and written only with `lock` held.
final class DeliveryRecorder: @unchecked Sendable {
    typealias Completion = @Sendable (Result<Bool, any Error>) -> Void

    private let store: any AccountStore
    private let owner: String
    private let window: DeliveryWindow
    private let maximumBatch: Int
    private let targetBatch: Int
    private let maximalDelay: Int
    /// How long a batch's write is retried while the store fails: the rows' lease, after which
    /// another courier may claim (and send) them again anyway.
    private let retryFor: Duration
    private let lock = NSLock()
    private var pending: [(record: DeliveryRecord, completion: Completion)] = []
    private var writing = false

    /// - Parameters:
    ///   - window: the courier's sends in flight; their outcomes are the ones still to come.
    ///   - targetBatch: how many outcomes the writer waits for while more sends are in flight.
    ///   - maximalDelay: the longest wait for them, in milliseconds.
    init(store: any AccountStore, owner: String, window: DeliveryWindow, maximumBatch: Int = 256,
         targetBatch: Int = 32, maximalDelay: Int = 6, retryFor: Duration = .seconds(300))
    {
        self.retryFor = retryFor
        self.store = store
        self.owner = owner
        self.window = window
        self.maximumBatch = max(1, maximumBatch)
        self.targetBatch = min(max(1, targetBatch), self.maximumBatch)
        self.maximalDelay = maximalDelay
    }

    /// Queues `record` for the next batch; `completion` gets this row's result once written.
    func record(_ record: DeliveryRecord, then completion: @escaping Completion) {
        let lead: Bool = lock.withLock {
            pending.append((record, completion))
            defer { writing = true }
            return !writing
        }
        if lead { Task { await self.drain() } }
    }

    /// Writes batch after batch until nothing waits, then gives up the writer role.
    private func drain() async {
        while true {
            var delay = 0
            while delay < maximalDelay, moreToCome() {
                try? await Task.sleep(for: .milliseconds(2))
                delay += 2
            }
            let batch = lock.withLock {
                let taken = Array(pending.prefix(maximumBatch))
                pending.removeFirst(taken.count)
                if taken.isEmpty { writing = false }
                return taken
            }
            if batch.isEmpty { return }
            let results = await write(batch.map(\.record))
            for (index, entry) in batch.enumerated() {
                entry.completion(results.map { $0[index] })
            }
        }
    }

    /// Writes `records`, retrying with backoff (50 ms doubling to 5 s) while the store fails, for
    /// up to `retryFor`: a mail that went out must be recorded as sent, or it would be sent again
    /// once its lease ran out. A store that comes back within the lease (a restart, a failover)
    /// loses nothing and doubles nothing.
    private func write(_ records: [DeliveryRecord]) async -> Result<[Bool], any Error> {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: retryFor)
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return .success(try await store.recordDeliveries(records, owner: owner))
            } catch {
                guard clock.now.advanced(by: pause) < deadline, !Task.isCancelled else { return .failure(error) }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
    }

    /// Whether fewer than `targetBatch` outcomes wait while sends in flight will add more.
    private func moreToCome() -> Bool {
        let waiting = lock.withLock { pending.count }
        return waiting < targetBatch && window.inFlight > waiting
    }
}
