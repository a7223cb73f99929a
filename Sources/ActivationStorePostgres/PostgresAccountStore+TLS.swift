// The TLS rule of the PostgreSQL store: a password goes only over TLS to a verified server (or a
// Unix socket), and a refusal is explained at once by one probe connection (docs/decisions.md).
import ActivationCore
import Logging
import PostgresNIO

extension PostgresAccountStore {
    /// The TLS the pool's connections use (see `TLSMode`).
    static func tls(_ options: PostgresStoreOptions) throws -> PostgresClient.Configuration.TLS {
        switch try policy(options) {
        case .disable: return .disable
        case .prefer(let configuration): return .prefer(configuration)
        case .require(let configuration): return .require(configuration)
        }
    }

    /// How a connection of `options` is made; refuses a password without TLS.
    enum TLSPolicy {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    static func policy(_ options: PostgresStoreOptions) throws -> TLSPolicy {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            configuration.trustRoots = .file(caFile)
        }
        // A Unix socket crosses no network and reaches only the local server that owns the path:
        // no TLS (libpq uses none there either), and a password may go.
        if options.unixSocketPath != nil { return .disable }
        switch options.tls {
        case .disable:
            guard options.password == nil else {
                throw PostgresTLSRefusal("""
                    store.tls is disable and a password is configured: the server at \(options.host):\(options.port) \
                    could ask for it in clear or as MD5; a password goes only over TLS with the server verified
                    """)
            }
            return .disable
        case .prefer where options.password != nil, .require:
            // makeClientConfiguration's default: the chain against the roots, and the host name
            // (or, for an address, the certificate's IP entries).
            return .require(configuration)
        case .prefer:
            if options.caFile == nil { configuration.certificateVerification = .none }
            return .prefer(configuration)
        }
    }

    /// Connects once, outside the pool, and closes again: a refusal under the TLS rules (the
    /// server offers no TLS while a password is configured, its certificate or name does not
    /// verify) is reported at once and says why, where the pool would retry for a minute and
    /// then report a timeout. Nothing is sent before the TLS handshake has verified the server.
    public func checkConnection() async throws {
        let connection: PostgresConnection
        do {
            // Making the context reads the CA file or the system's roots: on NIO's blocking pool.
            let policy = try Self.policy(options)
            let tls: PostgresConnection.Configuration.TLS = try await NIOThreadPool.singleton.runIfActive {
                switch policy {
                case .disable: .disable
                case .prefer(let configuration): .prefer(try NIOSSLContext(configuration: configuration))
                case .require(let configuration): .require(try NIOSSLContext(configuration: configuration))
                }
            }
            let configuration = options.unixSocketPath.map {
                PostgresConnection.Configuration(unixSocketPath: $0, username: options.username, password: options.password,
                                                 database: options.database)
            } ?? PostgresConnection.Configuration(
                host: options.host, port: options.port, username: options.username, password: options.password,
                database: options.database, tls: tls)
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch let error as PSQLError where error.code == .sslUnsupported {
            throw PostgresTLSRefusal(options.password == nil
                ? "the server at \(options.host):\(options.port) offers no TLS, and store.tls is require"
                : """
                    the server at \(options.host):\(options.port) offers no TLS; a password is configured, and it \
                    goes only over TLS with the server verified (store.tls), so it was not sent
                    """)
        } catch {
            guard let failure = Self.tlsFailure(error) else { throw error }
            throw PostgresTLSRefusal("""
                the server at \(options.host):\(options.port) could not be verified over TLS (\(failure)): its \
                certificate must be signed by store.ca_file (or a system CA) and name the host; nothing was sent
                """)
        }
        try? await connection.close()
    }

    /// The TLS error in `error` (itself, or what a `PSQLError` wraps), described; nil for others.
    static func tlsFailure(_ error: any Error) -> String? {
        let inner = (error as? PSQLError)?.underlying ?? error
        if inner is NIOSSLError || inner is BoringSSLError || inner is NIOSSLExtraError { return "\(inner)" }
        return nil
    }
}
