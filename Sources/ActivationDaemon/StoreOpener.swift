public import ActivationCore
import ActivationStorePostgres
import ActivationStoreSQLite
import Foundation
import Logging

/// Opens the store a configuration names, migrated and ready, for as long as one body runs: the
/// one lifecycle of both stores, for `serve` and every command.
public enum StoreOpener {
    /// Opens the store at `location`, runs it (`AccountStore.run`, in a child task: PostgreSQL's
    /// connection pool), migrates it, runs `body` with it, then cancels the run and closes the
    /// store, whether `body` returned or threw. `serve`'s whole service group runs in `body`, so the
    /// store stops after every part of the daemon that uses it.
    ///
    /// With `waitForDatabase`, a PostgreSQL database that cannot be reached yet is waited for, with
    /// backoff (1 s doubling to 30 s), as `serve` does at start: hosts may start before their
    /// database. Errors before `body` runs are `StoreOpenError`s; `body`'s own pass through.
    public static func withStore<T: Sendable>(
        _ location: DaemonConfiguration.StoreLocation, waitForDatabase: Bool = false,
        _ body: (any AccountStore) async throws -> T
    ) async throws -> T {
        let opened: Opened
        do {
            opened = try make(location)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw StoreOpenError(underlying: error)
        }
        let store = opened.store
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask { try await store.run() }
            let result: Result<T, any Error>
            do {
                try await prepare(opened, waitForDatabase: waitForDatabase)
                result = .success(try await body(store))
            } catch {
                result = .failure(error)
            }
            group.cancelAll()
            // The run's own failure (a second run of one store) is the caller's to see.
            try await group.waitForAll()
            try await store.close()
            return try result.get()
        }
    }

    /// A store made, not yet running, and what readies it once it runs.
    private struct Opened {
        let store: any AccountStore
        /// Proves the store can be used and migrates it.
        let prepare: @Sendable () async throws -> Void
        /// Whether a failed `prepare` may be waited out (a database server not up yet).
        let mayWait: Bool
    }

    /// The store `location` names, not yet running.
    private static func make(_ location: DaemonConfiguration.StoreLocation) throws -> Opened {
        switch location {
        case .sqlite(let path):
            try PrivateFiles.prepareDatabase(at: path)
            let store = try SQLiteAccountStore(path: path)
            return Opened(store: store, prepare: { try await store.migrate() }, mayWait: false)
        case .postgres(let location):
            let store = try PostgresAccountStore(options: options(location), logger: Logger(label: "activationd.store"))
            // One connection first: a refusal under the TLS rules says why at once.
            return Opened(store: store, prepare: {
                try await store.checkConnection()
                try await store.migrate()
            }, mayWait: true)
        }
    }

    /// Runs `opened.prepare`; with `waitForDatabase`, a server that cannot be reached (or is
    /// refused) is waited for.
    private static func prepare(_ opened: Opened, waitForDatabase: Bool) async throws {
        let logger = Logger(label: "activationd.store")
        var pause = Duration.seconds(1)
        while true {
            do {
                try await opened.prepare()
                return
            } catch {
                guard waitForDatabase, opened.mayWait else { throw StoreOpenError(underlying: error) }
                // Refused by us (no TLS, an unverified server): said as such, and retried, since
                // a man in the middle may go away; the password was not sent.
                let refused = error is PostgresTLSRefusal
                let message: Logger.Message = refused
                    ? "database refused at start (TLS); waiting for it" : "database unreachable at start; waiting for it"
                logger.error(message, metadata: [
                    LogKey.event: "\(refused ? DaemonEvent.storeRefused : DaemonEvent.storeUnreachable)",
                    LogKey.error: "\(error)", LogKey.retryIn: "\(pause.components.seconds)s",
                ])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(30))
            }
        }
    }

    /// The PostgreSQL store's options from the configuration's.
    static func options(_ location: DaemonConfiguration.PostgresLocation) -> PostgresStoreOptions {
        PostgresStoreOptions(
            host: location.host, port: location.port, username: location.username,
            password: location.password.flatMap { $0.value.isEmpty ? nil : $0.value }, database: location.database,
            tls: location.tls, caFile: location.caFile,
            poolSize: location.poolSize)
    }
}

/// The store could not be opened or migrated: the error says why.
public struct StoreOpenError: Error, CustomStringConvertible {
    public let underlying: any Error
    public var description: String { "\(underlying)" }
}
