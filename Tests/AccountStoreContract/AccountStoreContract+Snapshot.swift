import ActivationCore
import Foundation
import Testing

/// `store copy`'s two halves: a snapshot holds every row as stored; a restore never merges.
extension AccountStoreContract {
    static func snapshot(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let empty = try await store.snapshot()
        #expect(empty.counts.values.allSatisfy { $0 == 0 })

        // A replaced account leaves a removal reason (another of its address was activated); a
        // wrong password leaves an attempt.
        let again = f.registration(username: "snapgone", email: "a@example.org")
        let pending = try await store.mustRegister(again, f)
        let active = try await store.mustRegisterActive(f.registration(username: "snapactive", email: "a@example.org"), f)
        _ = try await store.mustRegister(f.registration(username: "snappend", email: "p@example.org"), f)
        let current = try #require(try await store.account(username: "snappend"))
        _ = try await store.reservePasswordAttempt(accountID: current.id, limit: 5, window: .seconds(900), now: f.now)
        _ = try await store.useChallenge(id: UUID(), fingerprint: "form", submittedAt: f.now,
                                         expiresAt: f.now.addingTimeInterval(1200))

        let snapshot = try await store.snapshot().sorted
        #expect(snapshot.accounts.count == 2)
        #expect(snapshot.accounts.contains(try #require(try await store.account(id: current.id))))
        #expect(snapshot.accounts.contains { $0.id == active.id && $0.state == .active })
        #expect(snapshot.accounts.first { $0.id == current.id }?.passwordAttempts.count == 1)
        #expect(snapshot.outbox.filter { $0.accountID == current.id }.map(\.status) == [.queued])
        #expect(snapshot.outbox.filter { $0.accountID == pending.account.id }.map(\.status) == [.cancelled])
        #expect(snapshot.registrations.count == 3)
        #expect(snapshot.registrations.contains { $0.id == again.id && $0.contentDigest == again.contentDigest })
        #expect(snapshot.removedAccounts.map(\.id) == [pending.account.id])
        #expect(snapshot.usedChallenges.count == 1)

        // Restoring into a store with rows is refused, and changes nothing.
        do {
            try await store.restore(snapshot)
            Issue.record("a restore merged into a store that is not empty")
        } catch let error as StoreNotEmpty {
            #expect(error.counts["accounts"] == 2)
        }
        #expect(try await store.snapshot().sorted == snapshot)
    }
}
