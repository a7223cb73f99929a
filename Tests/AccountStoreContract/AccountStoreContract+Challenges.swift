import ActivationCore
import Foundation
import Testing

/// The registration page's used challenge ids: one first use, the same form again, and
/// a replay with other content told apart, across a reopened store (another host) too.
extension AccountStoreContract {
    static func challengeUse(
        _ store: any AccountStore, reopen: @Sendable () async throws -> any AccountStore, _ f: ContractFixtures
    ) async throws {
        let id = UUID()
        let expiresAt = f.now.addingTimeInterval(20 * 60)
        let first = try await store.useChallenge(id: id, fingerprint: "form-a", submittedAt: f.now, expiresAt: expiresAt)
        #expect(first == .first)
        // The same form again, a second later: the first submission's time comes back.
        let again = try await store.useChallenge(id: id, fingerprint: "form-a", submittedAt: f.now.addingTimeInterval(1),
                                                 expiresAt: expiresAt)
        #expect(again == .again(submittedAt: f.now))
        // Other content with the used id: a replay, on this host or another.
        #expect(try await store.useChallenge(id: id, fingerprint: "form-b", submittedAt: f.now, expiresAt: expiresAt)
            == .otherForm)
        let other = try await reopen()
        #expect(try await other.useChallenge(id: id, fingerprint: "form-b", submittedAt: f.now, expiresAt: expiresAt)
            == .otherForm)
        // Another id is unaffected.
        #expect(try await other.useChallenge(id: UUID(), fingerprint: "form-b", submittedAt: f.now, expiresAt: expiresAt)
            == .first)
    }

    static func concurrentChallengeUses(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let id = UUID()
        let expiresAt = f.now.addingTimeInterval(20 * 60)
        let uses = try await withThrowingTaskGroup(of: ChallengeUse.self) { group in
            for index in 0..<16 {
                group.addTask {
                    try await store.useChallenge(id: id, fingerprint: index % 2 == 0 ? "same" : "other-\(index)",
                                                 submittedAt: f.now, expiresAt: expiresAt)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(uses.filter { $0 == .first }.count == 1)
    }

    static func forgetChallenges(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let early = UUID()
        let late = UUID()
        _ = try await store.useChallenge(id: early, fingerprint: "a", submittedAt: f.now,
                                         expiresAt: f.now.addingTimeInterval(60))
        _ = try await store.useChallenge(id: late, fingerprint: "b", submittedAt: f.now,
                                         expiresAt: f.now.addingTimeInterval(600))
        #expect(try await store.forgetChallenges(expiredBefore: f.now) == 0)
        #expect(try await store.forgetChallenges(expiredBefore: f.now.addingTimeInterval(61)) == 1)
        // The forgotten id is new again (it could no longer be posted: its token has expired);
        // the other is still remembered.
        #expect(try await store.useChallenge(id: early, fingerprint: "c", submittedAt: f.now,
                                             expiresAt: f.now.addingTimeInterval(60)) == .first)
        #expect(try await store.useChallenge(id: late, fingerprint: "c", submittedAt: f.now,
                                             expiresAt: f.now.addingTimeInterval(600)) == .otherForm)
    }
}
