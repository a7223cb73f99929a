import ActivationHTTP
import ActivationMail
import ActivationStorePostgres
import Logging

/// Every configuration key, its kind and its default: the one table that the loader, the unknown-key
/// check, the environment overrides and `Config/activationd.yaml` agree on.
enum ConfigurationSchema {
    /// How a key's value is read.
    enum Kind: Equatable {
        case string
        case duration
        case integer(ClosedRange<Int>)
        case choice([String])
        /// `N/duration`: at most N events in any window of that duration.
        case rate

        /// A choice among the raw values of the enum the key's target owns, so that the schema
        /// lists exactly the values the loader can turn into that enum.
        static func choice<Value: CaseIterable & RawRepresentable>(of type: Value.Type) -> Kind
            where Value.RawValue == String
        {
            .choice(Value.allCases.map(\.rawValue))
        }
    }

    /// One key.
    struct Entry {
        /// Dotted key, `smtp.url`.
        let key: String
        let kind: Kind
        /// The default, as it would be written in the file.
        let defaultValue: String
    }

    static let entries: [Entry] = [
        Entry(key: "public_url", kind: .string, defaultValue: "http://127.0.0.1:8080"),
        Entry(key: "registration_url", kind: .string, defaultValue: ""),
        Entry(key: "service.name", kind: .string, defaultValue: "Accounts"),
        Entry(key: "service.support_contact", kind: .string, defaultValue: ""),
        Entry(key: "http.registration_page", kind: .choice(["true", "false"]), defaultValue: "false"),
        Entry(key: "http.register_rate", kind: .rate, defaultValue: "10/1h"),
        Entry(key: "http.trusted_proxies", kind: .string, defaultValue: ""),
        Entry(key: "http.forwarded_header", kind: .choice(of: TrustedProxies.Header.self), defaultValue: "x-forwarded-for"),
        Entry(key: "http.listen", kind: .string, defaultValue: "127.0.0.1:8080"),
        Entry(key: "http.maximal_body_size", kind: .integer(1024...1_048_576), defaultValue: "8192"),
        Entry(key: "http.password_attempts", kind: .integer(1...100), defaultValue: "5"),
        Entry(key: "http.lockout", kind: .duration, defaultValue: "15m"),
        Entry(key: "http.resend_rate", kind: .rate, defaultValue: "10/10m"),
        Entry(key: "http.username_check_rate", kind: .rate, defaultValue: "60/1m"),
        Entry(key: "http.maximal_connections", kind: .integer(1...1_000_000), defaultValue: "512"),
        Entry(key: "http.idle_timeout", kind: .duration, defaultValue: "30s"),
        Entry(key: "http.header_timeout", kind: .duration, defaultValue: "10s"),
        Entry(key: "http.body_timeout", kind: .duration, defaultValue: "10s"),
        Entry(key: "http.maximal_header_size", kind: .integer(1024...1_048_576), defaultValue: "16384"),
        Entry(key: "metrics.listen", kind: .string, defaultValue: "127.0.0.1:9464"),
        Entry(key: "spool.directory", kind: .string, defaultValue: "/var/spool/activationd"),
        Entry(key: "spool.rescan_interval", kind: .duration, defaultValue: "30s"),
        Entry(key: "store.url", kind: .string, defaultValue: "sqlite:///var/lib/activationd/activationd.sqlite"),
        Entry(key: "store.password_file", kind: .string, defaultValue: ""),
        Entry(key: "store.tls", kind: .choice(of: PostgresStoreOptions.TLSMode.self), defaultValue: "prefer"),
        Entry(key: "store.ca_file", kind: .string, defaultValue: ""),
        Entry(key: "store.pool_size", kind: .integer(1...100), defaultValue: "8"),
        Entry(key: "smtp.url", kind: .string, defaultValue: "smtp://127.0.0.1:25"),
        Entry(key: "smtp.starttls", kind: .choice(of: SMTPOptions.StartTLS.self), defaultValue: "opportunistic"),
        Entry(key: "smtp.username", kind: .string, defaultValue: ""),
        Entry(key: "smtp.password_file", kind: .string, defaultValue: ""),
        Entry(key: "smtp.auth_without_tls", kind: .choice(of: SMTPAuthWithoutTLS.self), defaultValue: "refuse"),
        Entry(key: "smtp.from", kind: .string, defaultValue: "Accounts <no-reply@example.org>"),
        Entry(key: "smtp.connections", kind: .integer(1...64), defaultValue: "4"),
        Entry(key: "smtp.timeout", kind: .duration, defaultValue: "30s"),
        Entry(key: "smtp.ca_file", kind: .string, defaultValue: ""),
        Entry(key: "courier.minimal_backoff", kind: .duration, defaultValue: "30s"),
        Entry(key: "courier.maximal_backoff", kind: .duration, defaultValue: "1h"),
        Entry(key: "courier.maximal_queue_lifetime", kind: .duration, defaultValue: "2d"),
        Entry(key: "activation.lifetime", kind: .duration, defaultValue: "30d"),
        Entry(key: "activation.confirm", kind: .choice(of: ConfirmMode.self), defaultValue: "password"),
        Entry(key: "activation.reminder_before", kind: .duration, defaultValue: "3d"),
        Entry(key: "activation.resend_cooldown", kind: .duration, defaultValue: "5m"),
        Entry(key: "activation.resend_daily_limit", kind: .integer(1...1000), defaultValue: "5"),
        Entry(key: "keys.file", kind: .string, defaultValue: "/etc/activationd/signing.keys"),
        Entry(key: "password_hash.scrypt_log_n", kind: .integer(1...20), defaultValue: "17"),
        Entry(key: "password_hash.scrypt_r", kind: .integer(1...32), defaultValue: "8"),
        Entry(key: "password_hash.scrypt_p", kind: .integer(1...16), defaultValue: "1"),
        Entry(key: "sweeper.interval", kind: .duration, defaultValue: "10m"),
        Entry(key: "dkim.domain", kind: .string, defaultValue: ""),
        Entry(key: "dkim.selector", kind: .string, defaultValue: ""),
        Entry(key: "dkim.private_key_file", kind: .string, defaultValue: ""),
        Entry(key: "dkim.algorithm", kind: .choice(of: DKIMKey.Algorithm.self), defaultValue: "rsa-sha256"),
        Entry(key: "dkim.ed25519_selector", kind: .string, defaultValue: ""),
        Entry(key: "dkim.ed25519_private_key_file", kind: .string, defaultValue: ""),
        Entry(key: "bounces.address", kind: .string, defaultValue: ""),
        Entry(key: "bounces.maildir", kind: .string, defaultValue: ""),
        Entry(key: "bounces.scan_interval", kind: .duration, defaultValue: "30s"),
        Entry(key: "bounces.envelope_header", kind: .choice(of: DeliveryStatusParser.EnvelopeHeader.self), defaultValue: "delivered-to"),
        Entry(key: "log.format", kind: .choice(of: LineLogHandler.Format.self), defaultValue: "logfmt"),
        Entry(key: "log.level", kind: .choice(of: Logger.Level.self), defaultValue: "info"),
        Entry(key: "templates.directory", kind: .string, defaultValue: ""),
    ]

    static let byKey: [String: Entry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0) })

    /// The sections (first key components) that hold nested keys.
    static let sections: Set<String> = Set(entries.compactMap { entry in
        entry.key.contains(".") ? String(entry.key.split(separator: ".")[0]) : nil
    })
}

/// `smtp.auth_without_tls`: whether AUTH may go out without TLS to a relay on this host.
enum SMTPAuthWithoutTLS: String, CaseIterable, Sendable {
    /// AUTH only over TLS (`smtps://` or `starttls: required`).
    case refuse
    /// Also without TLS to a relay on 127.0.0.1, ::1 or localhost.
    case loopback
}
