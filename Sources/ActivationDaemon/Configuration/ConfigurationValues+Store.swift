import ActivationCore
import ActivationHTTP
import ActivationMail
import ActivationStorePostgres
import Foundation
import Logging

// `store.url`: SQLite's path or PostgreSQL's location, from the file or the environment.
extension ConfigurationValues {
    func store(environment: [String: String]) throws(ConfigurationError) -> DaemonConfiguration.StoreLocation {
        let text = text("store.url")
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else { return try Self.store(text) }
        var location = try Self.postgres(text)
        if let path = SecretFile.locate(key: "store.password_file", configuredPath: self.text("store.password_file"),
                                        credential: "store-password", environment: environment) {
            let secret = try SecretFile.read(key: "store.password_file", path: path)
            location.password = Secret(secret.trimmingCharacters(in: .newlines))
        }
        location.tls = try choice("store.tls")
        let caFile = self.text("store.ca_file")
        if !caFile.isEmpty {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw ConfigurationError(key: "store.ca_file", problem: "cannot read \(caFile)")
            }
            guard location.tls != .disable else {
                throw ConfigurationError(key: "store.ca_file", problem: "is set but store.tls is disable")
            }
            location.caFile = caFile
        }
        if location.tls == .disable, !location.host.hasPrefix("/"), let password = location.password, !password.value.isEmpty {
            throw ConfigurationError(key: "store.tls", problem: """
                is disable while a password is configured (store.password_file or the store-password credential): \
                the server, or whoever answers at \(location.host):\(location.port), could ask for it in clear or as \
                MD5. Use prefer or require (TLS, the server verified against store.ca_file or the system's CAs), \
                or the server's Unix socket (postgres://user@%2Fvar%2Frun%2Fpostgresql/database)
                """)
        }
        location.poolSize = try integer("store.pool_size")
        return .postgres(location)
    }

    /// `postgres://user@host[:port]/database`: no password in the URL (it would sit in the
    /// configuration file and in `ps`): `store.password_file` or the `store-password` credential.
    static func postgres(_ text: String) throws(ConfigurationError) -> DaemonConfiguration.PostgresLocation {
        let example = "expected postgres://user@host:port/database"
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty else {
            throw ConfigurationError(key: "store.url", problem: "\(example), got a URL without a host")
        }
        guard components.password == nil else {
            throw ConfigurationError(key: "store.url", problem:
                "holds a password; put it into the file named by store.password_file (mode 0600) instead")
        }
        // Decoded once, here: `components.user` and `.path` are decoded already, and decoding them
        // again turned `u%2540x` into `u@x`.
        guard let encodedUser = components.percentEncodedUser, !encodedUser.isEmpty,
              let user = encodedUser.removingPercentEncoding, !user.isEmpty
        else {
            throw ConfigurationError(key: "store.url", problem: "\(example): the user is missing or not percent-encoded UTF-8")
        }
        let encodedDatabase = String(components.percentEncodedPath.drop { $0 == "/" })
        guard !encodedDatabase.isEmpty, !encodedDatabase.contains("/"),
              let database = encodedDatabase.removingPercentEncoding, !database.isEmpty
        else {
            throw ConfigurationError(key: "store.url", problem: "\(example): the database is missing")
        }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw ConfigurationError(key: "store.url", problem: "\(example): port \(port) is out of range")
        }
        guard components.query == nil else {
            throw ConfigurationError(key: "store.url", problem:
                "takes no query parameters; use store.tls, store.ca_file and store.pool_size")
        }
        // TLS and the pool size at the table's defaults: `store(environment:)` sets the configured ones.
        let defaults = ConfigurationValues()
        return DaemonConfiguration.PostgresLocation(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: port,
            username: user, database: database,
            password: nil, tls: try defaults.choice("store.tls"), caFile: nil, poolSize: try defaults.integer("store.pool_size"))
    }

    static func store(_ text: String) throws(ConfigurationError) -> DaemonConfiguration.StoreLocation {
        if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard path.hasPrefix("/"), path.count > 1 else {
                throw ConfigurationError(key: "store.url", problem: "expected sqlite:///absolute/path, got \"\(text)\"")
            }
            return .sqlite(path: path)
        }
        throw ConfigurationError(key: "store.url", problem: "expected sqlite:///path or postgres://…")
    }
}
