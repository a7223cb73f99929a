import GRDB

extension SQLiteAccountStore {
    /// The schema, one registered migration per version; never edit a shipped migration, add one.
    ///
    /// Times are integer milliseconds since the Unix epoch; ids are lowercase UUID strings.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id              TEXT PRIMARY KEY NOT NULL,
                    registration_id TEXT NOT NULL,
                    username        TEXT NOT NULL,
                    username_key    TEXT NOT NULL,
                    first_name      TEXT NOT NULL,
                    last_name       TEXT NOT NULL,
                    email           TEXT NOT NULL,
                    email_key       TEXT NOT NULL,
                    password_hash   TEXT NOT NULL,
                    password_phrase TEXT NOT NULL,
                    locale          TEXT NOT NULL,
                    state           TEXT NOT NULL CHECK (state IN ('pending', 'active')),
                    nonce           BLOB NOT NULL,
                    registered_at   INTEGER NOT NULL,
                    expires_at      INTEGER NOT NULL,
                    activated_at    INTEGER,
                    reminded_at     INTEGER
                );
                CREATE UNIQUE INDEX account_username_key ON account(username_key);
                CREATE UNIQUE INDEX account_active_email ON account(email_key) WHERE state = 'active';
                CREATE INDEX account_email_key ON account(email_key);
                CREATE INDEX account_registration ON account(registration_id);
                CREATE INDEX account_pending_expiry ON account(expires_at) WHERE state = 'pending';

                -- Every registration id ever accepted, kept after its account is gone, so that a
                -- spool file seen again (a crash between commit and unlink) is never stored twice.
                CREATE TABLE registration (
                    id          TEXT PRIMARY KEY NOT NULL,
                    account_id  TEXT NOT NULL,
                    received_at INTEGER NOT NULL
                );

                CREATE TABLE outbox (
                    id               TEXT PRIMARY KEY NOT NULL,
                    account_id       TEXT NOT NULL,
                    kind             TEXT NOT NULL CHECK (kind IN ('activation', 'reminder')),
                    status           TEXT NOT NULL
                                     CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
                    attempts         INTEGER NOT NULL DEFAULT 0,
                    created_at       INTEGER NOT NULL,
                    next_attempt_at  INTEGER NOT NULL,
                    lease_owner      TEXT,
                    lease_expires_at INTEGER,
                    last_attempt_at  INTEGER,
                    last_reply       TEXT
                );
                CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
                CREATE INDEX outbox_account ON outbox(account_id);
                """)
        }
        migrator.registerMigration("v2: index expired leases") { db in
            try db.execute(sql: "CREATE INDEX outbox_lease ON outbox(status, lease_expires_at)")
        }
        migrator.registerMigration("v3: index account states") { db in
            // counts() groups accounts by state; without this index every call (the courier's
            // gauges, `activationd status`) read and sorted the whole account table.
            try db.execute(sql: "CREATE INDEX account_state ON account(state)")
        }
        migrator.registerMigration("password attempts in the store") { db in
            // The activation link's password checks, counted before each hash and kept in the store:
            // kept in memory they let a restart reset a lock and concurrent guesses past it.
            try db.execute(sql: """
                ALTER TABLE account ADD COLUMN password_attempts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE account ADD COLUMN password_attempts_reset_at INTEGER;
                """)
        }
        migrator.registerMigration("removed accounts remember why") { db in
            // Superseded and replaced accounts, so that their links can say why they stopped
            // working. Only active accounts' emails are unique (account_active_email, v1): pending
            // accounts of one email with different usernames stand side by side.
            try db.execute(sql: """
                CREATE TABLE removed_account (
                    id         TEXT PRIMARY KEY NOT NULL,
                    reason     TEXT NOT NULL CHECK (reason IN ('superseded', 'replaced')),
                    removed_at INTEGER NOT NULL
                );
                CREATE INDEX removed_account_at ON removed_account(removed_at);
                """)
        }
        migrator.registerMigration("registration content digest") { db in
            // Tells the same record dropped again (a duplicate) from another record reusing its id
            // (id.reused). Ids stored before this migration have none and stay plain duplicates.
            try db.execute(sql: "ALTER TABLE registration ADD COLUMN content_digest TEXT")
        }
        migrator.registerMigration("used registration challenges") { db in
            // The registration page's one-time challenge ids, until they expire: a solved form
            // token cannot be posted again with other content, on any host of one database.
            try db.execute(sql: """
                CREATE TABLE used_challenge (
                    id           TEXT PRIMARY KEY NOT NULL,
                    fingerprint  TEXT NOT NULL,
                    submitted_at INTEGER NOT NULL,
                    expires_at   INTEGER NOT NULL
                );
                CREATE INDEX used_challenge_expiry ON used_challenge(expires_at);
                """)
        }
        migrator.registerMigration("outbox rows can bounce") { db in
            // A delivery status notification marks a sent row `bounced`. SQLite cannot
            // change a CHECK constraint in place: the table is rebuilt with the same rows and rowids
            // (claims and listings order by rowid), then its indexes are made again.
            try db.execute(sql: """
                CREATE TABLE outbox_new (
                    id               TEXT PRIMARY KEY NOT NULL,
                    account_id       TEXT NOT NULL,
                    kind             TEXT NOT NULL CHECK (kind IN ('activation', 'reminder')),
                    status           TEXT NOT NULL
                                     CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'bounced')),
                    attempts         INTEGER NOT NULL DEFAULT 0,
                    created_at       INTEGER NOT NULL,
                    next_attempt_at  INTEGER NOT NULL,
                    lease_owner      TEXT,
                    lease_expires_at INTEGER,
                    last_attempt_at  INTEGER,
                    last_reply       TEXT
                );
                INSERT INTO outbox_new (rowid, id, account_id, kind, status, attempts, created_at, next_attempt_at,
                                        lease_owner, lease_expires_at, last_attempt_at, last_reply)
                    SELECT rowid, id, account_id, kind, status, attempts, created_at, next_attempt_at,
                           lease_owner, lease_expires_at, last_attempt_at, last_reply FROM outbox;
                DROP TABLE outbox;
                ALTER TABLE outbox_new RENAME TO outbox;
                CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
                CREATE INDEX outbox_account ON outbox(account_id);
                CREATE INDEX outbox_lease ON outbox(status, lease_expires_at);
                """)
        }
        return migrator
    }
}
