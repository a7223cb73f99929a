import AccountStoreContract
import ActivationCore
@testable import ActivationStoreSQLite
import Foundation
import GRDB
import Testing

@Suite("SQLite store: upgrading a store made by an earlier version")
struct SQLiteMigrationTests {
    @Test("the outbox rebuilt for the bounced state keeps every row, its rowid order, its indexes and its CHECK")
    func outboxRebuildKeepsRows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("activationd-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteAccountStore(path: directory.appendingPathComponent("activationd.sqlite").path)
        defer { try? store.close() }
        do {
            // The schema as the previous release left it.
            try SQLiteAccountStore.migrator.migrate(store.pool, upTo: "used registration challenges")
            let f = ContractFixtures()
            var accounts: [Account] = []
            for index in 0..<3 {
                let registration = f.registration(username: "upgrade\(index)", email: "u\(index)@example.org")
                guard case .created(let account, _, _) = try await store.register(
                    registration, as: f.account(for: registration), now: f.now)
                else { throw ContractViolationForTest() }
                accounts.append(account)
                // Several rows in one millisecond: only the rowid orders them.
                _ = try await store.enqueue(.activation, accountID: account.id, now: f.now)
            }
            let claimed = try await store.claimOutbox(owner: "w", limit: 1, lease: .seconds(60), now: f.now)
            _ = try await store.recordDelivery(.sent(reply: "250 ok"), messageID: claimed[0].message.id, owner: "w",
                                               now: f.now)
            var before: [[OutboxMessage]] = []
            for account in accounts { before.append(try await store.outbox(accountID: account.id)) }

            try await store.migrate()
            var after: [[OutboxMessage]] = []
            for account in accounts { after.append(try await store.outbox(accountID: account.id)) }
            #expect(after == before, "every row, in the same order, with the same values")
            let indexes = try await store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND sql IS NOT NULL ORDER BY name")
            }
            #expect(indexes == ["outbox_account", "outbox_due", "outbox_lease"])
            #expect(try await store.recordBounce(messageID: claimed[0].message.id, reply: "5.1.1 x", now: f.now)
                == .recorded(accountID: claimed[0].message.accountID, kind: .activation, cancelled: 1))
            await #expect(throws: (any Error).self) {
                try await store.pool.write { db in try db.execute(sql: "UPDATE outbox SET status = 'lost'") }
            }
        }
    }
}

struct ContractViolationForTest: Error {}
