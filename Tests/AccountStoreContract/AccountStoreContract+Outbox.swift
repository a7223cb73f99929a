import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    static func leaseExpiry(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, activation, _) = try await store.mustRegister(
            f.registration(username: "leaseone", email: "l@example.org"), f)
        let first = try await store.claimOutbox(owner: "w1", limit: 10, lease: .seconds(60), now: f.now)
        #expect(first.map(\.message.id) == [activation.id])
        #expect(first.first?.message.status == .sending)
        #expect(first.first?.message.leaseOwner == "w1")
        #expect(first.first?.account == account)
        // Leased: nobody else gets it, even just before the lease runs out.
        #expect(try await store.claimOutbox(owner: "w2", limit: 10, lease: .seconds(60),
                                            now: f.now.addingTimeInterval(59)).isEmpty)
        // w1 crashed; once the lease is over w2 takes the row.
        let second = try await store.claimOutbox(owner: "w2", limit: 10, lease: .seconds(60),
                                                 now: f.now.addingTimeInterval(60))
        #expect(second.map(\.message.id) == [activation.id])
        let late = f.now.addingTimeInterval(61)
        #expect(try await store.recordDelivery(.sent(reply: "250 ok"), messageID: activation.id, owner: "w1", now: late)
            == false)
        #expect(try await store.recordDelivery(.sent(reply: "250 ok"), messageID: activation.id, owner: "w2", now: late))
        let row = try #require(try await store.outbox(accountID: account.id).first)
        #expect(row.status == .sent && row.attempts == 1 && row.lastReply == "250 ok" && row.leaseOwner == nil)
    }

    static func concurrentClaims(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        var ids: Set<UUID> = []
        for index in 0..<60 {
            let registration = f.registration(username: "claim\(index)x", email: "claim\(index)@example.org")
            ids.insert(try await store.mustRegister(registration, f).activation.id)
        }
        let claims = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var mine: [UUID] = []
                    while true {
                        let batch = try await store.claimOutbox(owner: "w\(worker)", limit: 4, lease: .seconds(60),
                                                                now: f.now)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.message.id)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 60, "no row claimed twice")
        #expect(Set(all) == ids)
    }

    static func deliveryOutcomes(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, activation, _) = try await store.mustRegister(
            f.registration(username: "outcome1", email: "o@example.org"), f)
        _ = try await store.claimOutbox(owner: "w", limit: 1, lease: .seconds(60), now: f.now)
        let retryAt = f.now.addingTimeInterval(300)
        #expect(try await store.recordDelivery(.deferred(reply: "451 4.3.0 try later", retryAt: retryAt),
                                               messageID: activation.id, owner: "w", now: f.now))
        var row = try #require(try await store.outbox(accountID: account.id).first)
        #expect(row.status == .queued && row.attempts == 1 && row.nextAttemptAt == retryAt)
        #expect(row.lastReply == "451 4.3.0 try later" && row.lastAttemptAt == f.now)
        // Not due before its time, due after.
        #expect(try await store.claimOutbox(owner: "w", limit: 1, lease: .seconds(60),
                                            now: retryAt.addingTimeInterval(-1)).isEmpty)
        #expect(try await store.claimOutbox(owner: "w", limit: 1, lease: .seconds(60), now: retryAt).count == 1)
        #expect(try await store.recordDelivery(.failed(reply: "550 5.1.1 no such user"),
                                               messageID: activation.id, owner: "w", now: retryAt))
        row = try #require(try await store.outbox(accountID: account.id).first)
        #expect(row.status == .failed && row.attempts == 2 && row.lastReply == "550 5.1.1 no such user")
        // A failed row is not claimed again, and a second record for it changes nothing.
        #expect(try await store.claimOutbox(owner: "w", limit: 1, lease: .seconds(60),
                                            now: retryAt.addingTimeInterval(86_400)).isEmpty)
        #expect(try await store.recordDelivery(.sent(reply: "250"), messageID: activation.id, owner: "w",
                                               now: retryAt) == false)
        #expect(try await store.counts().outbox[.failed] == 1)
    }

    static func batchedDeliveryOutcomes(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        var rows: [(account: Account, activation: OutboxMessage)] = []
        for index in 0..<4 {
            let (account, activation, _) = try await store.mustRegister(
                f.registration(username: "batch\(index)x", email: "batch\(index)@example.org"), f)
            rows.append((account, activation))
        }
        #expect(try await store.recordDeliveries([], owner: "w") == [])
        // Three rows leased to w, the fourth to someone else.
        let mine = try await store.claimOutbox(owner: "w", limit: 3, lease: .seconds(60), now: f.now)
        let theirs = try #require(try await store.claimOutbox(owner: "other", limit: 3, lease: .seconds(60),
                                                             now: f.now).first)
        #expect(mine.count == 3)
        let retryAt = f.now.addingTimeInterval(300)
        let later = f.now.addingTimeInterval(5)
        let results = try await store.recordDeliveries([
            DeliveryRecord(.sent(reply: "250 ok"), messageID: mine[0].message.id, now: later),
            DeliveryRecord(.deferred(reply: "451 later", retryAt: retryAt), messageID: mine[1].message.id, now: later),
            DeliveryRecord(.failed(reply: "550 no"), messageID: mine[2].message.id, now: later),
            // Recorded twice in one batch: the second changes nothing.
            DeliveryRecord(.failed(reply: "554 again"), messageID: mine[0].message.id, now: later),
            // Not leased to w.
            DeliveryRecord(.sent(reply: "250 ok"), messageID: theirs.message.id, now: later),
        ], owner: "w")
        #expect(results == [true, true, true, false, false])
        func row(_ id: UUID) async throws -> OutboxMessage {
            let accountID = try #require(rows.first { $0.activation.id == id }).account.id
            return try #require(try await store.outbox(accountID: accountID).first)
        }
        let sent = try await row(mine[0].message.id)
        #expect(sent.status == .sent && sent.attempts == 1 && sent.lastReply == "250 ok" && sent.leaseOwner == nil)
        #expect(sent.lastAttemptAt == later)
        let deferred = try await row(mine[1].message.id)
        #expect(deferred.status == .queued && deferred.attempts == 1 && deferred.nextAttemptAt == retryAt)
        let failed = try await row(mine[2].message.id)
        #expect(failed.status == .failed && failed.lastReply == "550 no")
        let other = try await row(theirs.message.id)
        #expect(other.status == .sending && other.leaseOwner == "other" && other.attempts == 0)
        let counts = try await store.counts()
        #expect(counts.outbox[.sent] == 1 && counts.outbox[.failed] == 1 && counts.outbox[.queued] == 1)
        #expect(counts.outbox[.sending] == 1)
    }

    static func releaseLeases(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        for index in 0..<3 {
            _ = try await store.mustRegister(f.registration(username: "rel\(index)user", email: "rel\(index)@example.org"), f)
        }
        #expect(try await store.claimOutbox(owner: "leaving", limit: 2, lease: .seconds(600), now: f.now).count == 2)
        #expect(try await store.claimOutbox(owner: "staying", limit: 5, lease: .seconds(600), now: f.now).count == 1)
        #expect(try await store.releaseLeases(owner: "leaving") == 2)
        #expect(try await store.claimOutbox(owner: "next", limit: 5, lease: .seconds(600), now: f.now).count == 2)
        #expect(try await store.releaseLeases(owner: "leaving") == 0)
    }

    static func enqueue(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, _, _) = try await store.mustRegister(f.registration(username: "resend01", email: "rs@example.org"), f)
        let later = f.now.addingTimeInterval(120)
        let resend = try #require(try await store.enqueue(.activation, accountID: account.id, now: later))
        #expect(resend.kind == .activation && resend.status == .queued && resend.nextAttemptAt == later)
        #expect(try await store.account(id: account.id)?.remindedAt == nil)
        let reminder = try #require(try await store.enqueue(.reminder, accountID: account.id, now: later))
        #expect(reminder.kind == .reminder)
        #expect(try await store.account(id: account.id)?.remindedAt == later)
        #expect(try await store.outbox(accountID: account.id).map(\.kind) == [.activation, .activation, .reminder])
        #expect(try await store.enqueue(.activation, accountID: UUID(), now: later) == nil)
    }
}
