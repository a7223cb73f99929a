// ActivationStoreSQLite — the embedded AccountStore: one SQLite file in WAL mode through GRDB.
//
// Owns: the SQLite schema and its migrations, and every SQL statement run against it.
// Untrusted: nothing from outside arrives here unchecked; values are always bound, never spliced
// into SQL. Several processes may open the same file (the CLI beside the daemon): every write is
// an IMMEDIATE transaction and waits up to the busy timeout for the file lock.
public import ActivationCore
import GRDB

/// An `AccountStore` in one SQLite file.
public final class SQLiteAccountStore: AccountStore {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path`. Call `migrate()` before use.
    ///
    /// - Parameter busyTimeout: how long a write waits for another process's lock.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.timeInterval)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// Creates or upgrades the schema.
    public func migrate() async throws {
        try Self.migrator.migrate(pool)
    }

    /// Runs `body` in one IMMEDIATE transaction, so that two processes never deadlock upgrading
    /// a read lock to a write lock.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Closes the database.
    public func close() throws {
        try pool.close()
    }
}
