import AccountStoreContract
import ActivationCore
@testable import ActivationStorePostgres
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

/// Stores opened on one database of the shared test cluster, each with its client running, all
/// stopped when the test ends: the first is the store under test, the others are "other hosts"
/// (a contract check's `reopen`, the migration test's racers).
final class PostgresStores: Sendable {
    let cluster: PostgresCluster
    let database: String
    private let running = Mutex<[(PostgresAccountStore, Task<Void, Never>)]>([])

    init(cluster: PostgresCluster, database: String) {
        self.cluster = cluster
        self.database = database
    }

    /// A fresh database on the shared cluster.
    static func fresh() async throws -> PostgresStores {
        let cluster = try await PostgresCluster.shared()
        return PostgresStores(cluster: cluster, database: try await cluster.createDatabase())
    }

    var options: PostgresStoreOptions {
        // Small pools: the contract's cases run in parallel, each with a store or two.
        PostgresStoreOptions(host: cluster.host, port: cluster.port, username: cluster.username,
                             database: database, tls: .disable, poolSize: 4)
    }

    /// A store on the database with its client running, not yet migrated.
    func openUnmigrated() throws -> PostgresAccountStore {
        var logger = Logger(label: "test.postgres")
        // Not .warning: postgres-nio warns whenever a lease comes before the run task has started,
        // which on 2 busy cores is often, and harmless (the lease waits for it).
        logger.logLevel = .error
        let store = try PostgresAccountStore(options: options, logger: logger)
        let task = Task { _ = try? await store.run() }
        running.withLock { $0.append((store, task)) }
        return store
    }

    /// A migrated store on the database.
    func open() async throws -> PostgresAccountStore {
        let store = try openUnmigrated()
        try await store.migrate()
        return store
    }

    /// Stops every store's client.
    func close() async {
        for (_, task) in running.withLock({ $0 }) {
            task.cancel()
            await task.value
        }
    }

    /// Runs `body`, then closes the stores, whatever `body` did.
    func use<T: Sendable>(_ body: (PostgresStores) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}

@Suite("PostgreSQL store: the AccountStore contract")
struct PostgresContractTests {
    @Test(arguments: AccountStoreContract.allCases)
    func contract(_ check: AccountStoreContract) async throws {
        try await PostgresStores.fresh().use { stores in
            let store = try await stores.open()
            // Reopening: a second store (another client, another pool) on the same database, as a
            // restarted daemon or another host opens it.
            try await check.run(on: store, reopen: { try await stores.open() })
        }
    }
}
