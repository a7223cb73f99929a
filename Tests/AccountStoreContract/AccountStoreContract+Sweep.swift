import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    static func reminders(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let soon = try await store.mustRegister(f.registration(username: "soonuser", email: "soon@example.org"), f)
        let later = try await store.mustRegister(f.registration(username: "lateruser", email: "later@example.org"), f,
                                                 at: f.now.addingTimeInterval(10 * 86_400))
        _ = try await store.mustRegisterActive(f.registration(username: "activeuser", email: "act@example.org"), f)
        // Three days before the first account expires: only it is due.
        let now = soon.account.expiresAt.addingTimeInterval(-3 * 86_400)
        let dueBy = now.addingTimeInterval(3 * 86_400)
        #expect(try await store.sweepCandidates(now: now, reminderDueBy: dueBy, finishedBefore: f.now).reminders == 1)
        let reminded = try await store.queueReminders(dueBy: dueBy, now: now, limit: 10)
        #expect(reminded.map(\.id) == [soon.account.id])
        #expect(reminded.first?.remindedAt == now)
        #expect(try await store.outbox(accountID: soon.account.id).map(\.kind) == [.activation, .reminder])
        // Once per account.
        #expect(try await store.queueReminders(dueBy: dueBy, now: now, limit: 10).isEmpty)
        // An account already past expiry gets no reminder (it is about to be removed).
        let afterBoth = later.account.expiresAt.addingTimeInterval(1)
        #expect(try await store.queueReminders(dueBy: afterBoth, now: afterBoth, limit: 10).isEmpty)
        #expect(try await store.sweepCandidates(now: afterBoth, reminderDueBy: afterBoth, finishedBefore: f.now).expired
            == 2)
    }

    static func purge(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let sent = try await store.mustRegister(f.registration(username: "sentuser", email: "sent@example.org"), f)
        let failed = try await store.mustRegister(f.registration(username: "failuser", email: "fail@example.org"), f)
        let queued = try await store.mustRegister(f.registration(username: "queueuser", email: "queue@example.org"), f)
        for claim in try await store.claimOutbox(owner: "w", limit: 10, lease: .seconds(60), now: f.now) {
            switch claim.message.id {
            case sent.activation.id:
                _ = try await store.recordDelivery(.sent(reply: "250"), messageID: claim.message.id, owner: "w", now: f.now)
            case failed.activation.id:
                _ = try await store.recordDelivery(.failed(reply: "550"), messageID: claim.message.id, owner: "w", now: f.now)
            default:
                _ = try await store.releaseLeases(owner: "w")
            }
        }
        let monthLater = f.now.addingTimeInterval(31 * 86_400)
        #expect(try await store.sweepCandidates(now: f.now, reminderDueBy: f.now, finishedBefore: monthLater)
            .purgeableOutboxRows == 1)
        // Nothing is old enough yet.
        #expect(try await store.purge(finishedBefore: f.now, registrationsBefore: f.now)
            == PurgeCounts(outboxRows: 0, registrationIDs: 0))
        let purged = try await store.purge(finishedBefore: monthLater, registrationsBefore: monthLater)
        #expect(purged == PurgeCounts(outboxRows: 1, registrationIDs: 3))
        #expect(try await store.outbox(accountID: sent.account.id).isEmpty)
        #expect(try await store.outbox(accountID: failed.account.id).map(\.status) == [.failed])
        #expect(try await store.outbox(accountID: queued.account.id).map(\.status) == [.queued])
    }
}
