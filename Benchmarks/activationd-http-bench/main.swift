// activationd-http-bench: serves the real activation routes plus a hello-world route from one
// server, over a real SQLite store of accounts with valid links, so that `scripts/bench-http.sh`
// can load both with wrk in the same run. Writes the links' tokens to the file given as the
// first argument and serves until killed. Release build only (`make bench-http`).
import ActivationCore
import ActivationHTTP
import ActivationStoreSQLite
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: activationd-http-bench TOKENS-FILE PORT\n".utf8))
    exit(64)
}

let registry = PrometheusCollectorRegistry()
MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
var logger = Logger(label: "activationd-http-bench")
logger.logLevel = .warning

let keys = try KeyRing(parsing: "bench \(Data((0..<32).map { UInt8($0) }).base64EncodedString())")
let now = Date()
let storePath = FileManager.default.temporaryDirectory.appendingPathComponent("http-bench-\(UUID().uuidString).sqlite").path
let store = try SQLiteAccountStore(path: storePath)
try await store.migrate()
var tokens: [String] = []
for index in 0..<1_000 {
    let registration = Registration(
        id: UUID(), submittedAt: now, username: "bench\(index)", firstName: "Jane", lastName: "Doe",
        email: "bench\(index)@example.org", confirmEmail: "bench\(index)@example.org", password: Secret("Secr3tPass"),
        confirmPassword: Secret("Secr3tPass"), passwordPhrase: Secret("blue heron at dawn"), acceptedConditions: true)
    let account = Account.pending(from: registration, passwordHash: "$scrypt$ln=4,r=8,p=1$c2FsdA$aGFzaA",
                                  now: now, lifetime: .seconds(30 * 86_400))
    _ = try await store.register(registration, as: account, now: now)
    tokens.append(ActivationToken.sign(accountID: account.id, expiresAt: account.expiresAt, nonce: account.nonce,
                                       keys: keys))
}
try tokens.joined(separator: "\n").write(toFile: arguments[1], atomically: true, encoding: .utf8)

var server = try ActivationServer(
    options: HTTPOptions(listen: ListenAddress(host: "127.0.0.1", port: port)), store: store, keys: keys,
    logger: logger, metrics: registry)
server.router.get("hello") { _, _ in "Hello, world!" }
try await server.application().runService()
