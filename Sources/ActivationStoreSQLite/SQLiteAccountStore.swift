// ActivationStoreSQLite — the embedded AccountStore: one SQLite file in WAL mode through GRDB.
//
// Owns: the SQLite schema and its migrations, and every SQL statement run against it.
// Untrusted: nothing from outside arrives here unchecked; values are always bound, never spliced
// into SQL. Several processes may open the same file (the CLI beside the daemon): every write is
// an IMMEDIATE transaction and waits up to the busy timeout for the file lock.
public import ActivationCore
import Dispatch
import GRDB
import Synchronization

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

    /// The serial queues `lookup`s run on, taken in turn: GRDB's own kind of queue, whose threads
    /// are not Swift concurrency's cooperative pool (a read can wait on the disk). Fewer than GRDB's
    /// five reader connections, so a lookup never waits for one. Shared by every store of the process.
    static let lookupQueues = (0..<4).map { DispatchQueue(label: "activationd.sqlite.lookup.\($0)") }
    /// How many lookups were handed out: the next one goes to this count's queue, round robin.
    static let nextLookupQueue = Atomic<Int>(0)

    /// Runs `body`, a single SELECT, on a reader connection, from one of `lookupQueues`.
    ///
    /// The path of every landing page (issue 15). GRDB's async `read` hops from the task to the
    /// pool's queue, to the connection's queue and back, and wraps the statement in BEGIN, PRAGMA
    /// schema_version and COMMIT: under wrk that cost the page more than the lookup itself
    /// (docs/PERFORMANCE.md, "Activation page on the real daemon"). Here it is one hop there and
    /// back, and the synchronous `unsafeRead` runs on that queue's thread. Without the transaction a
    /// single statement still reads one consistent snapshot (SQLite's autocommit) and sees every
    /// commit made before it started, by this process or another on the same file: nothing is
    /// cached. Reads of several statements that must agree use `pool.read`.
    func lookup<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let turn = UInt(bitPattern: Self.nextLookupQueue.wrappingAdd(1, ordering: .relaxed).oldValue)
        let queue = Self.lookupQueues[Int(turn % UInt(Self.lookupQueues.count))]
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { [pool] in
                continuation.resume(with: Result { try pool.unsafeRead(body) })
            }
        }
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
