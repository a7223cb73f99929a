import ActivationHTTP
import ActivationMail
import ActivationStorePostgres
import Logging

/// Every configuration key, its kind, its default and its description: the one table that the
/// loader, the unknown-key check and the environment overrides read, and that writes
/// `Config/activationd.yaml` and the man page's key list (`ConfigurationSchema.template()`).
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
        /// What the key means, for the comment above it in `Config/activationd.yaml` and for the man
        /// page, one comment line a line; an indented line is an example. Empty for a key
        /// that the description of the key before it covers.
        let description: String
    }

    static let entries: [Entry] = [
        Entry(key: "public_url", kind: .string, defaultValue: "http://127.0.0.1:8080", description: """
            Activation links are <public_url>/activate?token=…; the address people reach the HTTP listener at.
            """),
        Entry(key: "registration_url", kind: .string, defaultValue: "", description: """
            The web front's registration page: the expired-link page offers "Register again" there.
            Empty means <public_url>/register (activationd's own page, when http.registration_page is on).
            """),
        Entry(key: "service.name", kind: .string, defaultValue: "Accounts", description: """
            The service's name, as people see it in page titles and on the registration page.
            """),
        Entry(key: "service.support_contact", kind: .string, defaultValue: "", description: """
            Where people get help: an email address or an http(s) URL, named by the registration page's
            conditions of use and its step 5. Empty names "the support team of <name>".
            """),
        Entry(key: "http.listen", kind: .string, defaultValue: "127.0.0.1:8080", description: """
            Address and port of the HTTP listener (activation pages, API, /healthz, /readyz; /metrics is on
            metrics.listen). Put a TLS-terminating proxy in front of it for public use.
            """),
        Entry(key: "http.maximal_body_size", kind: .integer(1024...1_048_576), defaultValue: "8192", description: """
            Request bodies larger than this (bytes) are refused with 413.
            """),
        Entry(key: "http.password_attempts", kind: .integer(1...100), defaultValue: "5", description: """
            At most this many passwords are checked for one activation link per `lockout` window; the last
            one locks it for `lockout`. Counted in the store: the lock holds across restarts and hosts.
            """),
        Entry(key: "http.lockout", kind: .duration, defaultValue: "15m", description: ""),
        Entry(key: "http.resend_rate", kind: .rate, defaultValue: "10/10m", description: """
            Per client address: POST /resend, and the registration form's username check (requests/window).
            """),
        Entry(key: "http.username_check_rate", kind: .rate, defaultValue: "60/1m", description: ""),
        Entry(key: "http.registration_page", kind: .choice(["true", "false"]), defaultValue: "false", description: """
            Serve the registration form at /register (GET and POST): the seed's sign-up page, written into
            spool.directory as any front would. Off when your own front writes the spool.
            """),
        Entry(key: "http.register_rate", kind: .rate, defaultValue: "10/1h", description: """
            Per client address: POST /register with solved characters (requests/window). Behind a proxy,
            set trusted_proxies, or every client shares the proxy's address.
            """),
        Entry(key: "http.trusted_proxies", kind: .string, defaultValue: "", description: """
            The reverse proxies (addresses or networks, comma separated: "127.0.0.1, 10.0.0.0/8") whose
            forwarding header names the client that the per-address limits count. Empty: the connection's
            peer is the client, whatever a header says.
            """),
        Entry(key: "http.forwarded_header", kind: .choice(of: TrustedProxies.Header.self), defaultValue: "x-forwarded-for", description: """
            The header they write: x-forwarded-for, or forwarded (RFC 7239). Only that one is read.
            """),
        Entry(key: "http.maximal_connections", kind: .integer(1...1_000_000), defaultValue: "512", description: """
            Connections served at once; past it new ones wait in the kernel's backlog. With the operator
            listener's 16 and 256 descriptors kept for the store, spool and relay it must fit under the file
            limit (the unit's LimitNOFILE=8192), else it is lowered at start with a warning.
            """),
        Entry(key: "http.idle_timeout", kind: .duration, defaultValue: "30s", description: """
            A connection is closed after this long without a byte (fresh, or between requests),
            """),
        Entry(key: "http.header_timeout", kind: .duration, defaultValue: "10s", description: """
            when a request head (line and headers) takes longer than this from its first byte,
            """),
        Entry(key: "http.body_timeout", kind: .duration, defaultValue: "10s", description: """
            or a request body longer than this after its head.
            """),
        Entry(key: "http.maximal_header_size", kind: .integer(1024...1_048_576), defaultValue: "16384", description: """
            Request line and headers larger than this (bytes) get 431 and the connection is closed.
            """),
        Entry(key: "metrics.listen", kind: .string, defaultValue: "127.0.0.1:9464", description: """
            The operator listener: /metrics (Prometheus text), /healthz, /readyz. Keep it on loopback or a
            private network: the counters tell one login from another. Empty turns it off.
            """),
        Entry(key: "spool.directory", kind: .string, defaultValue: "/var/spool/activationd", description: """
            Holds tmp/, new/ and rejected/. The web front writes tmp/<name>, then renames it to new/<name>.json.
            """),
        Entry(key: "spool.rescan_interval", kind: .duration, defaultValue: "30s", description: """
            new/ is watched with inotify and also rescanned this often, so nothing is missed.
            """),
        Entry(key: "store.url", kind: .string, defaultValue: "sqlite:///var/lib/activationd/activationd.sqlite", description: """
            sqlite:///absolute/path (embedded, one host) or postgres://user@host:port/database (several hosts
            share one database; no password in the URL). A host that is a percent-encoded directory,
            postgres://user@%2Fvar%2Frun%2Fpostgresql/database, is the server's Unix socket there (no TLS).
            """),
        Entry(key: "store.password_file", kind: .string, defaultValue: "", description: """
            PostgreSQL only: the role's password (mode 0600); the systemd credential "store-password" wins.
            """),
        Entry(key: "store.tls", kind: .choice(of: PostgresStoreOptions.TLSMode.self), defaultValue: "prefer", description: """
            PostgreSQL only: TLS to the server. With a password (above), prefer and require both mean TLS
            with the server's certificate and name verified against ca_file (or the system's CAs when it is
            empty) before the password is sent, and disable is refused: the server decides whether the
            password crosses in clear or as MD5. Without a password: disable, prefer (TLS when the server
            offers it, verified only with ca_file) or require (TLS, always verified).
            """),
        Entry(key: "store.ca_file", kind: .string, defaultValue: "", description: ""),
        Entry(key: "store.pool_size", kind: .integer(1...100), defaultValue: "8", description: """
            PostgreSQL only: connections each host keeps to the database.
            """),
        Entry(key: "smtp.url", kind: .string, defaultValue: "smtp://127.0.0.1:25", description: """
            The relay: smtp://host:port (STARTTLS per below) or smtps://host:port (TLS from the start).
            """),
        Entry(key: "smtp.starttls", kind: .choice(of: SMTPOptions.StartTLS.self), defaultValue: "opportunistic", description: """
            required: refuse to send without STARTTLS; opportunistic: use it when offered; never.
            """),
        Entry(key: "smtp.username", kind: .string, defaultValue: "", description: """
            AUTH user; empty for none. The password is read from password_file, or from the systemd
            credential "smtp-password" when $CREDENTIALS_DIRECTORY has it. AUTH needs TLS first: with a
            username, use an smtps:// URL or starttls: required (opportunistic STARTTLS can be stripped
            by anyone on the path, and the password would go out in clear); anything else exits 78.
            """),
        Entry(key: "smtp.password_file", kind: .string, defaultValue: "", description: ""),
        Entry(key: "smtp.auth_without_tls", kind: .choice(of: SMTPAuthWithoutTLS.self), defaultValue: "refuse", description: """
            refuse: AUTH only over TLS (above). loopback: also allow AUTH without TLS to a relay on
            127.0.0.1, ::1 or localhost, where the password crosses no wire.
            """),
        Entry(key: "smtp.from", kind: .string, defaultValue: "Accounts <no-reply@example.org>", description: """
            The From header; its address is also the envelope sender.
            """),
        Entry(key: "smtp.connections", kind: .integer(1...64), defaultValue: "4", description: """
            Parallel connections to the relay (1–64).
            """),
        Entry(key: "smtp.timeout", kind: .duration, defaultValue: "30s", description: """
            Connect and reply timeout.
            """),
        Entry(key: "smtp.ca_file", kind: .string, defaultValue: "", description: """
            CA bundle to verify the relay's certificate; empty for the system's.
            """),
        Entry(key: "courier.minimal_backoff", kind: .duration, defaultValue: "30s", description: """
            A deferred mail (4xx reply, connection trouble) is retried after a backoff that doubles from
            minimal_backoff up to maximal_backoff, with jitter; after maximal_queue_lifetime it fails.
            """),
        Entry(key: "courier.maximal_backoff", kind: .duration, defaultValue: "1h", description: ""),
        Entry(key: "courier.maximal_queue_lifetime", kind: .duration, defaultValue: "2d", description: ""),
        Entry(key: "activation.lifetime", kind: .duration, defaultValue: "30d", description: """
            How long an activation link lives; a pending account is removed after this.
            """),
        Entry(key: "activation.confirm", kind: .choice(of: ConfirmMode.self), defaultValue: "password", description: """
            password: the person confirms with the password they chose (mail scanners cannot);
            button: a bare button.
            """),
        Entry(key: "activation.reminder_before", kind: .duration, defaultValue: "3d", description: """
            A reminder goes out this long before expiry, once.
            """),
        Entry(key: "activation.resend_cooldown", kind: .duration, defaultValue: "5m", description: """
            Resending the link: at most once per cooldown, at most daily_limit times a day, per account.
            """),
        Entry(key: "activation.resend_daily_limit", kind: .integer(1...1000), defaultValue: "5", description: ""),
        Entry(key: "keys.file", kind: .string, defaultValue: "/etc/activationd/signing.keys", description: """
            Signing keys, one "<key-id> <base64 secret>" a line; the first signs, all verify. Make one with
            `activationd keys generate`. Mode 0600 (or 0640); the systemd credential "signing-keys" wins.
            """),
        Entry(key: "password_hash.scrypt_log_n", kind: .integer(1...20), defaultValue: "17", description: """
            scrypt parameters of new password hashes: N = 2^scrypt_log_n (1–20), r (1–32), p (1–16),
            needing at most 512 MiB a hash (128 · N · r bytes).
            The default is OWASP's: about 0.5 s and 128 MiB a hash.
            """),
        Entry(key: "password_hash.scrypt_r", kind: .integer(1...32), defaultValue: "8", description: ""),
        Entry(key: "password_hash.scrypt_p", kind: .integer(1...16), defaultValue: "1", description: ""),
        Entry(key: "sweeper.interval", kind: .duration, defaultValue: "10m", description: """
            How often reminders, expiry and purges run.
            """),
        Entry(key: "dkim.domain", kind: .string, defaultValue: "", description: """
            DKIM signing (RFC 6376), relaxed/relaxed, over From (twice), To, Subject, Date, Message-ID,
            MIME-Version, Content-Type and Auto-Submitted. Make a key and its DNS record with
              activationd keys dkim --domain example.org --selector mail2026 --out /etc/activationd/dkim.key
            and publish the record before you configure the key. No key (empty file, or the unit's empty
            dkim-key credential): mail goes out unsigned, and check-config warns.
            The signing domain (d=); for DMARC it must be the From domain (smtp.from) or a parent of it.
            """),
        Entry(key: "dkim.selector", kind: .string, defaultValue: "", description: """
            The selector (s=) of the key in private_key_file: its record is <selector>._domainkey.<domain>.
            """),
        Entry(key: "dkim.private_key_file", kind: .string, defaultValue: "", description: """
            PEM private key; the systemd credential dkim-key wins over it. Mode 0600 or 0640.
            """),
        Entry(key: "dkim.algorithm", kind: .choice(of: DKIMKey.Algorithm.self), defaultValue: "rsa-sha256", description: """
            The key's algorithm: rsa-sha256 (2048 bits or more) or ed25519-sha256 (RFC 8463).
            """),
        Entry(key: "dkim.ed25519_selector", kind: .string, defaultValue: "", description: """
            Both signatures on every mail: with an RSA key above, an Ed25519 key here adds a second
            signature under its own selector (receivers that do not know Ed25519 ignore it and use RSA).
            The credential dkim-ed25519-key wins over the file; the shipped unit does not load it (add
            LoadCredential=dkim-ed25519-key:… in a drop-in).
            """),
        Entry(key: "dkim.ed25519_private_key_file", kind: .string, defaultValue: "", description: ""),
        Entry(key: "bounces.address", kind: .string, defaultValue: "", description: """
            A mailbox on your domain for bounces (delivery status notifications): each mail's envelope
            sender becomes <local>+<token>@<domain> (VERP; the token names the mail and is signed with the
            signing keys), so a bounce names the mail it is about. Empty:
            the envelope sender is smtp.from's address. The mailbox must accept <local>+anything (Postfix:
            recipient_delimiter = +). No '+' in the address; the local part at most 31 characters.
            """),
        Entry(key: "bounces.maildir", kind: .string, defaultValue: "", description: """
            The Maildir the mailbox above is delivered into (readable and writable by the activationd
            user). serve reads its new/ every scan_interval: a failure report (RFC 3464 DSN) marks its
            mail bounced (no resends or reminders to that address until the person registers again); each
            message read moves to cur/ (flag S), anything else is set aside there (flag F). Empty: no
            reading (`activationd bounces --maildir DIR` reads once). Needs address above. serve exits 78
            at start when new/ or cur/ cannot be written (under the unit: add it to ReadWritePaths=).
            """),
        Entry(key: "bounces.scan_interval", kind: .duration, defaultValue: "30s", description: ""),
        Entry(key: "bounces.envelope_header", kind: .choice(of: DeliveryStatusParser.EnvelopeHeader.self), defaultValue: "delivered-to", description: """
            The header in which your local delivery agent writes the envelope recipient at the top of each
            message it files: delivered-to (Postfix local/virtual, Dovecot's LDA) or x-original-to
            (Postfix). Only that first header names the mail; To: and the report's own fields are ignored,
            since anyone can write them. The token after '+' is signed with the signing keys: reports to
            an unsigned or forged token are set aside.
            """),
        Entry(key: "log.format", kind: .choice(of: LineLogHandler.Format.self), defaultValue: "logfmt", description: """
            logfmt or json, one line an event on stderr.
            """),
        Entry(key: "log.level", kind: .choice(of: Logger.Level.self), defaultValue: "info", description: """
            trace, debug, info, notice, warning, error or critical.
            """),
        Entry(key: "templates.directory", kind: .string, defaultValue: "", description: """
            A directory whose files override the shipped mail and page templates; empty for the shipped ones.
            """),
    ]

    /// The comment at the top of the generated file.
    static let preamble = """
        activationd configuration. Every key is shown with its default; delete what you do not change.
        Any key can be overridden from the environment: smtp.url is ACTIVATIOND_SMTP_URL,
        spool.rescan_interval is ACTIVATIOND_SPOOL_RESCAN_INTERVAL. Durations are a whole number and a
        unit: 500ms, 30s, 5m, 1h, 30d, 2w. Check a file with: activationd check-config --config FILE
        """

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
