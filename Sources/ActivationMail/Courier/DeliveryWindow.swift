import Foundation

/// The courier's count of rows claimed and not yet finished (recorded, or skipped at shutdown),
/// and the one place its claim loop waits.
///
/// Sends finish on the transport's threads and are recorded by the `DeliveryRecorder`'s task; the
/// claim loop sleeps until half the window is free, so it wakes once per batch rather than once
/// per mail. `stop()` (graceful shutdown or cancellation) wakes it for good, and tells jobs not yet
/// started to skip their send: their leases are released when everything in flight has finished.
///
/// `@unchecked Sendable`: every stored `var` is read and written only with `lock` held.
final class DeliveryWindow: @unchecked Sendable {
    /// Rows in flight at most.
    let capacity: Int
    private let lock = NSLock()
    private var outstanding = 0
    private var stopped = false
    /// The claim loop, waiting for `outstanding <= limit`.
    private var waiter: (limit: Int, continuation: CheckedContinuation<Void, Never>)?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Whether the courier is stopping: claim nothing more, start no send.
    var isStopped: Bool { lock.withLock { stopped } }

    /// Rows claimed and not yet finished.
    var inFlight: Int { lock.withLock { outstanding } }

    /// Rows that may be claimed now.
    var room: Int { lock.withLock { capacity - outstanding } }

    /// Counts `count` newly claimed rows.
    func add(_ count: Int) {
        lock.withLock { outstanding += count }
    }

    /// Counts `count` rows as finished, waking the claim loop when its wait is over.
    func finish(_ count: Int) {
        let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
            outstanding -= count
            guard let waiter, outstanding <= waiter.limit else { return nil }
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
            guard let waiter, waiter.limit > 0 else { return nil }
            self.waiter = nil
            return waiter.continuation
        }
        resumed?.resume()
    }

    /// Waits until at most half the window is in flight (or the courier stops); false when
    /// stopped.
    func waitForRoom() async -> Bool {
        await wait(untilAtMost: capacity / 2)
        return !isStopped
    }

    /// Waits until nothing is in flight. Call after `stop()`.
    func waitUntilEmpty() async {
        await wait(untilAtMost: 0)
    }

    /// Waits until `outstanding <= limit`; a stopped window ends only the room wait, not the wait
    /// for the last sends to finish.
    private func wait(untilAtMost limit: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = lock.withLock {
                if outstanding <= limit || (stopped && limit > 0) { return true }
                waiter = (limit, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
