import ActivationCore
import ActivationHTTP
import ActivationStoreSQLite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import NIOCore
import Prometheus
import Synchronization
import Testing

/// The one Prometheus registry of the test process: `MetricsSystem` can be bootstrapped once.
let testRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// A live server on loopback over a fresh SQLite store, with accounts registered at `registeredAt`.
struct HTTPFixture {
    static let password = "Secr3tPass"
    static let phrase = "blue heron at dawn"
    static let registeredAt = Date(timeIntervalSince1970: 1_800_000_000)
    static let lifetime = Duration.seconds(30 * 24 * 3600)

    let store: SQLiteAccountStore
    let keys: KeyRing
    let directory: URL
    let logs = LogCapture()
    /// The server's clock; tests move it.
    let clock = TestClock(registeredAt)

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("activationd-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteAccountStore(path: directory.appendingPathComponent("store.sqlite").path)
        try await store.migrate()
        keys = try KeyRing(parsing: "k1 \(Data(repeating: 7, count: 32).base64EncodedString())\n")
    }

    /// Registers a pending account with small scrypt parameters and returns it with its link token.
    func register(_ username: String, email: String? = nil) async throws -> (account: Account, token: String) {
        let email = email ?? "\(username)@example.org"
        let registration = Registration(
            id: UUID(), submittedAt: Self.registeredAt, username: username, firstName: "Jane", lastName: "Doe",
            email: email, confirmEmail: email, password: Secret(Self.password),
            confirmPassword: Secret(Self.password), passwordPhrase: Secret(Self.phrase), acceptedConditions: true)
        let hash = try PasswordHasher(parameters: ScryptParameters(logN: 4, r: 8, p: 1)).hash(Secret(Self.password))
        let account = Account.pending(from: registration, passwordHash: hash, now: Self.registeredAt,
                                      lifetime: Self.lifetime)
        guard case .created(let stored, _, _) = try await store.register(registration, as: account,
                                                                         now: Self.registeredAt)
        else { throw FixtureError(description: "registration of \(username) was not created") }
        let token = ActivationToken.sign(accountID: stored.id, expiresAt: stored.expiresAt, nonce: stored.nonce,
                                         keys: keys)
        return (stored, token)
    }

    /// Runs `body` against a live server built with `options` (listening on a loopback port of
    /// the kernel's choice, `client.port`): for what needs a socket (timeouts, raw bytes, a browser).
    func withServer<Value: Sendable>(
        _ options: HTTPOptions = HTTPOptions(), readiness: [ReadinessCheck] = [],
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await run(options, readiness: readiness, mode: .live, body)
    }

    /// Runs `body` against the routes of a server built with `options`, without a socket
    /// (HummingbirdTesting's `.router`: each request goes straight to the router, the services
    /// run beside): for route-level behaviour. Every request shares one client key ("unknown"),
    /// as every request of a live test shares 127.0.0.1.
    func withRouter<Value: Sendable>(
        _ options: HTTPOptions = HTTPOptions(), readiness: [ReadinessCheck] = [],
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        try await run(options, readiness: readiness, mode: .router, body)
    }

    private func run<Value: Sendable>(
        _ options: HTTPOptions, readiness: [ReadinessCheck], mode: TestingSetup,
        _ body: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        var options = options
        options.listen = ListenAddress(host: "127.0.0.1", port: 0)
        var logger = Logger(label: "activationd-http-test") { _ in logs }
        logger.logLevel = .debug
        let clock = clock
        let server = try ActivationServer(options: options, store: store, keys: keys, logger: logger,
                                          metrics: testRegistry, readiness: readiness, now: { clock.now })
        return try await server.application().test(mode) { client in try await body(client) }
    }

    /// Runs `body` against the operator listener of a server built with `options`, and the public
    /// one beside it (both on free loopback ports).
    func withOperatorServer<Value: Sendable>(
        _ options: HTTPOptions = HTTPOptions(),
        _ body: @Sendable (_ operator: any TestClientProtocol, _ public: any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        var options = options
        options.listen = ListenAddress(host: "127.0.0.1", port: 0)
        options.operatorListen = ListenAddress(host: "127.0.0.1", port: 0)
        let logger = Logger(label: "activationd-http-test") { _ in logs }
        let clock = clock
        let server = try ActivationServer(options: options, store: store, keys: keys, logger: logger,
                                          metrics: testRegistry, now: { clock.now })
        let operatorApplication = try #require(server.operatorApplication())
        let publicApplication = server.application()
        return try await operatorApplication.test(.live) { operatorClient in
            try await publicApplication.test(.live) { publicClient in try await body(operatorClient, publicClient) }
        }
    }

    func cleanUp() {
        try? store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// A settable clock for the server.
final class TestClock: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func set(_ date: Date) { value.withLock { $0 = date } }
}

extension TestClientProtocol {
    /// POSTs a form.
    func postForm(_ uri: String, _ fields: [String: String]) async throws -> TestResponse {
        let body = fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
        return try await execute(uri: uri, method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded"],
                                 body: ByteBuffer(string: body))
    }

    /// POSTs JSON text.
    func postJSON(_ uri: String, _ text: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.contentType: "application/json"],
                          body: ByteBuffer(string: text))
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}
