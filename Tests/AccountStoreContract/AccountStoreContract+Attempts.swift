import ActivationCore
import Foundation
import Testing

extension AccountStoreContract {
    /// Many concurrent reservations on one link: exactly `limit` are granted, whatever the race.
    static func atomicAttemptReservations(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, _, _) = try await store.mustRegister(f.registration(username: "guessed1", email: "g@example.org"), f)
        let results = try await withThrowingTaskGroup(of: PasswordAttemptReservation.self) { group in
            for _ in 0..<60 {
                group.addTask {
                    try await store.reservePasswordAttempt(accountID: account.id, limit: 5, window: .seconds(900),
                                                           now: f.now)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let counts = results.compactMap { if case .reserved(let attempts) = $0 { attempts.count } else { nil } }
        #expect(counts.sorted() == [1, 2, 3, 4, 5], "each reservation got its own count")
        let lockEnd = f.now.addingTimeInterval(900)
        #expect(results.filter { $0 == .locked(until: lockEnd) }.count == 55)
        #expect(try await store.account(id: account.id)?.passwordAttempts == PasswordAttempts(count: 5, resetAt: lockEnd))
    }

    /// The window, the lock that the limit starts, its end, and activation clearing the count.
    static func attemptLimitAndLock(_ store: any AccountStore, _ f: ContractFixtures) async throws {
        let (account, _, _) = try await store.mustRegister(f.registration(username: "guessed2", email: "h@example.org"), f)
        func reserve(_ at: Date) async throws -> PasswordAttemptReservation {
            try await store.reservePasswordAttempt(accountID: account.id, limit: 3, window: .seconds(600), now: at)
        }
        let t0 = f.now
        #expect(try await reserve(t0) == .reserved(PasswordAttempts(count: 1, resetAt: t0.addingTimeInterval(600))))
        #expect(try await reserve(t0.addingTimeInterval(100))
            == .reserved(PasswordAttempts(count: 2, resetAt: t0.addingTimeInterval(600))))
        // A window that passed starts again with this check.
        let t1 = t0.addingTimeInterval(600)
        #expect(try await reserve(t1) == .reserved(PasswordAttempts(count: 1, resetAt: t1.addingTimeInterval(600))))
        #expect(try await reserve(t1.addingTimeInterval(10))
            == .reserved(PasswordAttempts(count: 2, resetAt: t1.addingTimeInterval(600))))
        // The check that reaches the limit locks the link for the window from then.
        let t2 = t1.addingTimeInterval(20)
        let lockEnd = t2.addingTimeInterval(600)
        #expect(try await reserve(t2) == .reserved(PasswordAttempts(count: 3, resetAt: lockEnd)))
        #expect(try await reserve(t2.addingTimeInterval(1)) == .locked(until: lockEnd))
        #expect(try await reserve(lockEnd.addingTimeInterval(-1)) == .locked(until: lockEnd))
        #expect(try await store.account(id: account.id)?.passwordAttempts.lockedUntil(limit: 3, at: t2) == lockEnd)
        // Once the lock ends, counting starts again.
        #expect(try await reserve(lockEnd) == .reserved(PasswordAttempts(count: 1, resetAt: lockEnd.addingTimeInterval(600))))
        // Activation clears the count; an active or missing account reserves nothing.
        _ = try await store.activate(accountID: account.id, nonce: account.nonce, now: lockEnd)
        #expect(try await store.account(id: account.id)?.passwordAttempts == PasswordAttempts.unused)
        #expect(try await reserve(lockEnd) == .unavailable)
        #expect(try await store.reservePasswordAttempt(accountID: UUID(), limit: 3, window: .seconds(600), now: t0)
            == .unavailable)
    }

    /// A lock made through one store is still there through the same database opened again.
    static func attemptsSurviveReopen(
        _ store: any AccountStore, reopen: @Sendable () async throws -> any AccountStore, _ f: ContractFixtures
    ) async throws {
        let (account, _, _) = try await store.mustRegister(f.registration(username: "guessed3", email: "i@example.org"), f)
        for _ in 0..<2 {
            _ = try await store.reservePasswordAttempt(accountID: account.id, limit: 2, window: .seconds(900), now: f.now)
        }
        let reopened = try await reopen()
        let lockEnd = f.now.addingTimeInterval(900)
        #expect(try await reopened.reservePasswordAttempt(accountID: account.id, limit: 2, window: .seconds(900),
                                                          now: f.now.addingTimeInterval(60)) == .locked(until: lockEnd))
        #expect(try await reopened.account(id: account.id)?.passwordAttempts == PasswordAttempts(count: 2, resetAt: lockEnd))
    }
}
