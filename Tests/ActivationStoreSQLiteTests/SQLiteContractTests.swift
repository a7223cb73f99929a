import AccountStoreContract
import ActivationCore
import ActivationStoreSQLite
import Foundation
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
        try await withTemporarySQLiteStore { store, _ in try await check.run(on: store) }
    }
}
