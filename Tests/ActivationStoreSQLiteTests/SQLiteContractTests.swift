import AccountStoreContract
import ActivationCore
import ActivationStoreSQLite
import Foundation
import Synchronization
import Testing

/// A migrated store in a new temporary SQLite file, removed when the test ends.
func withTemporarySQLiteStore<T>(_ body: (SQLiteAccountStore, URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("activationd-sqlite-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("activationd.sqlite")
    let store = try SQLiteAccountStore(path: file.path)
    try await store.migrate()
    defer { try? store.close() }
    return try await body(store, file)
}

@Suite("SQLite store: the AccountStore contract")
struct SQLiteContractTests {
    @Test(arguments: AccountStoreContract.allCases)
    func contract(_ check: AccountStoreContract) async throws {
        try await withTemporarySQLiteStore { store, file in
            // Reopening: a second store on the same file, as a restarted daemon opens it.
            let reopened = SQLiteReopened(path: file.path)
            defer { reopened.close() }
            try await check.run(on: store, reopen: { try await reopened.open() })
        }
    }
}

/// The stores a contract check opened on a file again, closed when the check ends.
final class SQLiteReopened: Sendable {
    let path: String
    private let opened = Mutex<[SQLiteAccountStore]>([])

    init(path: String) { self.path = path }

    func open() async throws -> any AccountStore {
        let store = try SQLiteAccountStore(path: path)
        try await store.migrate()
        opened.withLock { $0.append(store) }
        return store
    }

    func close() {
        for store in opened.withLock({ $0 }) { try? store.close() }
    }
}
