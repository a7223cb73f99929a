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
}
