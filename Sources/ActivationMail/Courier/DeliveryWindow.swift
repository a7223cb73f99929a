import Foundation

/// The courier's count of rows claimed and not yet finished (recorded, or skipped at shutdown),
/// and the one place its claim loop waits.
///
/// Sends finish on the transport's threads and are recorded by the `DeliveryRecorder`'s task; the
/// claim loop sleeps until half the window is free, so it wakes once per batch rather than once
/// per mail. `stop()` (graceful shutdown or cancellation) wakes it for good, and tells jobs not yet
/// started to skip their send: their leases are released when everything in flight has finished.
///
/// The window shrinks when sends are slow. A claimed row waits in the transport's queue behind
/// the rows claimed before it, and its lease runs meanwhile; no send may start with less than
/// the transport's send time limit left (`Courier.deliver`). So the rows queued per worker are
/// kept to what the average send time lets start within half of `waitBudget` (the lease less
/// that limit): with a relay answering in a millisecond the whole window is used, with one taking
/// seconds a few rows a worker.
///
/// `@unchecked Sendable`: every stored `var` is read and written only with `lock` held.
final class DeliveryWindow: @unchecked Sendable {
    /// Rows in flight at most.
    let capacity: Int
    private let workers: Int
    private let waitBudget: Double
    private let lock = NSLock()
    private var outstanding = 0
    private var stopped = false
    /// Seconds a send took, on average (exponentially weighted); 0 until the first send.
    private var averageSend = 0.0
    /// The claim loop, waiting for room (`nil` limit) or for nothing to be in flight (0).
    private var waiter: (limit: Int?, continuation: CheckedContinuation<Void, Never>)?

    /// - Parameters:
    ///   - workers: the transport's sends at once.
    ///   - waitBudget: how long, in seconds, a row may wait for its send to start.
    init(capacity: Int, workers: Int = 1, waitBudget: Double = .infinity) {
        self.capacity = max(1, capacity)
        self.workers = max(1, workers)
        self.waitBudget = waitBudget
    }

    /// Whether the courier is stopping: claim nothing more, start no send.
    var isStopped: Bool { lock.withLock { stopped } }

    /// Rows claimed and not yet finished.
    var inFlight: Int { lock.withLock { outstanding } }

    /// Rows that may be claimed now.
    var room: Int { lock.withLock { max(0, currentCapacity - outstanding) } }

    /// The capacity the average send time allows; `lock` held.
    private var currentCapacity: Int {
        guard averageSend > 0 else { return capacity }
        let perWorker = (waitBudget / 2 / averageSend).rounded(.down)
        guard perWorker < Double(capacity) else { return capacity }
        return min(capacity, workers * (max(1, Int(perWorker)) + 1))
    }

    /// Counts `count` newly claimed rows.
    func add(_ count: Int) {
        lock.withLock { outstanding += count }
    }

    /// Notes how long a send took.
    func noteSend(_ seconds: Double) {
        lock.withLock { averageSend = averageSend == 0 ? seconds : averageSend * 0.8 + seconds * 0.2 }
    }

    /// Counts `count` rows as finished, waking the claim loop when its wait is over.
    func finish(_ count: Int) {
        let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
            outstanding -= count
            guard let waiter, isOver(waiter.limit) else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        resumed?.resume()
    }

    /// Lets a courier that was stopped run again (a `Courier` can be run more than once).
    func restart() {
        lock.withLock { stopped = false }
    }

    /// Stops the courier: wakes the claim loop, and no job starts a send after this.
    func stop() {
        let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
            stopped = true
            // The wait for the last sends (limit 0) goes on until they finish.
            guard let waiter, waiter.limit == nil else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        resumed?.resume()
    }

    /// Waits until at most half the window is in flight (or the courier stops); false when
    /// stopped.
    func waitForRoom() async -> Bool {
        await wait(for: nil)
        return !isStopped
    }

    /// Waits until nothing is in flight. Call after `stop()`.
    func waitUntilEmpty() async {
        await wait(for: 0)
    }

    /// Whether the wait for `limit` is over; `lock` held.
    private func isOver(_ limit: Int?) -> Bool {
        guard let limit else { return stopped || outstanding <= currentCapacity / 2 }
        return outstanding <= limit
    }

    private func wait(for limit: Int?) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = lock.withLock {
                if isOver(limit) { return true }
                precondition(waiter == nil, "one claim loop per courier")
                waiter = (limit, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
