import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    /// Whoever knows a person's address must not cancel their pending
    /// registration; one account per address is settled at activation instead.
    static func sameEmailOtherUsernames(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let jane = try await store.mustRegister(f.registration(username: "jdoe2026", email: "jane@example.org"), f)
        let other = try await store.mustRegister(f.registration(username: "mallory1", email: "JANE@example.org"), f,
                                                 at: f.now.addingTimeInterval(60))
        #expect(other.superseded.isEmpty)
        #expect(try await store.account(id: jane.account.id)?.state == .pending)
        #expect(try await store.outbox(accountID: jane.account.id).map(\.status) == [.queued])
        #expect(try await store.accounts(email: "Jane@Example.org").map(\.id) == [jane.account.id, other.account.id])
        // Jane's username is still hers.
        let grab = f.registration(username: "JDOE2026", email: "grab@example.org")
        #expect(try await store.register(grab, as: f.account(for: grab), now: f.now) == .rejected([.usernameTaken]))
        let third = try await store.mustRegister(f.registration(username: "thirdone", email: "jane@EXAMPLE.org"), f)
        let unrelated = try await store.mustRegister(f.registration(username: "someone1", email: "s@example.org"), f)

        // Activating one removes the others of that address, with their mail, and remembers why.
        let result = try await store.activate(accountID: jane.account.id, nonce: jane.account.nonce, now: f.now)
        guard case .activated(let active, let replaced) = result else {
            throw ContractViolation(description: "expected activated, got \(result)")
        }
        #expect(active.id == jane.account.id)
        #expect(Set(replaced) == [other.account.id, third.account.id])
        for loser in [other, third] {
            #expect(try await store.account(id: loser.account.id) == nil)
            #expect(try await store.outbox(accountID: loser.account.id).map(\.status) == [.cancelled])
            #expect(try await store.removalReason(accountID: loser.account.id) == .replaced)
            #expect(try await store.activate(accountID: loser.account.id, nonce: loser.account.nonce, now: f.now)
                == .notFound)
        }
        #expect(try await store.removalReason(accountID: jane.account.id) == nil)
        #expect(try await store.account(id: unrelated.account.id)?.state == .pending)
        #expect(try await store.accounts(email: "jane@example.org").map(\.id) == [jane.account.id])
        let counts = try await store.counts()
        #expect(counts.accounts == [.pending: 1, .active: 1])
        // The removal reasons are forgotten with the registration ids.
        _ = try await store.purge(finishedBefore: f.now, registrationsBefore: f.now.addingTimeInterval(1))
        #expect(try await store.removalReason(accountID: other.account.id) == nil)
    }

    /// The accounts of one address, and the ones an activation replaces, come oldest first, and
    /// registrations of the same millisecond by id: every store orders ties alike.
    static func sameEmailOrder(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        var made: [Account] = []
        for index in 0..<6 {
            // Three at one instant, three a minute later; ids random, so ties fall in any order.
            let at = f.now.addingTimeInterval(index < 3 ? 0 : 60)
            made.append(try await store.mustRegister(
                f.registration(username: "tie\(index)user", email: "tie@example.org"), f, at: at).account)
        }
        let expected = made.sorted { ($0.registeredAt, $0.id.lowercasedText) < ($1.registeredAt, $1.id.lowercasedText) }
        #expect(try await store.accounts(email: "TIE@example.org").map(\.id) == expected.map(\.id))
        let winner = made[4]
        let result = try await store.activate(accountID: winner.id, nonce: winner.nonce, now: f.now.addingTimeInterval(120))
        guard case .activated(_, let replaced) = result else {
            throw ContractViolation(description: "expected activated, got \(result)")
        }
        #expect(replaced == expected.map(\.id).filter { $0 != winner.id })
    }

    /// A record reusing a stored registration id: the same content is a duplicate, other content
    /// is refused with `id.reused`; neither stores anything.
    static func reusedRegistrationID(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let id = UUID()
        let original = f.registration(username: "jdoe2026", email: "jane@example.org", id: id)
        let (account, _, _) = try await store.mustRegister(original, f)
        #expect(try await store.register(original, as: f.account(for: original), now: f.now)
            == .duplicate(existingAccountID: account.id))
        // The same registration sent again later (a form sent twice) is the same record.
        var later = original
        later.submittedAt = original.submittedAt.addingTimeInterval(90)
        #expect(try await store.register(later, as: f.account(for: later), now: f.now)
            == .duplicate(existingAccountID: account.id))
        let other = f.registration(username: "mallory1", email: "mallory@example.net", id: id)
        #expect(try await store.register(other, as: f.account(for: other), now: f.now) == .rejected([.idReused]))
        var renamed = original
        renamed.firstName = "Janet"
        #expect(try await store.register(renamed, as: f.account(for: renamed), now: f.now) == .rejected([.idReused]))
        #expect(try await store.account(username: "mallory1") == nil)
        #expect(try await store.counts().accounts[.pending] == 1)
        #expect(try await store.outbox(accountID: account.id).count == 1)
    }
}
