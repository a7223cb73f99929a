import ActivationCore
import ActivationHTTP
import ActivationMail
import ActivationStorePostgres
import Foundation
import Logging

/// The raw text of every key, turned into a `DaemonConfiguration` with each value checked.
struct ConfigurationValues {
    var raw: [String: String] = [:]

    func text(_ key: String) -> String { raw[key] ?? ConfigurationSchema.byKey[key]?.defaultValue ?? "" }

    func duration(_ key: String) throws(ConfigurationError) -> Duration {
        guard let value = DurationText.parse(text(key)) else {
            throw ConfigurationError(key: key, problem: "expected a duration such as 30s, 5m, 1h or 30d, got \"\(text(key))\"")
        }
        return value
    }

    func integer(_ key: String) throws(ConfigurationError) -> Int {
        guard case .integer(let range) = ConfigurationSchema.byKey[key]?.kind else { preconditionFailure(key) }
        guard let value = Int(text(key)) else {
            throw ConfigurationError(key: key, problem: "expected a whole number, got \"\(text(key))\"")
        }
        guard range.contains(value) else {
            throw ConfigurationError(key: key, problem: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    func rate(_ key: String) throws(ConfigurationError) -> (requests: Int, per: Duration) {
        guard let rate = RateText.parse(text(key)) else {
            throw ConfigurationError(key: key, problem: "expected requests/duration such as 10/10m, got \"\(text(key))\"")
        }
        return rate
    }

    func choice(_ key: String) throws(ConfigurationError) -> String {
        guard case .choice(let choices) = ConfigurationSchema.byKey[key]?.kind else { preconditionFailure(key) }
        guard choices.contains(text(key)) else {
            throw ConfigurationError(key: key, problem: "expected one of \(choices.joined(separator: ", ")), got \"\(text(key))\"")
        }
        return text(key)
    }

    /// A choice key as the enum its target owns. The schema lists exactly that enum's raw values
    /// (`Kind.choice(of:)`), so every value `choice(_:)` accepts converts: there is no fallback.
    func choice<Value: RawRepresentable>(_ key: String, as type: Value.Type = Value.self)
        throws(ConfigurationError) -> Value where Value.RawValue == String
    {
        let text = try choice(key)
        guard let value = Value(rawValue: text) else {
            preconditionFailure("the schema's choices of \(key) are not the cases of \(Value.self)")
        }
        return value
    }

    /// `http.registration_page`: `true` or `false`.
    func flag(_ key: String) throws(ConfigurationError) -> Bool { try choice(key) == "true" }

    func build(environment: [String: String]) throws(ConfigurationError) -> DaemonConfiguration {
        let publicURL = try Self.url("public_url", text("public_url"), schemes: ["http", "https"])
        let registrationURL = text("registration_url")
        if !registrationURL.isEmpty {
            _ = try Self.url("registration_url", registrationURL, schemes: ["http", "https"])
        }
        let (host, port) = try Self.hostPort("http.listen", text("http.listen"))
        let connections = try connectionLimits()
        var metricsListen: ListenAddress? = nil
        if !text("metrics.listen").isEmpty {
            let (metricsHost, metricsPort) = try Self.hostPort("metrics.listen", text("metrics.listen"))
            guard metricsPort == 0 || (metricsHost, metricsPort) != (host, port) else {
                throw ConfigurationError(key: "metrics.listen", problem: "must differ from http.listen")
            }
            metricsListen = ListenAddress(host: metricsHost, port: metricsPort)
        }
        let spoolDirectory = text("spool.directory")
        guard spoolDirectory.hasPrefix("/") else {
            throw ConfigurationError(key: "spool.directory", problem: "expected an absolute path")
        }
        let smtpURL = try Self.smtpURL(text("smtp.url"), fromEnvironment: environment["ACTIVATIOND_SMTP_URL"] != nil)
        let fromAddress = try Self.mailbox("smtp.from", text("smtp.from")).address

        let courier = DaemonConfiguration.Courier(
            minimalBackoff: try duration("courier.minimal_backoff"),
            maximalBackoff: try duration("courier.maximal_backoff"),
            maximalQueueLifetime: try duration("courier.maximal_queue_lifetime"))
        guard courier.minimalBackoff <= courier.maximalBackoff else {
            throw ConfigurationError(key: "courier.minimal_backoff", problem: "is longer than courier.maximal_backoff")
        }
        let activation = DaemonConfiguration.Activation(
            lifetime: try duration("activation.lifetime"), confirm: try choice("activation.confirm", as: ConfirmMode.self),
            reminderBefore: try duration("activation.reminder_before"),
            resendCooldown: try duration("activation.resend_cooldown"),
            resendDailyLimit: try integer("activation.resend_daily_limit"))
        guard activation.lifetime > .zero else {
            throw ConfigurationError(key: "activation.lifetime", problem: "must be longer than 0s")
        }
        guard activation.reminderBefore < activation.lifetime else {
            throw ConfigurationError(key: "activation.reminder_before", problem: "must be shorter than activation.lifetime")
        }

        let username = text("smtp.username")
        var password: Secret? = nil
        if let path = SecretFile.locate(key: "smtp.password_file", configuredPath: text("smtp.password_file"),
                                        credential: "smtp-password", environment: environment) {
            let secret = try SecretFile.read(key: "smtp.password_file", path: path)
            password = Secret(secret.trimmingCharacters(in: .newlines))
        }
        if !username.isEmpty, password == nil {
            throw ConfigurationError(key: "smtp.password_file", problem: "smtp.username is set but no password file is")
        }
        // Both parsed whether or not a username is set: a misspelt value is refused at once, not
        // when AUTH is turned on later.
        let starttls = try choice("smtp.starttls", as: SMTPOptions.StartTLS.self)
        let authWithoutTLS = try choice("smtp.auth_without_tls", as: SMTPAuthWithoutTLS.self)
        if !username.isEmpty {
            try Self.checkAuthIsEncrypted(url: smtpURL, starttls: starttls, allowance: authWithoutTLS)
        }
        guard let keysPath = SecretFile.locate(key: "keys.file", configuredPath: text("keys.file"),
                                               credential: "signing-keys", environment: environment)
        else { throw ConfigurationError(key: "keys.file", problem: "no signing keys file configured") }
        let keys: KeyRing
        do {
            keys = try KeyRing(parsing: try SecretFile.read(key: "keys.file", path: keysPath))
        } catch let error as KeyRing.ParseError {
            throw ConfigurationError(key: "keys.file", problem: "\(keysPath): \(error)")
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: "keys.file", problem: "\(keysPath): unreadable")
        }
        let dkim = try dkimKeys(environment: environment)
        let caFile = text("smtp.ca_file")
        if !caFile.isEmpty, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ConfigurationError(key: "smtp.ca_file", problem: "cannot read \(caFile)")
        }
        let templates = text("templates.directory")
        var isDirectory: ObjCBool = false
        if !templates.isEmpty, !(FileManager.default.fileExists(atPath: templates, isDirectory: &isDirectory)
                                 && isDirectory.boolValue) {
            throw ConfigurationError(key: "templates.directory", problem: "\(templates) is not a directory")
        }

        let scrypt = ScryptParameters(logN: try integer("password_hash.scrypt_log_n"),
                                      r: try integer("password_hash.scrypt_r"), p: try integer("password_hash.scrypt_p"))
        guard scrypt.isWithinBounds else {
            throw ConfigurationError(key: "password_hash.scrypt_log_n", problem:
                "scrypt \(scrypt) needs \(scrypt.memoryBytes >> 20) MiB a hash; at most \(ScryptParameters.maximalMemoryBytes >> 20) MiB")
        }
        let bounceAddress = try bounceAddress(keys: keys)
        let bounceScanInterval = try duration("bounces.scan_interval")
        guard bounceScanInterval > .zero else {
            throw ConfigurationError(key: "bounces.scan_interval", problem: "must be longer than 0s")
        }
        // Every value from the table, none from a default written elsewhere.
        return DaemonConfiguration(
            publicURL: publicURL,
            registrationURL: registrationURL,
            http: .init(host: host, port: port, maximalBodySize: try integer("http.maximal_body_size"),
                        passwordAttempts: try integer("http.password_attempts"), lockout: try duration("http.lockout"),
                        resendRate: try rate("http.resend_rate"), usernameCheckRate: try rate("http.username_check_rate"),
                        connections: connections, metricsListen: metricsListen,
                        registrationPage: try flag("http.registration_page"), registerRate: try rate("http.register_rate"),
                        trustedProxies: try Self.trustedProxies(text("http.trusted_proxies"),
                                                                header: try choice("http.forwarded_header"))),
            spool: .init(directory: spoolDirectory, rescanInterval: try duration("spool.rescan_interval")),
            store: try store(environment: environment),
            smtp: .init(url: smtpURL, starttls: starttls, username: username, password: password,
                        from: text("smtp.from"), fromAddress: fromAddress, connections: try integer("smtp.connections"),
                        timeout: try duration("smtp.timeout"), caFile: caFile.isEmpty ? nil : caFile),
            courier: courier,
            activation: activation,
            keys: keys,
            keysFile: keysPath,
            passwordHash: scrypt,
            sweeperInterval: try duration("sweeper.interval"),
            log: .init(format: try choice("log.format", as: LineLogHandler.Format.self),
                       level: try choice("log.level", as: Logger.Level.self)),
            templatesDirectory: templates.isEmpty ? nil : templates,
            serviceName: try Self.serviceName(text("service.name")),
            supportContact: try Self.supportContact(text("service.support_contact")),
            dkim: dkim,
            bounceAddress: bounceAddress,
            bounceMaildir: try bounceMaildir(hasAddress: bounceAddress != nil),
            bounceScanInterval: bounceScanInterval,
            bounceEnvelopeHeader: try choice("bounces.envelope_header"))
    }

    /// `bounces.address`, checked against the signing keys; nil when empty.
    func bounceAddress(keys: KeyRing) throws(ConfigurationError) -> BounceAddress? {
        let text = text("bounces.address")
        if text.isEmpty { return nil }
        guard let bounce = BounceAddress(parsing: text, keys: keys) else {
            throw ConfigurationError(key: "bounces.address", problem: """
                expected an address such as bounce@example.org, without '+' and with a local part \
                of at most \(63 - BounceToken.length) characters, got "\(text)"
                """)
        }
        return bounce
    }

    /// `bounces.maildir`: an absolute path, only with `bounces.address`; nil when empty.
    func bounceMaildir(hasAddress: Bool) throws(ConfigurationError) -> String? {
        let maildir = text("bounces.maildir")
        if maildir.isEmpty { return nil }
        guard maildir.hasPrefix("/") else {
            throw ConfigurationError(key: "bounces.maildir", problem: "expected an absolute path, got \"\(maildir)\"")
        }
        guard hasAddress else {
            throw ConfigurationError(key: "bounces.maildir", problem: """
                is set but bounces.address is not: without it no report names its mail
                """)
        }
        return maildir
    }

    /// `http.trusted_proxies`: addresses and networks (`10.0.0.5, 192.168.1.0/24, ::1`), separated by
    /// commas or spaces; empty trusts none.
    static func trustedProxies(_ text: String, header: TrustedProxies.Header) throws(ConfigurationError)
        -> TrustedProxies
    {
        var networks: [AddressBlock] = []
        for item in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let block = AddressBlock(String(item)) else {
                throw ConfigurationError(key: "http.trusted_proxies", problem: """
                    expected IP addresses or networks such as 127.0.0.1 or 10.0.0.0/8, separated by commas, got "\(item)"
                    """)
            }
            networks.append(block)
        }
        return TrustedProxies(networks: networks, header: header)
    }

    /// `service.name`: 1 to 64 characters, no control characters (it goes into titles and mails).
    static func serviceName(_ name: String) throws(ConfigurationError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(trimmed.unicodeScalars.count),
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw ConfigurationError(key: "service.name", problem: "expected 1 to 64 characters without control characters")
        }
        return trimmed
    }

    /// `service.support_contact`: empty, an email address, or an http(s) URL.
    static func supportContact(_ contact: String) throws(ConfigurationError) -> String {
        if contact.isEmpty || EmailAddress.isValid(contact) { return contact }
        _ = try url("service.support_contact", contact, schemes: ["http", "https"])
        return contact
    }

    /// `http.maximal_connections`, the three timeouts (each longer than 0s) and `http.maximal_header_size`.
    func connectionLimits() throws(ConfigurationError) -> ConnectionLimits {
        var timeouts: [Duration] = []
        for key in ["http.idle_timeout", "http.header_timeout", "http.body_timeout"] {
            let timeout = try duration(key)
            guard timeout > .zero else { throw ConfigurationError(key: key, problem: "must be longer than 0s") }
            timeouts.append(timeout)
        }
        return ConnectionLimits(
            maximalConnections: try integer("http.maximal_connections"), idleTimeout: timeouts[0],
            headerTimeout: timeouts[1], bodyTimeout: timeouts[2], maximalHeaderSize: try integer("http.maximal_header_size"))
    }

    /// Refuses AUTH that could go out in clear: with `starttls: opportunistic` a relay that does
    /// not offer STARTTLS — or anyone on the path who strips the offer — receives the relay password
    /// as plain text. Only `smtps://` and `starttls: required` guarantee TLS before AUTH;
    /// `smtp.auth_without_tls: loopback` allows a relay on this host, where no wire is crossed.
    static func checkAuthIsEncrypted(url: URL, starttls: SMTPOptions.StartTLS, allowance: SMTPAuthWithoutTLS)
        throws(ConfigurationError)
    {
        if url.scheme?.lowercased() == "smtps" || starttls == .required { return }
        if allowance == .loopback, isLoopback(url.host ?? "") { return }
        let why = allowance == .loopback
            ? "smtp.auth_without_tls: loopback allows it only for a relay on 127.0.0.1, ::1 or localhost"
            : "set smtp.starttls: required, use an smtps:// URL, or for a relay on this host smtp.auth_without_tls: loopback"
        throw ConfigurationError(key: "smtp.starttls", problem:
            "smtp.username is set, and with starttls: \(starttls.rawValue) the relay password could be sent in clear; \(why)")
    }

    /// `smtp.url` (or `ACTIVATIOND_SMTP_URL`), refused when it holds a user or password: libcurl
    /// sends credentials from the URL with AUTH on its own, past the rule of `checkAuthIsEncrypted`
    /// (with `starttls: opportunistic` they went out in clear). Credentials come only from
    /// `smtp.username` and the password file or credential. The URL is not echoed: it holds a secret.
    static func smtpURL(_ text: String, fromEnvironment: Bool) throws(ConfigurationError) -> URL {
        let source = fromEnvironment ? " (from ACTIVATIOND_SMTP_URL)" : ""
        let refusal = ConfigurationError(key: "smtp.url", problem: """
            holds a user name or password\(source); libcurl would send them with AUTH whatever smtp.starttls \
            says. Write the URL as smtp://host:port, the user in smtp.username and the password in the \
            file named by smtp.password_file (or the smtp-password credential)
            """)
        let afterScheme = text.range(of: "://").map { text[$0.upperBound...] } ?? text[...]
        let authority = afterScheme.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") { throw refusal }
        let url = try url("smtp.url", text, schemes: ["smtp", "smtps"])
        guard url.user == nil, url.password == nil else { throw refusal }
        return url
    }

    /// Whether `host` names this machine: `localhost`, 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String) -> Bool {
        var bare = host.lowercased()
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func url(_ key: String, _ text: String, schemes: [String]) throws(ConfigurationError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme),
              let host = url.host, !host.isEmpty
        else {
            throw ConfigurationError(key: key, problem: "expected a \(schemes.joined(separator: " or ")) URL with a host, got \"\(text)\"")
        }
        return url
    }

    static func hostPort(_ key: String, _ text: String) throws(ConfigurationError) -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port), colon != text.startIndex
        else { throw ConfigurationError(key: key, problem: "expected host:port, got \"\(text)\"") }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// `Name <address>` or a bare address, parsed as the courier parses its sender.
    static func mailbox(_ key: String, _ text: String) throws(ConfigurationError) -> Mailbox {
        do {
            return try Mailbox(parsing: text)
        } catch {
            throw ConfigurationError(key: key, problem: "expected \"Name <address@domain>\" or an address, got \"\(text)\"")
        }
    }
}
