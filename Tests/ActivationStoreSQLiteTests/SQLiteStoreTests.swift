import AccountStoreContract
import ActivationCore
@testable import ActivationStoreSQLite
import Foundation
import Synchronization
import Testing

@Suite("SQLite store: file, schema and concurrency")
struct SQLiteStoreTests {
    @Test("the database is in WAL mode and migrating twice is harmless")
    func walAndRepeatedMigration() async throws {
        try await withTemporarySQLiteStore { store, file in
            try await store.migrate()
            let fixtures = ContractFixtures()
            let registration = fixtures.registration(username: "walcheck", email: "w@example.org")
            _ = try await store.register(registration, as: fixtures.account(for: registration), now: fixtures.now)
            #expect(FileManager.default.fileExists(atPath: file.path + "-wal"))
            // A second store on the same file (the CLI beside the daemon) sees the same data.
            let other = try SQLiteAccountStore(path: file.path)
            try await other.migrate()
            #expect(try await other.account(username: "WALCHECK")?.registrationID == registration.id)
            try other.close()
        }
    }

    @Test("two stores on one file never create the same username twice")
    func twoConnectionsRace() async throws {
        try await withTemporarySQLiteStore { store, file in
            let other = try SQLiteAccountStore(path: file.path)
            defer { try? other.close() }
            let fixtures = ContractFixtures()
            let results = try await withThrowingTaskGroup(of: RegistrationResult.self) { group in
                for index in 0..<20 {
                    let target: SQLiteAccountStore = index.isMultiple(of: 2) ? store : other
                    group.addTask {
                        let registration = fixtures.registration(username: "samename", email: "s\(index)@example.org")
                        return try await target.register(registration, as: fixtures.account(for: registration),
                                                         now: fixtures.now)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = results.filter { if case .created = $0 { true } else { false } }
            #expect(created.count == 1)
            #expect(results.filter { $0 == .rejected([.usernameTaken]) }.count == 19)
        }
    }

    @Test("a lookup shows each account as it is now, after a write by another store on the file: on its own thread when an inline reader is free, through the queue when none is",
          arguments: [2, 0])
    func lookupsSeeEveryCommit(inlineReaders: Int) async throws {
        try await withTemporarySQLiteStore { _, file in
            let store = try SQLiteAccountStore(path: file.path, busyTimeout: .seconds(5), inlineReaders: inlineReaders)
            defer { try? store.close() }
            // The other store stands for a second process (the CLI beside the daemon): its own
            // connections, no shared memory but the file.
            let other = try SQLiteAccountStore(path: file.path)
            defer { try? other.close() }
            let fixtures = ContractFixtures()
            for index in 0..<20 {
                let registration = fixtures.registration(username: "seen\(index)", email: "seen\(index)@example.org")
                let account = fixtures.account(for: registration)
                _ = try await store.register(registration, as: account, now: fixtures.now)
                #expect(try await store.account(id: account.id)?.state == .pending)
                let result = try await other.activate(accountID: account.id, nonce: account.nonce, now: fixtures.now)
                guard case .activated = result else { Issue.record("not activated: \(result)"); return }
                #expect(try await store.account(id: account.id)?.state == .active)
                #expect(try await store.account(username: "SEEN\(index)")?.state == .active)
            }
            // Three lookups a round, each answered inline when the store has inline readers.
            #expect((store.inlineReaders?.answered.load(ordering: .relaxed) ?? 0) == (inlineReaders > 0 ? 60 : 0))
        }
    }
}
