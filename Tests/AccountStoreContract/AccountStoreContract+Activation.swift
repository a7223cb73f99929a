import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    static func concurrentActivations(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, _, _) = try await store.mustRegister(f.registration(username: "racer2026", email: "r@example.org"), f)
        let results = try await withThrowingTaskGroup(of: ActivationResult.self) { group in
            for _ in 0..<50 {
                group.addTask { try await store.activate(accountID: account.id, nonce: account.nonce, now: f.now) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let activated = results.filter { if case .activated = $0 { true } else { false } }
        let already = results.filter { if case .alreadyActive = $0 { true } else { false } }
        #expect(activated.count == 1)
        #expect(already.count == 49)
        #expect(try await store.account(id: account.id)?.state == .active)
        #expect(try await store.account(id: account.id)?.activatedAt == f.now)
    }

    static func activationChecks(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, activation, _) = try await store.mustRegister(
            f.registration(username: "checker1", email: "c@example.org"), f)
        #expect(try await store.activate(accountID: account.id, nonce: ActivationToken.makeNonce(), now: f.now)
            == .nonceMismatch)
        let afterExpiry = account.expiresAt.addingTimeInterval(1)
        #expect(try await store.activate(accountID: account.id, nonce: account.nonce, now: afterExpiry) == .expired)
        #expect(try await store.activate(accountID: account.id, nonce: account.nonce, now: account.expiresAt) == .expired)
        #expect(try await store.activate(accountID: UUID(), nonce: account.nonce, now: f.now) == .notFound)
        #expect(try await store.account(id: account.id)?.state == .pending)

        let justBefore = account.expiresAt.addingTimeInterval(-1)
        guard case .activated(let active, let replaced) = try await store.activate(
            accountID: account.id, nonce: account.nonce, now: justBefore)
        else { throw ContractViolation(description: "an unexpired pending account did not activate") }
        #expect(active.state == .active)
        #expect(replaced.isEmpty)
        // The unsent activation mail is no longer wanted.
        #expect(try await store.outbox(accountID: account.id).map(\.status) == [.cancelled])
        #expect(activation.status == .queued)
        // Active accounts no longer expire.
        #expect(try await store.expirePending(now: afterExpiry, limit: 10).isEmpty)
        #expect(try await store.activate(accountID: account.id, nonce: account.nonce, now: afterExpiry)
            == .alreadyActive(active))
    }

    static func batchExpiry(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        var expiring: [Account] = []
        for index in 0..<25 {
            let registration = f.registration(username: "old\(index)user", email: "old\(index)@example.org")
            expiring.append(try await store.mustRegister(registration, f).account)
        }
        let later = f.now.addingTimeInterval(3600)
        for index in 0..<5 {
            let registration = f.registration(username: "new\(index)user", email: "new\(index)@example.org")
            _ = try await store.mustRegister(registration, f, at: later)
        }
        _ = try await store.mustRegisterActive(f.registration(username: "activeuser", email: "act@example.org"), f)

        let sweepTime = expiring[0].expiresAt
        var batches: [Int] = []
        var removed: Set<UUID> = []
        while true {
            let batch = try await store.expirePending(now: sweepTime, limit: 10)
            batches.append(batch.count)
            removed.formUnion(batch.map(\.id))
            if batch.count < 10 { break }
        }
        #expect(batches == [10, 10, 5])
        #expect(removed == Set(expiring.map(\.id)))
        let counts = try await store.counts()
        #expect(counts.accounts[.pending] == 5)
        #expect(counts.accounts[.active] == 1)
        for account in expiring.prefix(3) {
            #expect(try await store.outbox(accountID: account.id).map(\.status) == [.cancelled])
        }
        // The username and the address are free again.
        _ = try await store.mustRegister(f.registration(username: "OLD0USER", email: "old0@example.org"), f,
                                         at: sweepTime)
    }

    static func counts(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let empty = try await store.counts()
        #expect(empty.accounts == [.pending: 0, .active: 0])
        #expect(empty.oldestUnsentAt == nil)
        _ = try await store.mustRegister(f.registration(username: "countone", email: "c1@example.org"), f)
        _ = try await store.mustRegister(f.registration(username: "counttwo", email: "c2@example.org"), f,
                                         at: f.now.addingTimeInterval(60))
        _ = try await store.mustRegisterActive(f.registration(username: "countact", email: "c3@example.org"), f)
        let counts = try await store.counts()
        #expect(counts.accounts == [.pending: 2, .active: 1])
        #expect(counts.outbox[.queued] == 2)
        #expect(counts.outbox[.cancelled] == 1)
        #expect(counts.oldestUnsentAt == f.now)
    }
}
