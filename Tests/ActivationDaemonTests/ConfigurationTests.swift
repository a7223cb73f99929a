import ActivationCore
import ActivationHTTP
import ActivationMail
import ActivationSpool
import ActivationStorePostgres
@testable import ActivationDaemon
import Foundation
import Logging
import Testing

/// A temporary directory with a private keys file and a configuration file made of `yaml`.
struct ConfigurationFixture {
    let directory: URL
    var keysPath: String { directory.appendingPathComponent("signing.keys").path }
    var configPath: String { directory.appendingPathComponent("activationd.yaml").path }

    init(_ yaml: String = "", keysMode: mode_t = 0o600) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("activationd-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (KeysCommand.generateLine() + "\n").write(toFile: keysPath, atomically: true, encoding: .utf8)
        chmod(keysPath, keysMode)
        try write(yaml)
    }

    /// Writes the configuration file: `yaml` with the keys file line added unless it sets keys itself.
    func write(_ yaml: String) throws {
        let text = yaml.contains("keys:") ? yaml : yaml + "\nkeys:\n  file: \"\(keysPath)\"\n"
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func load(environment: [String: String] = [:]) async throws(ConfigurationError) -> DaemonConfiguration {
        try await DaemonConfiguration.load(path: configPath, environment: environment)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

@Suite("configuration")
struct ConfigurationTests {
    @Test("the shipped Config/activationd.yaml loads and equals the built-in defaults")
    func shippedFileIsTheDefaults() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shipped = try String(contentsOf: root.appendingPathComponent("Config/activationd.yaml"), encoding: .utf8)
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        try fixture.write(shipped.replacingOccurrences(of: "/etc/activationd/signing.keys", with: fixture.keysPath))
        let fromFile = try await fixture.load()
        try fixture.write("")
        let defaults = try await fixture.load()
        #expect(fromFile.summary == defaults.summary)
        #expect(fromFile.courier == defaults.courier && fromFile.activation == defaults.activation)
        #expect(fromFile.spool == defaults.spool && fromFile.log == defaults.log)
        #expect(defaults.activation.lifetime == .seconds(30 * 86_400))
        #expect(defaults.passwordHash == .default)
        #expect(defaults.smtp.connections == 4 && defaults.smtp.fromAddress == "no-reply@example.org")
        #expect(defaults.store == .sqlite(path: "/var/lib/activationd/activationd.sqlite"))
    }

    @Test("Config/activationd.yaml is what the table of keys writes (regenerate: activationd config-template > Config/activationd.yaml)")
    func shippedFileIsTheTemplate() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shipped = try String(contentsOf: root.appendingPathComponent("Config/activationd.yaml"), encoding: .utf8)
        let generated = ConfigurationSchema.template()
        let shippedLines = shipped.split(separator: "\n", omittingEmptySubsequences: false)
        let generatedLines = generated.split(separator: "\n", omittingEmptySubsequences: false)
        if let line = zip(shippedLines, generatedLines).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("""
                Config/activationd.yaml line \(line.offset + 1) differs from the table:
                  shipped:   \(line.element.0)
                  generated: \(line.element.1)
                """)
        }
        #expect(shipped == generated, "Config/activationd.yaml differs from ConfigurationSchema.template()")
        // Every key appears once, at its default.
        for entry in ConfigurationSchema.entries {
            let leaf = String(entry.key.split(separator: ".").last!)
            #expect(generated.contains("\(leaf): "), "the template writes \(entry.key)")
        }
    }

    @Test("the man page's key list names every key with its default")
    func manualKeyList() {
        let list = ConfigurationSchema.manualKeyList()
        for entry in ConfigurationSchema.entries {
            #expect(list.contains("\\fB\(entry.key.replacingOccurrences(of: "-", with: "\\-"))\\fR"), "\(entry.key)")
        }
        #expect(list.contains("\\fBsmtp.starttls\\fR (default: opportunistic)"))
        #expect(!list.split(separator: "\n").contains { $0.hasPrefix(".") && !$0.hasPrefix(".TP") })
    }

    @Test("the option types' own defaults are the table's: an empty file loads into what HTTPOptions(), SMTPOptions(), CourierOptions() and IntakeOptions() hold")
    func optionDefaultsAreTheTables() async throws {
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        let loaded = try await fixture.load()
        let http = loaded.httpOptions, plainHTTP = HTTPOptions()
        #expect(http.listen == plainHTTP.listen && http.publicURL == plainHTTP.publicURL)
        #expect(http.operatorListen == plainHTTP.operatorListen && http.connections == plainHTTP.connections)
        #expect(http.registrationPage == plainHTTP.registrationPage && http.registrationURL == plainHTTP.registrationURL)
        #expect(http.serviceName == plainHTTP.serviceName && http.supportContact == plainHTTP.supportContact)
        #expect(http.templatesDirectory == plainHTTP.templatesDirectory)
        #expect(http.trustedProxies.header == plainHTTP.trustedProxies.header)
        #expect(http.activation.lifetime == plainHTTP.activation.lifetime)
        #expect(http.activation.confirm == plainHTTP.activation.confirm)
        #expect(http.activation.resendCooldown == plainHTTP.activation.resendCooldown)
        #expect(http.activation.resendDailyLimit == plainHTTP.activation.resendDailyLimit)
        let limits = http.limits, plainLimits = HTTPLimits()
        #expect(limits.maximalBodySize == plainLimits.maximalBodySize)
        #expect(limits.passwordAttempts == plainLimits.passwordAttempts && limits.lockout == plainLimits.lockout)
        #expect(limits.resendPerAddress == plainLimits.resendPerAddress)
        #expect(limits.usernameChecksPerAddress == plainLimits.usernameChecksPerAddress)
        #expect(limits.registrationsPerAddress == plainLimits.registrationsPerAddress)
        let smtp = loaded.smtpOptions, plainSMTP = SMTPOptions()
        #expect(URL(string: smtp.url) == URL(string: plainSMTP.url) && smtp.startTLS == plainSMTP.startTLS)
        #expect(smtp.username == plainSMTP.username && smtp.from == plainSMTP.from)
        #expect(smtp.connections == plainSMTP.connections && smtp.timeout == plainSMTP.timeout)
        #expect(smtp.caFile == plainSMTP.caFile)
        let courier = loaded.courierOptions, plainCourier = CourierOptions()
        #expect(courier.minimalBackoff == plainCourier.minimalBackoff && courier.maximalBackoff == plainCourier.maximalBackoff)
        #expect(courier.maximalQueueLifetime == plainCourier.maximalQueueLifetime)
        let intake = loaded.intakeOptions, plainIntake = IntakeOptions()
        #expect(intake.directory == plainIntake.directory && intake.rescanInterval == plainIntake.rescanInterval)
        #expect(intake.activationLifetime == plainIntake.activationLifetime && intake.passwordHash == plainIntake.passwordHash)
        #expect(intake.resend == plainIntake.resend)
        #expect(loaded.bounceEnvelopeHeader == .deliveredTo && loaded.bounceScanInterval == .seconds(30))
    }

    @Test("an environment variable overrides the file")
    func environmentOverrides() async throws {
        let fixture = try ConfigurationFixture("smtp:\n  url: \"smtp://relay.example.org:25\"\n  connections: 2\n")
        defer { fixture.cleanUp() }
        let configuration = try await fixture.load(environment: [
            "ACTIVATIOND_SMTP_URL": "smtps://other.example.org:465",
            "ACTIVATIOND_SPOOL_RESCAN_INTERVAL": "5s",
        ])
        #expect(configuration.smtp.url.absoluteString == "smtps://other.example.org:465")
        #expect(configuration.smtp.connections == 2)
        #expect(configuration.spool.rescanInterval == .seconds(5))
    }

    @Test("the file is read once as written: an empty section, a key without a value, numbers and words as text")
    func fileValuesAsWritten() throws {
        let values = try DaemonConfiguration.fileValues(yaml: """
            public_url: "https://accounts.example.org"
            smtp:
            http:
              maximal_body_size: 8192
              registration_page: yes
            store:
              password_file:
            """, path: "activationd.yaml")
        #expect(values == ["public_url": "https://accounts.example.org", "http.maximal_body_size": "8192",
                           "http.registration_page": "yes", "store.password_file": ""])
        #expect(try DaemonConfiguration.fileValues(yaml: "", path: "activationd.yaml").isEmpty)
        #expect(try DaemonConfiguration.fileValues(yaml: "# only a comment\n", path: "activationd.yaml").isEmpty)
        #expect(DaemonConfiguration.environmentName(of: "http.maximal_body_size") == "ACTIVATIOND_HTTP_MAXIMAL_BODY_SIZE")
        #expect(DaemonConfiguration.environmentName(of: "public_url") == "ACTIVATIOND_PUBLIC_URL")
    }

    @Test("each bad configuration names its key", arguments: [
        ("smtp:\n  conections: 4\n", "smtp.conections", "unknown key"),
        ("colour: blue\n", "colour", "unknown key"),
        ("smtp:\n  connections: four\n", "smtp.connections", "whole number"),
        ("smtp:\n  connections: 0\n", "smtp.connections", "between"),
        ("smtp:\n  timeout: 30 seconds\n", "smtp.timeout", "duration"),
        ("smtp:\n  timeout: [1, 2]\n", "smtp.timeout", "single value"),
        ("smtp:\n  url: \"http://relay\"\n", "smtp.url", "smtp or smtps"),
        ("smtp:\n  starttls: maybe\n", "smtp.starttls", "one of"),
        ("smtp:\n  from: \"Accounts <no-reply>\"\n", "smtp.from", "address"),
        ("bounces:\n  address: \"bounce+x@example.org\"\n", "bounces.address", "without '+'"),
        ("bounces:\n  maildir: \"/var/mail/bounces\"\n", "bounces.maildir", "bounces.address is not"),
        ("bounces:\n  address: \"bounce@example.org\"\n  maildir: \"mail/bounces\"\n", "bounces.maildir", "absolute"),
        ("bounces:\n  scan_interval: 0s\n", "bounces.scan_interval", "longer than 0s"),
        ("smtp:\n  username: \"relayuser\"\n", "smtp.password_file", "no password"),
        ("smtp:\n  password_file: \"/nonexistent/password\"\n", "smtp.password_file", "cannot read"),
        ("smtp: 5\n", "smtp", "mapping"),
        ("http:\n  listen: \"localhost\"\n", "http.listen", "host:port"),
        ("store:\n  url: \"mysql://db\"\n", "store.url", "sqlite"),
        ("store:\n  url: \"sqlite://relative.db\"\n", "store.url", "absolute"),
        ("public_url: \"accounts.example.org\"\n", "public_url", "URL"),
        ("courier:\n  minimal_backoff: 2h\n", "courier.minimal_backoff", "longer"),
        ("activation:\n  reminder_before: 40d\n", "activation.reminder_before", "shorter"),
        ("password_hash:\n  scrypt_log_n: 40\n", "password_hash.scrypt_log_n", "between"),
        ("password_hash:\n  scrypt_log_n: 20\n", "password_hash.scrypt_log_n", "MiB"),
        ("log:\n  level: loud\n", "log.level", "one of"),
        ("dkim:\n  domain: example.org\n", "dkim.private_key_file", "no key is configured"),
        ("dkim:\n  domain: \"exa mple.org\"\n", "dkim.domain", "domain name"),
        ("dkim:\n  selector: \"a;b\"\n", "dkim.selector", "DNS label"),
        ("dkim:\n  algorithm: dsa\n", "dkim.algorithm", "one of"),
        ("dkim:\n  private_key_file: \"/nonexistent/dkim.key\"\n", "dkim.private_key_file", "cannot read"),
        ("keys:\n  file: \"/nonexistent/keys\"\n", "keys.file", "cannot read"),
        ("http:\n  maximal_connections: 0\n", "http.maximal_connections", "between"),
        ("http:\n  idle_timeout: \"0s\"\n", "http.idle_timeout", "longer than 0s"),
        ("http:\n  header_timeout: ten\n", "http.header_timeout", "duration"),
        ("http:\n  body_timeout: \"0s\"\n", "http.body_timeout", "longer than 0s"),
        ("http:\n  maximal_header_size: 100\n", "http.maximal_header_size", "between"),
        ("metrics:\n  listen: \"localhost\"\n", "metrics.listen", "host:port"),
        ("metrics:\n  listen: \"127.0.0.1:8080\"\n", "metrics.listen", "differ from http.listen"),
        ("spool: [a, b\n", "activationd.yaml", "YAML"),
        ("store:\n  url: \"postgres://act:hunter2@db.example.org/act\"\n", "store.url", "store.password_file"),
        ("store:\n  url: \"postgres://db.example.org/act\"\n", "store.url", "user is missing"),
        ("store:\n  url: \"postgres://act@db.example.org\"\n", "store.url", "database is missing"),
        ("store:\n  url: \"postgres://act@db.example.org/act?sslmode=require\"\n", "store.url", "store.tls"),
        ("store:\n  url: \"postgres://act@/act\"\n", "store.url", "without a host"),
        ("store:\n  url: \"postgres://act@db/act\"\n  tls: always\n", "store.tls", "one of"),
        ("store:\n  url: \"postgres://act@db/act\"\n  pool_size: 0\n", "store.pool_size", "between"),
        ("store:\n  url: \"postgres://act@db/act\"\n  ca_file: \"/nonexistent/ca.pem\"\n", "store.ca_file", "cannot read"),
        ("store:\n  url: \"postgres://act@db/act\"\n  password_file: \"/nonexistent/pw\"\n", "store.password_file",
         "cannot read"),
        ("http:\n  registration_page: yes\n", "http.registration_page", "one of"),
        ("http:\n  register_rate: \"10\"\n", "http.register_rate", "requests/duration"),
        ("service:\n  support_contact: \"call us\"\n", "service.support_contact", "URL"),
        ("activation:\n  confirm: link\n", "activation.confirm", "one of"),
        ("log:\n  format: text\n", "log.format", "one of"),
        ("smtp:\n  auth_without_tls: always\n", "smtp.auth_without_tls", "one of"),
        ("http:\n  forwarded_header: x-real-ip\n", "http.forwarded_header", "one of"),
        ("bounces:\n  envelope_header: to\n", "bounces.envelope_header", "one of"),
    ])
    func badConfiguration(yaml: String, key: String, problem: String) async throws {
        let fixture = try ConfigurationFixture(yaml)
        defer { fixture.cleanUp() }
        do {
            _ = try await fixture.load()
            Issue.record("\(key) was accepted")
        } catch {
            #expect(error.key.hasSuffix(key))
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    @Test("each choice key's every value loads into its option's enum, none falls back to the default")
    func choicesBecomeTheirEnums() async throws {
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        let postgres = "store:\n  url: \"postgres://act@db/act\"\n"
        for value in ["password", "button"] {
            try fixture.write("activation:\n  confirm: \(value)\n")
            let configuration = try await fixture.load()
            #expect(configuration.activation.confirm.rawValue == value)
            #expect(configuration.httpOptions.activation.confirm.rawValue == value)
        }
        for value in ["required", "opportunistic", "never"] {
            try fixture.write("smtp:\n  starttls: \(value)\n")
            #expect(try await fixture.load().smtpOptions.startTLS.rawValue == value)
        }
        for value in ["disable", "prefer", "require"] {
            try fixture.write(postgres + "  tls: \(value)\n")
            guard case .postgres(let location) = try await fixture.load().store else {
                Issue.record("not a PostgreSQL store")
                continue
            }
            #expect(StoreOpener.options(location).tls.rawValue == value)
        }
        for value in ["logfmt", "json"] {
            try fixture.write("log:\n  format: \(value)\n")
            #expect(try await fixture.load().log.format.rawValue == value)
        }
        for value in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            try fixture.write("log:\n  level: \(value)\n")
            #expect(try await fixture.load().log.level.rawValue == value)
        }
        for value in ["x-forwarded-for", "forwarded"] {
            try fixture.write("http:\n  forwarded_header: \(value)\n")
            #expect(try await fixture.load().http.trustedProxies.header.rawValue == value)
        }
        for value in ["delivered-to", "x-original-to"] {
            try fixture.write("bounces:\n  envelope_header: \(value)\n")
            #expect(try await fixture.load().bounceEnvelopeHeader.rawValue == value)
        }
        for value in ["true", "false"] {
            try fixture.write("http:\n  registration_page: \(value)\n")
            #expect(try await fixture.load().http.registrationPage == (value == "true"))
        }
    }

    @Test("a keys file others can read is refused; a malformed one names its line")
    func keysFileChecks() async throws {
        let open = try ConfigurationFixture(keysMode: 0o644)
        defer { open.cleanUp() }
        await #expect(throws: ConfigurationError.self) { try await open.load() }
        let fixture = try ConfigurationFixture()
        defer { fixture.cleanUp() }
        try "k1 c2hvcnQ=\n".write(toFile: fixture.keysPath, atomically: false, encoding: .utf8)
        do {
            _ = try await fixture.load()
            Issue.record("a short key was accepted")
        } catch {
            #expect(error.key == "keys.file" && error.problem.contains("line 1"))
            #expect(!error.description.contains("c2hvcnQ="))
        }
    }

    @Test("systemd credentials supply the secrets")
    func credentialsDirectory() async throws {
        let fixture = try ConfigurationFixture(
            "smtp:\n  username: relayuser\n  starttls: required\nkeys:\n  file: \"/nonexistent\"\n")
        defer { fixture.cleanUp() }
        let credentials = fixture.directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture.keysPath, toPath: credentials.appendingPathComponent("signing-keys").path)
        let passwordPath = credentials.appendingPathComponent("smtp-password").path
        try "relay-secret\n".write(toFile: passwordPath, atomically: false, encoding: .utf8)
        chmod(passwordPath, 0o600)
        let configuration = try await fixture.load(environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(configuration.smtp.password?.value == "relay-secret")
        #expect(configuration.keysFile.hasSuffix("credentials/signing-keys"))
    }

    @Test("a PostgreSQL store: the URL's parts, the password from its file or the store-password credential")
    func postgresStore() async throws {
        let fixture = try ConfigurationFixture(
            "store:\n  url: \"postgres://act%40ops@db.example.org:6432/activations\"\n  tls: require\n  pool_size: 12\n")
        defer { fixture.cleanUp() }
        let credentials = fixture.directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        let passwordPath = credentials.appendingPathComponent("store-password").path
        try "db-secret\n".write(toFile: passwordPath, atomically: false, encoding: .utf8)
        chmod(passwordPath, 0o600)
        let configuration = try await fixture.load(environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        guard case .postgres(let location) = configuration.store else {
            Issue.record("not a PostgreSQL store: \(configuration.store)")
            return
        }
        #expect(location.host == "db.example.org" && location.port == 6432)
        #expect(location.username == "act@ops" && location.database == "activations")
        #expect(location.password?.value == "db-secret" && location.tls == .require && location.poolSize == 12)
        #expect(!configuration.summary.contains("db-secret"))
        #expect(configuration.summary.contains("postgres://act@ops@db.example.org:6432/activations"))
        // Without a password file: none (trust, peer or certificate authentication).
        let bare = try ConfigurationFixture("store:\n  url: \"postgresql://act@127.0.0.1/act\"\n")
        defer { bare.cleanUp() }
        guard case .postgres(let plain) = try await bare.load().store else {
            Issue.record("postgresql:// is PostgreSQL too")
            return
        }
        #expect(plain.password == nil && plain.port == 5432 && plain.tls == .prefer && plain.poolSize == 8)
    }

    @Test("durations", arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)),
        ("1h", .seconds(3600)), ("30d", .seconds(2_592_000)), ("2w", .seconds(1_209_600)),
    ])
    func durations(text: String, value: Duration) {
        #expect(DurationText.parse(text) == value)
        #expect(DurationText.format(value) == text)
    }

    @Test("the longest durations print and parse back (caught by the config-duration fuzz target: format overflowed)",
          arguments: ["999999999999w", "999999999999d", "999999999999h", "999999999999ms", "10/999999999999w"])
    func longestDurations(text: String) {
        if let duration = DurationText.parse(text) {
            #expect(DurationText.parse(DurationText.format(duration)) == duration)
        } else if let rate = RateText.parse(text) {
            let again = RateText.parse(RateText.format(requests: rate.requests, per: rate.per))
            #expect(again?.requests == rate.requests && again?.per == rate.per)
        } else {
            Issue.record("\(text) does not parse")
        }
    }

    @Test("malformed durations", arguments: ["", "s", "30", "-5s", "1.5h", "30 s", "5x", "９s", "30sec"])
    func malformedDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
