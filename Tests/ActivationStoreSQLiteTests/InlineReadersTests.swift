import Foundation
import GRDB
@testable import ActivationStoreSQLite
import Testing

/// The landing page's lookups run on the caller's thread when a read-only connection is free, and
/// must never wait there: not for a connection, not for a lock. (That both ways see every commit:
/// SQLiteStoreTests.lookupsSeeEveryCommit.)
@Suite("SQLite store: inline lookups")
struct InlineReadersTests {
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
