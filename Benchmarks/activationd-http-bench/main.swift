// activationd-http-bench: serves the real activation routes, the registration page and a
// hello-world route from one server, over a real SQLite store of accounts with valid links and a
// real spool, so that `scripts/bench-http.sh` can load them with wrk in the same run. Writes the
// links' tokens to the file given as the first argument and, with a third argument, 20,000 solved
// registration forms (one urlencoded body a line) to that file; serves until killed. Release
// build only (`make bench-http`). With `--rate-limiter` alone it measures the per-address limiter's
// cost at 200,000 addresses against 1,000 instead (RateLimiterCost.swift, scripts/bench-limiter.sh).
import ActivationCore
import ActivationHTTP
import ActivationSpool
import ActivationStoreSQLite
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus

let arguments = CommandLine.arguments
if arguments.count == 2, arguments[1] == "--rate-limiter" {
    RateLimiterCost.run()
    exit(0)
}
guard (3...4).contains(arguments.count), let port = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: activationd-http-bench TOKENS-FILE PORT [FORMS-FILE]\n".utf8))
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

// The registration page writes into a real spool (fsync and rename per record, as in production);
// nothing takes the records in, so they stay in new/ until the run ends.
let spool = SpoolDirectory(FileManager.default.temporaryDirectory.appendingPathComponent("http-bench-spool-\(UUID().uuidString)").path)
try spool.create()
var options = HTTPOptions(listen: ListenAddress(host: "127.0.0.1", port: port))
options.registrationSpool = spool.root
options.limits.registrationsPerAddress = RateLimit(requests: 1_000_000_000, per: .seconds(1))
if arguments.count == 4 {
    // Forms as a person's browser would send them, each with its own solved characters.
    let seal = ChallengeSeal(key: keys.keys[0].derivationKey)
    var forms: [String] = []
    for index in 0..<20_000 {
        let answer = ChallengeAlphabet.randomAnswer()
        let token = try seal.seal(answer: answer, now: now, lifetime: .seconds(3600))
        let fields = [
            ("username", "form\(index)"), ("firstName", "Jane"), ("lastName", "Doe"),
            ("email", "form\(index)@example.org"), ("confirmEmail", "form\(index)@example.org"),
            ("password", "Secr3tPass"), ("confirmPassword", "Secr3tPass"), ("passwordPhrase", "blue heron at dawn"),
            ("acceptedConditions", "yes"), ("action", "create"), ("challengeToken", token), ("challengeAnswer", answer),
        ]
        forms.append(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }
            .joined(separator: "&"))
    }
    try forms.joined(separator: "\n").write(toFile: arguments[3], atomically: true, encoding: .utf8)
}
var server = try ActivationServer(options: options, store: store, keys: keys, logger: logger, metrics: registry)
server.router.get("hello") { _, _ in "Hello, world!" }
try await server.application().runService()
