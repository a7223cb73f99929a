import ActivationCore
import Logging
import PostgresNIO
import Synchronization

// The store's calls: transactions retried after a retryable error, every call bounded by the call
// timeout, and the small concurrency helpers behind that bound.
extension PostgresAccountStore {
    /// SQLSTATEs after which a transaction is simply tried again: a serialization failure, a
    /// deadlock the server broke, and a unique violation (another host committed the same key
    /// first; the retry reads its row and decides as the contract says, e.g. `username.taken`).
    static let retryableStates: Set<String> = ["40001", "40P01", "23505"]
    static let maximumAttempts = 8

    /// Runs `body` in one READ COMMITTED transaction on one pooled connection, and runs it again
    /// (from the start, with a new transaction) after a retryable error; the last error is thrown.
    ///
    /// Each attempt is bounded by `callTimeout` (`bounded: false` for migrations and restores,
    /// which may rightly take long): see `bounded(_:_:)`.
    func transaction<T: Sendable>(
        bounded: Bool = true, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let once: @Sendable (CallPhase) async throws -> T = { phase in
                    try await self.client.withConnection { connection in
                        phase.set("BEGIN")
                        try await connection.query("BEGIN", logger: self.logger)
                        do {
                            phase.set("body")
                            let value = try await body(connection)
                            phase.set("COMMIT")
                            try await connection.query("COMMIT", logger: self.logger)
                            return value
                        } catch {
                            // After a connection-level error the connection is gone and the server
                            // has rolled back already; a ROLLBACK sent to it was seen to wait for ever.
                            if Self.connectionIsUsable(after: error) {
                                phase.set("ROLLBACK")
                                _ = try? await connection.query("ROLLBACK", logger: self.logger)
                            }
                            throw error
                        }
                    }
                }
                return bounded ? try await self.bounded("transaction", once) : try await once(CallPhase())
            } catch let error as PSQLError where attempt < Self.maximumAttempts && Self.isRetryable(error) {
                continue
            }
        }
    }

    /// Runs one statement on its own (it is atomic by itself), again after a retryable error.
    func statement(_ query: PostgresQuery) async throws -> [PostgresRow] {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await bounded("statement") { phase in
                    phase.set("query")
                    return try await self.client.query(query, logger: self.logger).collect()
                }
            } catch let error as PSQLError where attempt < Self.maximumAttempts && Self.isRetryable(error) {
                continue
            }
        }
    }

    /// Runs `body` and gives up on it after `callTimeout`, throwing `PostgresStoreError`.
    ///
    /// A call in flight when the server goes away was seen never to end (the intake's workers and
    /// the courier's outcome writes waited for ever after a restart, while new calls worked), and
    /// postgres-nio's calls do not all end on task cancellation. So the call runs in a task of its
    /// own, and the caller is answered by whichever comes first, the call or the deadline; a call
    /// given up on is cancelled and left to end by itself. Callers treat the error as any store
    /// failure: the intake leaves the file for the next scan, the courier retries the write. (A
    /// transaction that did commit is found again by its registration id, or its rows' state.)
    func bounded<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (CallPhase) async throws -> T)
        async throws -> T
    {
        let phase = CallPhase()
        let answer = OneAnswer<T>()
        let limit = callTimeout
        let logger = logger
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.start(continuation)
                let work = Task {
                    do { answer.give(.success(try await body(phase))) } catch { answer.give(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(for: limit)
                    if Task.isCancelled { return }
                    let stuck = phase.name
                    if answer.give(.failure(PostgresStoreError(
                        "the database did not answer within \(limit) (\(operation), \(stuck))")))
                    {
                        logger.warning("store call given up", metadata: [
                            LogKey.event: "\(EventName.storeCallTimeout)", "operation": "\(operation)", "phase": "\(stuck)",
                        ])
                        work.cancel()
                    }
                }
                answer.onAnswer { work.cancel(); timer.cancel() }
            }
        } onCancel: {
            answer.give(.failure(CancellationError()))
        }
    }

    /// Whether the connection can still take a statement after `error`: a server error (the
    /// transaction is aborted but the session lives) or an error of ours, not a lost connection.
    static func connectionIsUsable(after error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return true }
        return error.code == .server || error.code == .queryCancelled
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return retryableStates.contains(state)
    }
}

extension PostgresConnection {
    /// Runs one statement and reads all its rows.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}

/// What a bounded store call is doing now, named in the warning when it is given up.
final class CallPhase: Sendable {
    private let current = Mutex("waiting for a connection")
    func set(_ name: String) { current.withLock { $0 = name } }
    var name: String { current.withLock { $0 } }
}

/// The one answer a bounded call gives its caller: the first of the call's result, the deadline
/// and the caller's cancellation; the later ones are dropped.
final class OneAnswer<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var answered = false
        var onAnswer: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Runs `action` once the answer is given (at once if it was given already).
    func onAnswer(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state in
            if state.answered { return true }
            state.onAnswer = action
            return false
        }
        if now { action() }
    }

    /// Gives `result` as the answer unless one was given; says whether this one was.
    @discardableResult
    func give(_ result: Result<T, any Error>) -> Bool {
        let (continuation, action, first): (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Bool) =
            state.withLock { state in
                if state.answered { return (nil, nil, false) }
                state.answered = true
                if state.continuation == nil { state.early = result }
                defer { state.continuation = nil; state.onAnswer = nil }
                return (state.continuation, state.onAnswer, true)
            }
        continuation?.resume(with: result)
        action?()
        return first
    }
}
