public import ActivationCore
public import ActivationSpool
public import ActivationHTTP
public import ActivationMail
public import Foundation
public import ActivationStorePostgres
public import Logging

/// Everything `activationd serve` and its subcommands are configured with: one YAML file, every
/// key overridable by an environment variable (`ACTIVATIOND_SMTP_URL` for `smtp.url`), secrets read
/// from files or systemd credentials. Built only by `ConfigurationValues.build` from the table of
/// keys (`ConfigurationSchema`), so no property has a default of its own.
public struct DaemonConfiguration: Sendable {
    /// Links are `<publicURL>/activate?token=…`.
    public var publicURL: URL
    /// The web front's registration page, for "register again" links; empty for `<public_url>/register`.
    public var registrationURL: String
    /// The HTTP listener.
    public var http: HTTP
    /// The spool directory.
    public var spool: Spool
    /// Where accounts live.
    public var store: StoreLocation
    /// The outgoing relay.
    public var smtp: SMTP
    /// Retry schedule of outgoing mail.
    public var courier: Courier
    /// Account activation rules.
    public var activation: Activation
    /// The signing keys (read from `keys.file` or the `signing-keys` credential).
    public var keys: KeyRing
    /// Where the keys came from, for messages.
    public var keysFile: String
    /// Parameters of new password hashes.
    public var passwordHash: ScryptParameters
    /// How often the sweeper runs.
    public var sweeperInterval: Duration
    /// Logging.
    public var log: Log
    /// A directory whose templates override the shipped ones; nil for the shipped ones only.
    public var templatesDirectory: String?
    /// `service.name`: the service's name in page titles and mails.
    public var serviceName: String
    /// `service.support_contact`: an email address or URL the registration page names; empty for none.
    public var supportContact: String
    /// The DKIM keys (`dkim.*`), loaded once; each signs every mail. Empty: mail goes unsigned.
    public var dkim: [DKIMKey]
    /// `bounces.address`: each mail's envelope sender names its outbox row (VERP); nil: the From
    /// address.
    public var bounceAddress: BounceAddress?
    /// `bounces.maildir`: the Maildir that reports to `bounceAddress` are delivered into, read by
    /// `serve` every `bounceScanInterval`; nil: `serve` reads no reports.
    public var bounceMaildir: String?
    /// `bounces.scan_interval`.
    public var bounceScanInterval: Duration
    /// `bounces.envelope_header`: where the delivery agent writes the envelope recipient.
    public var bounceEnvelopeHeader: DeliveryStatusParser.EnvelopeHeader

    /// `http.*`.
    public struct HTTP: Sendable {
        /// Address to listen on.
        public var host: String
        /// Port to listen on.
        public var port: Int
        /// Larger request bodies get 413.
        public var maximalBodySize: Int
        /// Wrong passwords per link before it locks.
        public var passwordAttempts: Int
        /// How long a locked link stays locked.
        public var lockout: Duration
        /// `POST /resend` requests per client address and window.
        public var resendRate: (requests: Int, per: Duration)
        /// Username checks per client address and window.
        public var usernameCheckRate: (requests: Int, per: Duration)
        /// `http.maximal_connections`, `http.*_timeout`, `http.maximal_header_size`.
        public var connections: ConnectionLimits
        /// `metrics.listen`: the operator listener; nil when empty (off).
        public var metricsListen: ListenAddress?
        /// `http.registration_page`: whether `/register` serves the registration form.
        public var registrationPage: Bool
        /// `http.register_rate`: `POST /register` requests per client address and window.
        public var registerRate: (requests: Int, per: Duration)
        /// `http.trusted_proxies` with `http.forwarded_header`: whose forwarding header is believed.
        public var trustedProxies: TrustedProxies
    }

    /// `spool.*`.
    public struct Spool: Sendable, Equatable {
        /// The spool directory, holding tmp/, new/ and rejected/.
        public var directory: String
        /// How often new/ is rescanned besides inotify.
        public var rescanInterval: Duration
    }

    /// `store.url`: `sqlite:///path` or `postgres://…`.
    public enum StoreLocation: Sendable, Equatable {
        /// An SQLite file at this absolute path.
        case sqlite(path: String)
        /// A PostgreSQL database.
        case postgres(PostgresLocation)
    }

    /// `store.url: postgres://user@host:port/db` with `store.password_file` (or the `store-password`
    /// credential), `store.tls`, `store.ca_file` and `store.pool_size`.
    public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
        /// The server's host name or address.
        public var host: String
        /// Its port (5432 unless the URL says).
        public var port: Int
        /// The role to connect as.
        public var username: String
        /// The database.
        public var database: String
        /// The role's password; nil for none (trust or peer authentication, or a client certificate).
        public var password: Secret?
        /// `store.tls`: `disable`, `prefer` or `require`.
        public var tls: PostgresStoreOptions.TLSMode
        /// CA certificates (PEM) to verify the server with; nil for the system's.
        public var caFile: String?
        /// Connections per host.
        public var poolSize: Int

        /// `postgres://user@host:port/db`, never the password.
        public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

        /// What `store.tls` means with the password setting, in words, for `check-config`.
        public var tlsMeaning: String {
            let roots = caFile.map { "store.ca_file \($0)" } ?? "the system's CAs"
            if host.hasPrefix("/") {
                return "a Unix socket in \(host): no TLS; nothing crosses a network, and only the local server owning "
                    + "the socket receives the password"
            }
            switch (tls, password != nil) {
            case (.disable, _):
                return "no TLS: nothing sent or received is protected (no password configured)"
            case (_, true):
                return "a password is configured, so TLS is required and the server's certificate and name are "
                    + "verified against \(roots) before the password is sent"
            case (.require, false):
                return "TLS required, the server's certificate and name verified against \(roots); no password configured"
            default:
                return caFile == nil
                    ? "TLS when the server offers it, the server not verified (no password is sent, but anyone on the "
                        + "path could pose as the server; set store.ca_file or store.tls: require to verify it)"
                    : "TLS when the server offers it, verified against \(roots); a server offering no TLS is used in clear "
                        + "(no password configured)"
            }
        }
    }

    /// `smtp.*`.
    public struct SMTP: Sendable {
        /// `smtp://host:port` or `smtps://host:port`.
        public var url: URL
        /// `smtp.starttls`: `required`, `opportunistic` or `never`.
        public var starttls: SMTPOptions.StartTLS
        /// AUTH user name; empty for no AUTH.
        public var username: String
        /// AUTH password, read from `smtp.password_file` or the `smtp-password` credential.
        public var password: Secret?
        /// The From header, `Name <address>`.
        public var from: String
        /// The envelope sender: the address inside `from`.
        public var fromAddress: String
        /// Parallel SMTP connections.
        public var connections: Int
        /// Connect and reply timeout.
        public var timeout: Duration
        /// CA bundle for the relay's certificate; nil for the system's.
        public var caFile: String?
    }

    /// `courier.*`, after Postfix's settings of the same names.
    public struct Courier: Sendable, Equatable {
        /// Shortest wait before retrying a deferred mail.
        public var minimalBackoff: Duration
        /// Longest wait between retries.
        public var maximalBackoff: Duration
        /// A mail still undelivered this long after it was queued fails.
        public var maximalQueueLifetime: Duration
    }

    /// `activation.*`.
    public struct Activation: Sendable, Equatable {
        /// How long an activation link lives.
        public var lifetime: Duration
        /// `password` (the person confirms with their password) or `button`.
        public var confirm: ConfirmMode
        /// When, before expiry, the reminder goes out.
        public var reminderBefore: Duration
        /// Shortest time between two resends for one account.
        public var resendCooldown: Duration
        /// Most resends for one account in a day.
        public var resendDailyLimit: Int
    }

    /// `log.*`.
    public struct Log: Sendable, Equatable {
        /// `logfmt` or `json`.
        public var format: LineLogHandler.Format
        /// The lowest level logged: `trace` … `critical`.
        public var level: Logger.Level
    }
}

extension DaemonConfiguration {
    /// One line for `check-config`: what was loaded, without secrets.
    public var summary: String {
        let storeText = switch store {
        case .sqlite(let path): "sqlite \(path)"
        case .postgres(let location): "\(location), tls \(location.tls.rawValue) (\(location.tlsMeaning))"
        }
        return "store \(storeText), spool \(spool.directory), relay \(smtp.url.host ?? "?"), "
            + "\(keys.keys.count) signing key(s) from \(keysFile), listening on \(http.host):\(http.port)"
            + (dkim.isEmpty ? "" : ", DKIM " + dkim.map { "\($0.algorithm.rawValue) s=\($0.selector)" }.joined(separator: " + ")
                + " d=\(dkim[0].domain)")
    }
}

extension DaemonConfiguration {
    /// The sweeper's options from this configuration.
    public var sweeperOptions: Sweeper.Options {
        Sweeper.Options(interval: sweeperInterval, reminderBefore: activation.reminderBefore,
                        lifetime: activation.lifetime, rejectedDirectory: spool.directory + "/rejected")
    }
}

extension DaemonConfiguration {
    /// The intake's options from this configuration.
    public var intakeOptions: IntakeOptions {
        var options = IntakeOptions(directory: spool.directory, rescanInterval: spool.rescanInterval,
                                    activationLifetime: activation.lifetime, passwordHash: passwordHash)
        options.resend = ResendPolicy(cooldown: activation.resendCooldown, dailyLimit: activation.resendDailyLimit)
        return options
    }
}

extension DaemonConfiguration {
    /// The HTTP server's options from this configuration.
    public var httpOptions: HTTPOptions {
        var options = HTTPOptions(
            listen: ListenAddress(host: http.host, port: http.port), publicURL: publicURL.absoluteString,
            activation: ActivationOptions(
                lifetime: activation.lifetime, confirm: activation.confirm,
                resendCooldown: activation.resendCooldown, resendDailyLimit: activation.resendDailyLimit),
            templatesDirectory: templatesDirectory,
            limits: HTTPLimits(
                maximalBodySize: http.maximalBodySize, passwordAttempts: http.passwordAttempts, lockout: http.lockout,
                resendPerAddress: RateLimit(requests: http.resendRate.requests, per: http.resendRate.per),
                usernameChecksPerAddress: RateLimit(requests: http.usernameCheckRate.requests,
                                                    per: http.usernameCheckRate.per),
                registrationsPerAddress: RateLimit(requests: http.registerRate.requests, per: http.registerRate.per)))
        options.registrationSpool = http.registrationPage ? spool.directory : nil
        options.serviceName = serviceName
        options.supportContact = supportContact
        options.registrationPage = registrationURL
        options.connections = http.connections
        options.operatorListen = http.metricsListen
        options.trustedProxies = http.trustedProxies
        return options
    }
}

extension DaemonConfiguration {
    /// The SMTP transport's options from this configuration.
    public var smtpOptions: SMTPOptions {
        SMTPOptions(
            url: smtp.url.absoluteString, startTLS: smtp.starttls,
            username: smtp.username, password: smtp.password?.value ?? "", from: smtp.from,
            connections: smtp.connections, timeout: smtp.timeout, caFile: smtp.caFile)
    }

    /// The courier's options from this configuration.
    public var courierOptions: CourierOptions {
        // The lease is twice the longest send (the transport's send time limit, 8 × smtp.timeout):
        // no send starts under less than that, and the courier's window shrinks as sends slow down
        // so that claimed rows start within the other half.
        CourierOptions(minimalBackoff: courier.minimalBackoff, maximalBackoff: courier.maximalBackoff,
                       maximalQueueLifetime: courier.maximalQueueLifetime, lease: max(.seconds(300), smtp.timeout * 16),
                       window: CourierOptions.window(connections: smtp.connections))
    }

    /// What the courier renders mail with: sender, templates, signing keys, public URL.
    public func mailFactory() throws(MailError) -> MailFactory {
        MailFactory(sender: try Mailbox(parsing: smtp.from), templates: try MailTemplates(directory: templatesDirectory),
                    keys: keys, publicURL: publicURL.absoluteString, serviceName: serviceName,
                    dkim: DKIMSigner(keys: dkim), bounceAddress: bounceAddress)
    }
}
