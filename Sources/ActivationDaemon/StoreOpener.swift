public import ActivationCore
import ActivationStorePostgres
import ActivationStoreSQLite
import Foundation
import Logging

/// Opens the store a configuration names, migrated and ready.
public enum StoreOpener {
    /// Opens and migrates the store at `location`.
    ///
    /// A PostgreSQL store's connection pool runs for the rest of the process (a task of its own);
    /// with `waitForDatabase`, a database that cannot be reached yet is waited for, with backoff
    /// (1 s doubling to 30 s), as `serve` does at start: hosts may start before their database.
    public static func open(_ location: DaemonConfiguration.StoreLocation, waitForDatabase: Bool = false)
        async throws -> any AccountStore
    {
        switch location {
        case .sqlite(let path):
            try PrivateFiles.prepareDatabase(at: path)
            let store = try SQLiteAccountStore(path: path)
            try await store.migrate()
            return store
        case .postgres(let location):
            let logger = Logger(label: "activationd.store")
            let store = try PostgresAccountStore(options: options(location), logger: logger)
            Task { try? await store.run() }
            var pause = Duration.seconds(1)
            while true {
                do {
                    // One connection first: a refusal under the TLS rules says why at once.
                    try await store.checkConnection()
                    try await store.migrate()
                    return store
                } catch {
                    guard waitForDatabase else { throw error }
                    // Refused by us (no TLS, an unverified server): said as such, and retried, since
                    // a man in the middle may go away; the password was not sent.
                    let refused = error is PostgresTLSRefusal
                    let message: Logger.Message = refused
                        ? "database refused at start (TLS); waiting for it" : "database unreachable at start; waiting for it"
                    logger.error(message, metadata: [
                        LogKey.event: refused ? "daemon.store_refused" : "daemon.store_unreachable",
                        LogKey.error: "\(error)", LogKey.retryIn: "\(pause.components.seconds)s",
                    ])
                    try await Task.sleep(for: pause)
                    pause = min(pause * 2, .seconds(30))
                }
            }
        }
    }

    /// Opens the store at `location`, runs `body` with it, and closes it: for commands that live
    /// only as long as one task.
    public static func withStore<T: Sendable>(
        _ location: DaemonConfiguration.StoreLocation, _ body: (any AccountStore) async throws -> T
    ) async throws -> T {
        let store = try await open(location)
        defer { try? (store as? SQLiteAccountStore)?.close() }
        return try await body(store)
    }

    /// The PostgreSQL store's options from the configuration's.
    static func options(_ location: DaemonConfiguration.PostgresLocation) -> PostgresStoreOptions {
        PostgresStoreOptions(
            host: location.host, port: location.port, username: location.username,
            password: location.password.flatMap { $0.value.isEmpty ? nil : $0.value }, database: location.database,
            tls: PostgresStoreOptions.TLSMode(rawValue: location.tls) ?? .prefer, caFile: location.caFile,
            poolSize: location.poolSize)
    }
}
