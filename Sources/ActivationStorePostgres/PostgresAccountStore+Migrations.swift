import PostgresNIO

extension PostgresAccountStore {
    /// The advisory lock key under which migrations run ('actvmigr' in ASCII), so that hosts
    /// starting together apply each migration once and none reads a half-made schema.
    static let migrationLock: Int64 = 0x6163_7476_6d69_6772

    /// One schema change: its identifier (recorded in `activationd_migrations`) and its statements
    /// (one per string: the extended protocol runs one statement at a time).
    struct Migration: Sendable {
        let identifier: String
        let statements: [String]
    }

    /// The schema, one migration per version; never edit a shipped migration, add one.
    ///
    /// The tables and their meaning are the SQLite store's (after its migration "used registration
    /// challenges"), in PostgreSQL's types: `uuid` ids, `bigint` milliseconds, `bytea` nonces.
    /// Differences: `outbox.seq` orders rows queued in the same millisecond (SQLite's rowid), and the
    /// outbox's due and leased rows have partial indexes, so that claims never read sent rows.
    static let migrations: [Migration] = [
        Migration(identifier: "v1", statements: [
            """
            CREATE TABLE account (
                id                         uuid PRIMARY KEY,
                registration_id            uuid NOT NULL,
                username                   text NOT NULL,
                username_key               text NOT NULL,
                first_name                 text NOT NULL,
                last_name                  text NOT NULL,
                email                      text NOT NULL,
                email_key                  text NOT NULL,
                password_hash              text NOT NULL,
                password_phrase            text NOT NULL,
                locale                     text NOT NULL,
                state                      text NOT NULL CHECK (state IN ('pending', 'active')),
                nonce                      bytea NOT NULL,
                registered_at              bigint NOT NULL,
                expires_at                 bigint NOT NULL,
                activated_at               bigint,
                reminded_at                bigint,
                password_attempts          bigint NOT NULL DEFAULT 0,
                password_attempts_reset_at bigint
            )
            """,
            // One username per account, whatever its state; one active account per email.
            "CREATE UNIQUE INDEX account_username_key ON account (username_key)",
            "CREATE UNIQUE INDEX account_active_email ON account (email_key) WHERE state = 'active'",
            "CREATE INDEX account_email_key ON account (email_key)",
            "CREATE INDEX account_registration ON account (registration_id)",
            "CREATE INDEX account_pending_expiry ON account (expires_at) WHERE state = 'pending'",
            "CREATE INDEX account_state ON account (state)",
            // Every registration id ever accepted, kept after its account is gone, so that a spool
            // file seen again (a crash between commit and unlink, on any host) is never stored twice.
            """
            CREATE TABLE registration (
                id             uuid PRIMARY KEY,
                account_id     uuid NOT NULL,
                received_at    bigint NOT NULL,
                content_digest text
            )
            """,
            "CREATE INDEX registration_received ON registration (received_at)",
            """
            CREATE TABLE outbox (
                seq              bigint GENERATED ALWAYS AS IDENTITY,
                id               uuid PRIMARY KEY,
                account_id       uuid NOT NULL,
                kind             text NOT NULL CHECK (kind IN ('activation', 'reminder')),
                status           text NOT NULL
                                 CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
                attempts         bigint NOT NULL DEFAULT 0,
                created_at       bigint NOT NULL,
                next_attempt_at  bigint NOT NULL,
                lease_owner      text,
                lease_expires_at bigint,
                last_attempt_at  bigint,
                last_reply       text
            )
            """,
            "CREATE INDEX outbox_queued ON outbox (next_attempt_at) WHERE status = 'queued'",
            "CREATE INDEX outbox_leased ON outbox (lease_expires_at) WHERE status = 'sending'",
            "CREATE INDEX outbox_account ON outbox (account_id)",
            """
            CREATE INDEX outbox_finished ON outbox ((COALESCE(last_attempt_at, created_at)))
                WHERE status IN ('sent', 'cancelled')
            """,
            "CREATE INDEX outbox_status ON outbox (status)",
            """
            CREATE TABLE removed_account (
                id         uuid PRIMARY KEY,
                reason     text NOT NULL CHECK (reason IN ('superseded', 'replaced')),
                removed_at bigint NOT NULL
            )
            """,
            "CREATE INDEX removed_account_at ON removed_account (removed_at)",
            """
            CREATE TABLE used_challenge (
                id           uuid PRIMARY KEY,
                fingerprint  text NOT NULL,
                submitted_at bigint NOT NULL,
                expires_at   bigint NOT NULL
            )
            """,
            "CREATE INDEX used_challenge_expiry ON used_challenge (expires_at)",
        ]),
        // A delivery status notification marks a sent row `bounced`. The CHECK of v1's
        // outbox.status is the one PostgreSQL named outbox_status_check.
        Migration(identifier: "outbox rows can bounce", statements: [
            "ALTER TABLE outbox DROP CONSTRAINT outbox_status_check",
            """
            ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
                CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'bounced'))
            """,
        ]),
    ]

    /// Creates or upgrades the schema: every migration not yet recorded in `activationd_migrations`,
    /// in order, in one transaction under `pg_advisory_xact_lock(migrationLock)`. A host that starts
    /// while another migrates waits for the lock, then finds everything applied and changes nothing.
    public func migrate() async throws {
        try await migrate(Self.migrations)
    }

    func migrate(_ migrations: [Migration]) async throws {
        try await transaction(bounded: false) { [self] connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS activationd_migrations (
                    identifier text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
                )
                """, logger: logger)
            var applied = Set<String>()
            for try await identifier in try await connection.query(
                "SELECT identifier FROM activationd_migrations", logger: logger
            ).decode(String.self) {
                applied.insert(identifier)
            }
            for migration in migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    // A constant of this file's migration list, with no value in it; the identifier below is bound.
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO activationd_migrations (identifier) VALUES (\(migration.identifier))", logger: logger)
            }
        }
    }

    /// The identifiers of the migrations applied to the database, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        var identifiers: [String] = []
        for try await identifier in try await client.query(
            "SELECT identifier FROM activationd_migrations ORDER BY applied_at, identifier", logger: logger
        ).decode(String.self) {
            identifiers.append(identifier)
        }
        return identifiers
    }
}
