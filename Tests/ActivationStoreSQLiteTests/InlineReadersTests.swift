import AccountStoreContract
import ActivationCore
import Foundation
import GRDB
@testable import ActivationStoreSQLite
import Synchronization
import Testing

/// The landing page's lookups run on the caller's thread when a read-only connection is free, and
/// must never wait there: not for a connection, not for a lock.
@Suite("SQLite store: inline lookups")
struct InlineReadersTests {
    @Test("a lookup sees the other store's commits, on its own thread when a reader is free and through the queue when none is",
          arguments: [2, 0])
    func lookupsSeeEveryCommit(inlineReaders: Int) async throws {
        try await withTemporarySQLiteStore { _, file in
            let store = try SQLiteAccountStore(path: file.path, busyTimeout: .seconds(5), inlineReaders: inlineReaders)
            defer { try? store.close() }
            let other = try SQLiteAccountStore(path: file.path)
            defer { try? other.close() }
            let fixtures = ContractFixtures()
            for index in 0..<5 {
                let registration = fixtures.registration(username: "inline\(index)", email: "inline\(index)@example.org")
                let account = fixtures.account(for: registration)
                _ = try await other.register(registration, as: account, now: fixtures.now)
                #expect(try await store.account(id: account.id)?.state == .pending)
                _ = try await other.activate(accountID: account.id, nonce: account.nonce, now: fixtures.now)
                #expect(try await store.account(id: account.id)?.state == .active)
            }
            #expect((store.inlineReaders?.answered.load(ordering: .relaxed) ?? 0) == (inlineReaders > 0 ? 10 : 0))
        }
    }

    @Test("with every inline reader lent out, a read answers nil at once instead of waiting")
    func noReaderFreeAnswersNil() async throws {
        try await withTemporarySQLiteStore { _, file in
            let readers = try InlineReaders(path: file.path, count: 1)
            defer { try? readers.close() }
            let outer: Int? = try readers.read { db in
                let inner: Int? = try readers.read { _ in 1 }
                #expect(inner == nil)
                return try Int.fetchOne(db, sql: "SELECT 2") ?? -1
            }
            #expect(outer == 2)
            // Free again afterwards.
            #expect(try readers.read { try Int.fetchOne($0, sql: "SELECT 3") ?? -1 } == 3)
        }
    }

    @Test("a file locked by another connection answers nil at once instead of waiting for the lock")
    func busyFileAnswersNil() async throws {
        // Rollback-journal mode, where a writer's EXCLUSIVE lock shuts every reader out (in WAL mode
        // readers are hardly ever busy, which is why the inline path can afford not to wait).
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("inline-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: file) }
        let locker = try DatabaseQueue(path: file.path)
        try locker.inDatabase { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        let readers = try InlineReaders(path: file.path, count: 1)
        defer { try? readers.close() }
        try locker.inDatabase { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            let started = ContinuousClock.now
            let answer: Int? = try readers.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") ?? -1 }
            #expect(answer == nil)
            #expect(ContinuousClock.now - started < .seconds(3))
            try db.execute(sql: "COMMIT")
        }
        #expect(try readers.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") ?? -1 } == 1)
        try locker.close()
    }
}
