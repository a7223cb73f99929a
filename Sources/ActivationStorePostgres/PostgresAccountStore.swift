// ActivationStorePostgres — the shared AccountStore: one PostgreSQL database through postgres-nio,
// for any number of activationd hosts at once.
//
// Owns: the PostgreSQL schema and its migrations, and every SQL statement run against it.
// Untrusted: nothing from outside arrives here unchecked; values are always bound, never spliced
// into SQL. Several hosts share the database: what must hold across them is enforced by the
// database (unique indexes, row locks with SKIP LOCKED, advisory locks per username and email),
// never by memory of one process.
public import ActivationCore
public import Logging
public import PostgresNIO
import Synchronization

/// Where the database is and how to reach it; the daemon builds this from `store.url` and friends.
public struct PostgresStoreOptions: Sendable {
    /// Whether the connection is encrypted.
    ///
    /// With a password, both `prefer` and `require` mean TLS with the server's certificate and
    /// name verified (against `caFile` or else the system's roots), and `disable` is refused: the
    /// server chooses how the password travels (in clear, as MD5, or SCRAM), so it may go only to
    /// a server proven to be ours, over TLS. Without a password (trust, peer or certificate
    /// authentication), `prefer` encrypts when the server offers TLS and verifies it only when a CA
    /// file is given (libpq's `prefer`: it stops passive eavesdropping, not an active man in the
    /// middle); `require` refuses a plain connection and always verifies the server. Over a Unix
    /// socket (`host` a directory) there is no TLS, whatever the mode, and a password may go.
    public enum TLSMode: String, Sendable, CaseIterable { case disable, prefer, require }

    /// A host name or address; or, starting with `/`, the directory of the server's Unix socket
    /// (`<host>/.s.PGSQL.<port>`, as libpq reads it).
    public var host: String
    public var port: Int
    public var username: String
    /// Never logged; nil for trust or peer authentication.
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A PEM file of the CA certificates that sign the server's certificate.
    public var caFile: String?
    /// The most connections this host opens to the database.
    public var poolSize: Int
    /// The longest one store call (a transaction or a statement) may take before it is given up
    /// and reported as a store failure.
    public var callTimeout: Duration

    /// Creates options.
    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                tls: TLSMode = .prefer, caFile: String? = nil, poolSize: Int = 8,
                callTimeout: Duration = .seconds(30))
    {
        self.callTimeout = callTimeout
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.caFile = caFile
        self.poolSize = poolSize
    }
}

extension PostgresStoreOptions {
    /// The server's Unix socket when `host` is a directory (starts with `/`), else nil.
    public var unixSocketPath: String? {
        host.hasPrefix("/") ? "\(host.hasSuffix("/") ? String(host.dropLast()) : host)/.s.PGSQL.\(port)" : nil
    }
}

extension PostgresStoreOptions: CustomStringConvertible, CustomDebugStringConvertible {
    /// The options without the password (`password: set`), so that logging them leaks nothing.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database) (tls: \(tls.rawValue), ca_file: \(caFile ?? "none"), "
            + "pool: \(poolSize), password: \(password == nil ? "none" : "set"))"
    }

    public var debugDescription: String { description }
}

/// A PostgreSQL store that could not do what was asked, for a reason of its own (not the server's).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A connection refused by us under the TLS rules (`TLSMode`): the server offered no TLS, or its
/// certificate or name did not verify, while a password is configured. Nothing was sent.
public struct PostgresTLSRefusal: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An `AccountStore` in one PostgreSQL database, shared by every host that opens it.
///
/// The client's connections exist only while `run()` runs: `StoreOpener.withStore` runs it around
/// the store's whole use, `serve`'s service group included, and cancels it before `close`.
public final class PostgresAccountStore: AccountStore {
    let client: PostgresClient
    /// For queries: the daemon's logger, but never below `info`, since postgres-nio logs a
    /// statement's bound values (password hashes, phrases) at `debug` and `trace`.
    let logger: Logger
    let callTimeout: Duration
    let options: PostgresStoreOptions
    private let started = Mutex(false)

    /// Builds the client from `options`; opens no connection (that happens in `run()`).
    public init(options: PostgresStoreOptions, logger: Logger) throws {
        let tls = try Self.tls(options)
        var configuration = options.unixSocketPath.map {
            PostgresClient.Configuration(unixSocketPath: $0, username: options.username, password: options.password,
                                         database: options.database)
        } ?? PostgresClient.Configuration(
            host: options.host, port: options.port, username: options.username, password: options.password,
            database: options.database, tls: tls)
        configuration.options.maximumConnections = max(1, options.poolSize)
        configuration.options.minimumConnections = 0
        var quiet = logger
        if quiet.logLevel < .info { quiet.logLevel = .info }
        self.logger = quiet
        callTimeout = options.callTimeout
        self.options = options
        client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
    }

    /// Runs the client's connection pool until the task is cancelled. Call once per store.
    public func run() async throws {
        try markStarted()
        await client.run()
    }

    /// Nothing is held once `run` has returned: the pool's connections closed with it.
    public func close() async throws {}

    /// Nil: the engine is the database server.
    public func engineMemoryInUse() -> Int64? {
        nil
    }

    private func markStarted() throws {
        // PostgresClient.run() traps when called twice; say so as an error instead.
        let already = started.withLock { started in
            defer { started = true }
            return started
        }
        if already { throw PostgresStoreError("the PostgreSQL store's client runs already (run it once per store)") }
    }

    /// Runs `SELECT 1` and throws if it fails or takes longer than `timeout`: for readiness checks.
    ///
    /// Store calls themselves do not fail fast while the server is unreachable: postgres-nio's pool
    /// keeps them waiting for a connection while it retries (backoff from 100 ms, growing to 60 s)
    /// and fails them only once connecting has failed for 60 s (its circuit breaker), then fails new
    /// ones at once until a connection succeeds. A probe cannot wait that long.
    public func ping(timeout: Duration = .seconds(2)) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try await self.client.query("SELECT 1", logger: self.logger).collect()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw PostgresStoreError("the database did not answer within \(timeout)")
            }
        }
    }
}
