import ActivationCore
import Foundation

/// Group commit for delivery outcomes: sends that finish while the store is busy writing earlier
/// outcomes are written together, in one `AccountStore.recordDeliveries` transaction.
///
/// Each `record` call still waits for its own row's result, so a send stays in the courier's
/// window until its outcome is durable, and graceful shutdown needs no extra step. The batching
/// window is the time the previous write took: an idle courier writes a lone outcome at once.
///
/// `@unchecked Sendable`: every stored `var` is read and written only with `lock` held.
final class DeliveryRecorder: @unchecked Sendable {
    typealias Reply = CheckedContinuation<Result<Bool, any Error>, Never>

    private let store: any AccountStore
    private let owner: String
    private let maximumBatch: Int
    private let lock = NSLock()
    private var pending: [(record: DeliveryRecord, reply: Reply)] = []
    private var writing = false

    init(store: any AccountStore, owner: String, maximumBatch: Int = 256) {
        self.store = store
        self.owner = owner
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Records `record`, batched with whatever else is waiting; the store's answer for this row.
    func record(_ record: DeliveryRecord) async -> Result<Bool, any Error> {
        await withCheckedContinuation { reply in
            let lead: Bool = lock.withLock {
                pending.append((record, reply))
                defer { writing = true }
                return !writing
            }
            // The first outcome to arrive while no write runs starts a writer; later ones join
            // the batch after the write in progress.
            if lead { Task { await self.drain() } }
        }
    }

    /// Writes batch after batch until nothing waits, then gives up the writer role.
    private func drain() async {
        while true {
            let batch = lock.withLock {
                let taken = Array(pending.prefix(maximumBatch))
                pending.removeFirst(taken.count)
                if taken.isEmpty { writing = false }
                return taken
            }
            if batch.isEmpty { return }
            let results: Result<[Bool], any Error>
            do {
                results = .success(try await store.recordDeliveries(batch.map(\.record), owner: owner))
            } catch {
                results = .failure(error)
            }
            for (index, entry) in batch.enumerated() {
                entry.reply.resume(returning: results.map { $0[index] })
            }
        }
    }
}
