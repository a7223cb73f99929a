import AccountStoreContract
import ActivationCore
@testable import ActivationStorePostgres
import Foundation
import Testing
import TestSupport

@Suite("PostgreSQL store: migrations")
struct PostgresMigrationTests {
    /// Four hosts starting at once on an empty database, then four hosts upgraded together to a
    /// release with one more migration: every start succeeds, and each migration runs once (a
    /// sequence, which no rollback takes back, counts how often the new migration's statements ran;
    /// without the advisory lock all four hosts run them before one of them commits).
    @Test func concurrentMigrationsApplyEachMigrationOnce() async throws {
        try await PostgresStores.fresh().use { stores in
            let hosts = try (0..<4).map { _ in try stores.openUnmigrated() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for host in hosts {
                    group.addTask { try await host.migrate() }
                }
                try await group.waitForAll()
            }
            let shipped = PostgresAccountStore.migrations.map(\.identifier)
            #expect(shipped.first == "v1" && shipped.contains("outbox rows can bounce"))
            #expect(try await hosts[0].appliedMigrations() == shipped)

            try await stores.cluster.psql("CREATE SEQUENCE migration_probe", database: stores.database)
            let migrations = PostgresAccountStore.migrations + [
                PostgresAccountStore.Migration(identifier: "probe", statements: [
                    "SELECT nextval('migration_probe')",
                    // Widens the window in which an unlocked second host would also run it.
                    "SELECT pg_sleep(0.3)",
                ]),
            ]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for host in hosts {
                    group.addTask { try await host.migrate(migrations) }
                }
                try await group.waitForAll()
            }
            let probeRuns = try await stores.cluster.psql("SELECT last_value FROM migration_probe",
                                                          database: stores.database)
            #expect(probeRuns.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            #expect(try await hosts[0].appliedMigrations() == shipped + ["probe"])
            // Again, as every later start does: nothing changes.
            try await hosts[1].migrate(migrations)
            #expect(try await hosts[2].appliedMigrations() == shipped + ["probe"])
            // The schema works from every host.
            let fixtures = ContractFixtures()
            let registration = fixtures.registration(username: "migrated1", email: "m@example.org")
            let result = try await hosts[3].register(registration, as: fixtures.account(for: registration),
                                                     now: fixtures.now)
            guard case .created(let account, _, _) = result else {
                Issue.record("expected created, got \(result)")
                return
            }
            #expect(try await hosts[0].account(id: account.id) == account)
        }
    }

    /// Printed or logged, the options never show the password.
    @Test func optionsNeverShowThePassword() {
        let options = PostgresStoreOptions(host: "db.example.org", username: "activationd",
                                           password: "hunter2-secret", database: "accounts")
        #expect(!String(describing: options).contains("hunter2"))
        #expect(!String(reflecting: options).contains("hunter2"))
        #expect(String(describing: options).contains("password: set"))
    }
}
