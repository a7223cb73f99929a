import AccountStoreContract
import ActivationCore
@testable import ActivationStoreSQLite
import Foundation
import Testing

@Suite("SQLite store: a restarted serve recovers the leases of a killed one")
struct SQLiteLeaseRecoveryTests {
    /// Registers an account and returns its activation mail's id.
    func registerOne(_ store: SQLiteAccountStore, _ fixtures: ContractFixtures, _ name: String) async throws -> UUID {
        let registration = fixtures.registration(username: name, email: "\(name)@example.org")
        let result = try await store.register(registration, as: fixtures.account(for: registration), now: fixtures.now)
        guard case .created(_, let activation, _) = result else {
            Issue.record("expected created, got \(result)")
            throw CancellationError()
        }
        return activation.id
    }

    @Test("rows leased by a courier that is gone are due at once for the serve that holds the file's lock; a second serve on the file recovers nothing, and takes over only once the first has closed")
    func recoveryNeedsTheServeLock() async throws {
        try await withTemporarySQLiteStore { killed, file in
            let fixtures = ContractFixtures()
            let mail = try await registerOne(killed, fixtures, "leased")
            // The killed courier's claim: leased for 5 minutes, never recorded, never released.
            let claimed = try await killed.claimOutbox(owner: "killed", limit: 10, lease: .seconds(300), now: fixtures.now)
            #expect(claimed.map(\.message.id) == [mail])
            #expect(try await killed.claimOutbox(owner: "other", limit: 10, lease: .seconds(300), now: fixtures.now).isEmpty)

            let first = try SQLiteAccountStore(path: file.path)
            #expect(try await first.recoverLeases() == 1)
            #expect(FileManager.default.fileExists(atPath: file.path + "-serve.lock"))
            // Due now, not in five minutes.
            let again = try await first.claimOutbox(owner: "first", limit: 10, lease: .seconds(300), now: fixtures.now)
            #expect(again.map(\.message.id) == [mail])
            // Taking the lock twice is harmless, and recovers this serve's own rows too: callers
            // recover before their courier claims.
            #expect(try await first.recoverLeases() == 1)
            _ = try await first.claimOutbox(owner: "first", limit: 10, lease: .seconds(300), now: fixtures.now)

            // A second serve on the same file (another open file description: flock excludes it even
            // in this process) cannot tell that the first is gone, and leaves its lease alone.
            let second = try SQLiteAccountStore(path: file.path)
            defer { try? second.close() }
            #expect(try await second.recoverLeases() == nil)
            #expect(try await second.claimOutbox(owner: "second", limit: 10, lease: .seconds(300), now: fixtures.now).isEmpty)

            // The first closes (as a killed process's lock goes with it): now the second takes over.
            try first.close()
            #expect(try await second.recoverLeases() == 1)
            let taken = try await second.claimOutbox(owner: "second", limit: 10, lease: .seconds(300), now: fixtures.now)
            #expect(taken.map(\.message.id) == [mail])
        }
    }
}
