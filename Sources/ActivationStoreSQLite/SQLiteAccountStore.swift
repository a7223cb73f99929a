// ActivationStoreSQLite — the embedded AccountStore: one SQLite file in WAL mode through GRDB.
//
// Owns: the SQLite schema and its migrations, and every SQL statement run against it.
// Untrusted: nothing from outside arrives here unchecked; values are always bound, never spliced
// into SQL. Several processes may open the same file (the CLI beside the daemon): every write is
// an IMMEDIATE transaction and waits up to the busy timeout for the file lock.
public import ActivationCore
import Dispatch
import Foundation
import GRDB
import Synchronization

/// An `AccountStore` in one SQLite file.
public final class SQLiteAccountStore: AccountStore {
    let pool: DatabasePool
    /// Read-only connections a `lookup` uses on its own thread when one is free; nil with none.
    let inlineReaders: InlineReaders?
    /// The lock that says one `serve` uses this file; taken by `recoverLeases`.
    let serveLock: ServeLock

    /// Opens (creating if needed) the database at `path`. Call `migrate()` before use.
    ///
    /// - Parameter busyTimeout: how long a write waits for another process's lock.
    public convenience init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        try self.init(path: path, busyTimeout: busyTimeout, inlineReaders: max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    /// - Parameter inlineReaders: how many read-only connections `lookup` may use on the caller's
    ///   thread (0: every lookup hops to a queue).
    init(path: String, busyTimeout: Duration, inlineReaders count: Int) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout.timeInterval)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        inlineReaders = count > 0 ? try InlineReaders(path: path, count: count) : nil
        serveLock = ServeLock(path: path + "-serve.lock")
    }

    /// Creates or upgrades the schema.
    public func migrate() async throws {
        try Self.migrator.migrate(pool)
    }

    /// The serial queues `lookup`s run on when no inline reader is free, taken in turn: GRDB's own
    /// kind of queue, whose threads are not Swift concurrency's cooperative pool. Fewer than GRDB's
    /// five reader connections, so a lookup never waits for one. Shared by every store of the process.
    static let lookupQueues = (0..<4).map { DispatchQueue(label: "activationd.sqlite.lookup.\($0)") }
    /// How many lookups were handed out: the next one goes to this count's queue, round robin.
    static let nextLookupQueue = Atomic<Int>(0)

    /// Runs `body`, a single SELECT, on a reader connection.
    ///
    /// The path of every landing page (docs/PERFORMANCE.md, "Activation page on the real daemon").
    /// First choice: one of `inlineReaders`, on the calling thread, if one is free at
    /// once: a lookup by key reads a few cached pages in microseconds, and such a connection never
    /// waits for a lock (busy timeout 0: a busy file sends the lookup the other way). Otherwise one
    /// hop to one of `lookupQueues`, where GRDB's synchronous `unsafeRead` runs it on a pool reader,
    /// and back: GRDB's async `read` hops twice and wraps the statement in BEGIN, PRAGMA
    /// schema_version and COMMIT, which cost the page more than the lookup itself.
    ///
    /// Either way nothing is cached: a single statement in autocommit mode reads one consistent
    /// snapshot and sees every commit made before it started, by this process or another on the
    /// same file. Reads of several statements that must agree use `pool.read`.
    func lookup<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let answer = try inlineReaders?.read(body) { return answer }
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

    /// Nothing to run beside the calls: waits until cancelled; see `AccountStore.run`.
    public func run() async throws {
        let (wait, continuation) = AsyncStream<Never>.makeStream()
        for await _ in wait {}
        continuation.finish()
    }

    /// SQLite's memory in this process (`sqlite3_memory_used`), shared by every store of the process.
    public func engineMemoryInUse() -> Int64? {
        SQLiteMemory.used
    }

    /// Closes the database.
    public func close() throws {
        try inlineReaders?.close()
        try pool.close()
        serveLock.release()
    }
}
