import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    static func requeueFailed(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let failing = try await store.mustRegister(f.registration(username: "failing1", email: "f@example.org"), f)
        let sent = try await store.mustRegister(f.registration(username: "sentone1", email: "s@example.org"), f)
        let orphan = try await store.mustRegister(f.registration(username: "orphan01", email: "o@example.org"), f)
        _ = try await store.claimOutbox(owner: "w", limit: 10, lease: .seconds(60), now: f.now)
        #expect(try await store.recordDelivery(.failed(reply: "554 refused"), messageID: failing.activation.id,
                                               owner: "w", now: f.now))
        #expect(try await store.recordDelivery(.sent(reply: "250 ok"), messageID: sent.activation.id, owner: "w",
                                               now: f.now))
        #expect(try await store.recordDelivery(.failed(reply: "550 no"), messageID: orphan.activation.id, owner: "w",
                                               now: f.now))
        // The orphan's account is replaced (another of its address activated): its failed mail has
        // nobody to go to any more.
        let newer = try await store.mustRegister(f.registration(username: "orphan02", email: "o@example.org"), f)
        guard case .activated(_, let replaced) = try await store.activate(accountID: newer.account.id,
                                                                          nonce: newer.account.nonce, now: f.now)
        else { throw ContractViolation(description: "orphan02 was not activated") }
        #expect(replaced == [orphan.account.id])

        let later = f.now.addingTimeInterval(3600)
        #expect(try await store.requeueFailed(now: later) == 1)
        let row = try #require(try await store.outbox(accountID: failing.account.id).first)
        #expect(row.status == .queued && row.nextAttemptAt == later && row.createdAt == later)
        #expect(row.attempts == 1 && row.lastReply == "554 refused")
        #expect(try await store.outbox(accountID: sent.account.id).map(\.status) == [.sent])
        #expect(try await store.outbox(accountID: orphan.account.id).map(\.status) == [.failed])
        let due = try await store.claimOutbox(owner: "w2", limit: 10, lease: .seconds(60), now: later)
        // (newer's own activation mail was cancelled when it was activated.)
        #expect(due.map(\.message.id) == [failing.activation.id])
        #expect(try await store.requeueFailed(now: later) == 0, "a requeued row is not failed any more")
    }
}
