public import ActivationCore
import ActivationStoreSQLite
import Foundation

/// Opens the store a configuration names, migrated and ready.
public enum StoreOpener {
    /// Opens and migrates the store at `location`.
    public static func open(_ location: DaemonConfiguration.StoreLocation) async throws -> any AccountStore {
        switch location {
        case .sqlite(let path):
            try PrivateFiles.prepareDatabase(at: path)
            let store = try SQLiteAccountStore(path: path)
            try await store.migrate()
            return store
        case .postgres:
            throw ConfigurationError(key: "store.url", problem: "the PostgreSQL store is not in this version; use sqlite:///path")
        }
    }

    /// Opens the store at `location`, runs `body` with it, and closes it: for commands that live
    /// only as long as one task.
    public static func withStore<T: Sendable>(
        _ location: DaemonConfiguration.StoreLocation, _ body: (any AccountStore) async throws -> T
    ) async throws -> T {
        let store = try await open(location)
        if let sqlite = store as? SQLiteAccountStore {
            defer { try? sqlite.close() }
            return try await body(store)
        }
        return try await body(store)
    }
}
