import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    /// A delivery status notification's verdict on a row: the row is bounced once, the account's
    /// queued mail is cancelled, reminders pass it by, and the row outlives purges while its account
    /// exists. Rows being sent, cancelled or unknown are left alone with the reason.
    static func bounces(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let jane = try await store.mustRegister(f.registration(username: "bouncer1", email: "b1@example.org"), f)
        let other = try await store.mustRegister(f.registration(username: "bouncer2", email: "b2@example.org"), f)
        let claimed = try await store.claimOutbox(owner: "w", limit: 10, lease: .seconds(60), now: f.now)
        #expect(Set(claimed.map(\.message.id)) == [jane.activation.id, other.activation.id])
        #expect(try await store.recordDelivery(.sent(reply: "250 2.0.0 Ok"), messageID: jane.activation.id,
                                               owner: "w", now: f.now))
        // Being sent: the report is read again later, the row is not touched.
        #expect(try await store.recordBounce(messageID: other.activation.id, reply: "5.1.1 x", now: f.now) == .inFlight)
        #expect(try await store.outbox(accountID: other.account.id).map(\.status) == [.sending])

        // A resend queued before the report came is cancelled with the bounce.
        let resend = try #require(try await store.enqueue(.activation, accountID: jane.account.id, now: f.now))
        let later = f.now.addingTimeInterval(120)
        let reply = "5.1.1 unknown user: \"b1@example.org\""
        #expect(try await store.recordBounce(messageID: jane.activation.id, reply: reply, now: later)
            == .recorded(accountID: jane.account.id, kind: .activation, cancelled: 1))
        let rows = try await store.outbox(accountID: jane.account.id)
        #expect(rows.map(\.id) == [jane.activation.id, resend.id])
        #expect(rows.map(\.status) == [.bounced, .cancelled])
        #expect(rows[0].lastReply == reply && rows[0].lastAttemptAt == later && rows[0].leaseOwner == nil)
        #expect(rows[0].attempts == 1, "a bounce is not another attempt")
        // The same report read again changes nothing.
        #expect(try await store.recordBounce(messageID: jane.activation.id, reply: "other", now: later)
            == .alreadyRecorded(accountID: jane.account.id))
        #expect(try await store.outbox(accountID: jane.account.id).first?.lastReply == reply)
        #expect(try await store.recordBounce(messageID: UUID(), reply: reply, now: later) == .unknownRow)
        // A bounced row is final: no claim, no requeue, no late outcome.
        #expect(try await store.recordDelivery(.sent(reply: "250"), messageID: jane.activation.id, owner: "w",
                                               now: later) == false)
        #expect(try await store.requeueFailed(now: later) == 0)
        #expect(try await store.counts().outbox[.bounced] == 1)

        // A row that never went out (its account was replaced) cannot have bounced.
        let replaced = try await store.mustRegister(f.registration(username: "bouncer3", email: "b3@example.org"), f)
        let winner = try await store.mustRegister(f.registration(username: "bouncer4", email: "b3@example.org"), f)
        _ = try await store.activate(accountID: winner.account.id, nonce: winner.account.nonce, now: f.now)
        #expect(try await store.recordBounce(messageID: replaced.activation.id, reply: reply, now: later) == .notSent)

        // Reminders pass the bounced account by (the others get theirs).
        let dueBy = f.now.addingTimeInterval(31 * 86_400)
        let candidates = try await store.sweepCandidates(now: later, reminderDueBy: dueBy, finishedBefore: later)
        let reminded = try await store.queueReminders(dueBy: dueBy, now: later, limit: 10)
        #expect(!reminded.isEmpty && !reminded.contains { $0.id == jane.account.id })
        #expect(candidates.reminders == reminded.count)

        // Kept while the account exists (it keeps reminders away); purged with the rest once it is gone.
        let muchLater = f.now.addingTimeInterval(60 * 86_400)
        _ = try await store.purge(finishedBefore: muchLater, registrationsBefore: f.now)
        #expect(try await store.outbox(accountID: jane.account.id).map(\.status) == [.bounced])
        _ = try await store.expirePending(now: muchLater, limit: 100)
        #expect(try await store.sweepCandidates(now: muchLater, reminderDueBy: muchLater, finishedBefore: muchLater)
            .purgeableOutboxRows >= 1)
        _ = try await store.purge(finishedBefore: muchLater, registrationsBefore: f.now)
        #expect(try await store.outbox(accountID: jane.account.id).isEmpty)
    }
}
