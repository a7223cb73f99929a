/// `body`'s result, or `StoreTimeout` when it takes longer than `limit`: for probes of a store that
/// may be away. A PostgreSQL pool keeps calls waiting (up to a minute) while it reconnects; a
/// readiness probe or the watchdog must answer long before that.
public func withStoreTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw StoreTimeout(limit: limit) }
        return value
    }
}

/// The store did not answer in time.
public struct StoreTimeout: Error, Sendable, CustomStringConvertible {
    /// How long was waited.
    public let limit: Duration

    /// `the store did not answer within 2 seconds`.
    public var description: String { "the store did not answer within \(limit)" }
}
