public import ActivationCore
public import ActivationStorePostgres
import ActivationStoreSQLite
import Foundation
import Logging

// The store the courier and intake benchmarks run on, shared by both.

/// Where a benchmark's store lives: a fresh SQLite file (the default), or the PostgreSQL database
/// named by `STORE_PG=host:port:user:database` (created empty by the script for each run).
public enum BenchStore {
    public static var postgres: PostgresStoreOptions? {
        guard let text = ProcessInfo.processInfo.environment["STORE_PG"] else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let port = Int(parts[1]) else {
            FileHandle.standardError.write(Data("STORE_PG must be host:port:user:database\n".utf8))
            exit(64)
        }
        return PostgresStoreOptions(host: parts[0], port: port, username: parts[2], database: parts[3], tls: .disable)
    }

    /// How many couriers (each with a store of its own, as hosts have) share the work: `HOSTS`.
    public static var hosts: Int { ProcessInfo.processInfo.environment["HOSTS"].flatMap { Int($0) } ?? 1 }

    /// Opens a store: a new PostgreSQL client (pool) on the database, or the SQLite file at `path`.
    public static func open(sqlitePath path: String) async throws -> any AccountStore {
        if let options = postgres {
            var logger = Logger(label: "bench.store")
            logger.logLevel = .warning
            let store = try PostgresAccountStore(options: options, logger: logger)
            Task { try? await store.run() }
            try await store.migrate()
            return store
        }
        let store = try SQLiteAccountStore(path: path)
        try await store.migrate()
        return store
    }
}
