public import ActivationCore
public import Foundation
import Logging
import PostgresNIO

extension PostgresAccountStore {
    /// The advisory lock classes of the per-key locks (`pg_advisory_xact_lock(class, hashtext(key))`):
    /// 'actu' for folded usernames, 'acte' for email keys.
    static let usernameLockClass: Int32 = 0x6163_7475
    static let emailLockClass: Int32 = 0x6163_7465

    /// Stores a checked registration; see `AccountStore.register`.
    ///
    /// The transaction first takes the advisory locks of the folded username and of the email key
    /// (always in that order, so two registrations never wait on each other in a cycle), so that
    /// registrations and activations touching one username or one address run one after the other
    /// on every host, and `RegistrationDecision` decides on what is committed. The unique indexes
    /// stay the last word: a unique violation (a registration id stored by another host at the same
    /// moment) rolls back and runs the whole decision again, which then sees the other row.
    public func register(_ registration: Registration, as account: Account, now: Date) async throws
        -> RegistrationResult
    {
        let digest = registration.contentDigest
        return try await transaction { [self] connection in
            try await connection.query("""
                SELECT pg_advisory_xact_lock(\(Self.usernameLockClass), hashtext(\(registration.usernameKey))),
                       pg_advisory_xact_lock(\(Self.emailLockClass), hashtext(\(registration.emailKey)))
                """, logger: logger)
            if let previous = try await connection.rows("""
                SELECT r.account_id, r.content_digest, a.id IS NOT NULL
                FROM registration r LEFT JOIN account a ON a.id = r.account_id
                WHERE r.id = \(registration.id)
                """, logger).first
            {
                var columns = ColumnReader(previous)
                let existing = try columns.next(UUID.self)
                let stored = try columns.next(String?.self)
                let stillThere = try columns.next(Bool.self)
                guard registration.isSameRecord(storedDigest: stored) else { return .rejected([.idReused]) }
                return .duplicate(existingAccountID: stillThere ? existing : nil)
            }
            let candidates = try await connection.rows("""
                SELECT \(unescaped: Account.pgColumns) FROM account
                WHERE username_key = \(registration.usernameKey) OR email_key = \(registration.emailKey)
                """, logger).map(Account.init(row:))
            switch RegistrationDecision.decide(for: registration, candidates: candidates) {
            case .reject(let problems):
                return .rejected(problems)
            case .accept(let superseded):
                try await Self.remove(connection, logger, accountIDs: superseded, now: now, reason: .superseded)
                let activation = OutboxMessage.queued(.activation, for: account.id, now: now)
                // One round trip for the three rows.
                try await connection.query("""
                    WITH a AS (
                        INSERT INTO account (id, registration_id, username, username_key, first_name, last_name,
                            email, email_key, password_hash, password_phrase, locale, state, nonce, registered_at,
                            expires_at, activated_at, reminded_at)
                        VALUES (\(account.id), \(account.registrationID), \(account.username), \(account.usernameKey),
                            \(account.firstName), \(account.lastName), \(account.email), \(account.emailKey),
                            \(account.passwordHash), \(account.passwordPhrase.value), \(account.locale),
                            \(account.state.rawValue), \(account.nonce), \(PGValue.millis(account.registeredAt)),
                            \(PGValue.millis(account.expiresAt)), \(PGValue.optionalMillis(account.activatedAt)),
                            \(PGValue.optionalMillis(account.remindedAt)))
                    ), r AS (
                        INSERT INTO registration (id, account_id, received_at, content_digest)
                        VALUES (\(registration.id), \(account.id), \(PGValue.millis(now)), \(digest))
                    )
                    INSERT INTO outbox (id, account_id, kind, status, attempts, created_at, next_attempt_at)
                    VALUES (\(activation.id), \(activation.accountID), \(activation.kind.rawValue),
                        \(activation.status.rawValue), \(Int64(activation.attempts)),
                        \(PGValue.millis(activation.createdAt)), \(PGValue.millis(activation.nextAttemptAt)))
                    """, logger: logger)
                return .created(account, activation: activation, superseded: superseded)
            }
        }
    }

    /// The account with this id.
    public func account(id: UUID) async throws -> Account? {
        try await statement("SELECT \(unescaped: Account.pgColumns) FROM account WHERE id = \(id)")
            .first.map(Account.init(row:))
    }

    /// The account with this username, case-insensitively.
    public func account(username: String) async throws -> Account? {
        let key = Registration.usernameKey(username)
        return try await statement("SELECT \(unescaped: Account.pgColumns) FROM account WHERE username_key = \(key)")
            .first.map(Account.init(row:))
    }

    /// The accounts with this email address, case-insensitively, oldest first.
    public func accounts(email: String) async throws -> [Account] {
        let key = Registration.emailKey(email)
        return try await statement("""
            SELECT \(unescaped: Account.pgColumns) FROM account WHERE email_key = \(key) ORDER BY registered_at, id
            """).map(Account.init(row:))
    }

    /// The account this registration created, if it still exists.
    public func account(registrationID: UUID) async throws -> Account? {
        try await statement("""
            SELECT \(unescaped: Account.pgColumns) FROM account WHERE registration_id = \(registrationID) LIMIT 1
            """).first.map(Account.init(row:))
    }

    /// Activates a pending, unexpired account whose nonce matches; see `AccountStore.activate`.
    ///
    /// Under the email key's advisory lock (as `register` takes it), then the row's lock: a
    /// registration of the same address on another host either committed before (and is replaced
    /// here) or runs after (and finds the address taken). Of concurrent activations of one account
    /// the first holds the row; the others then read it active.
    public func activate(accountID: UUID, nonce: Data, now: Date) async throws -> ActivationResult {
        try await transaction { [self] connection in
            let locked = try await connection.rows("""
                SELECT pg_advisory_xact_lock(\(Self.emailLockClass), hashtext(email_key)) FROM account
                WHERE id = \(accountID)
                """, logger)
            guard !locked.isEmpty,
                  let row = try await connection.rows("""
                    SELECT \(unescaped: Account.pgColumns) FROM account WHERE id = \(accountID) FOR UPDATE
                    """, logger).first
            else { return .notFound }
            let account = try Account(row: row)
            if let refusal = ActivationResult.refusal(activating: account, nonce: nonce, now: now) { return refusal }
            try await connection.query("""
                UPDATE account SET state = 'active', activated_at = \(PGValue.millis(now)), password_attempts = 0,
                    password_attempts_reset_at = NULL
                WHERE id = \(accountID)
                """, logger: logger)
            try await Self.cancelUnsent(connection, logger, accountIDs: [accountID], includingLeased: false)
            // The other pending registrations of this address lose: one person, one account.
            let others = try await connection.rows("""
                SELECT id FROM account
                WHERE email_key = \(account.emailKey) AND state = 'pending' AND id <> \(accountID)
                ORDER BY registered_at, id
                """, logger).map { try ColumnReader($0).nextValue(UUID.self) }
            try await Self.remove(connection, logger, accountIDs: others, now: now, reason: .replaced)
            return .activated(account.activated(at: now), replaced: others)
        }
    }

    /// Why a removed account went, if the store remembers; see `AccountStore.removalReason`.
    public func removalReason(accountID: UUID) async throws -> RemovalReason? {
        try await statement("SELECT reason FROM removed_account WHERE id = \(accountID)").first
            .flatMap { RemovalReason(rawValue: try ColumnReader($0).nextValue(String.self)) }
    }

    /// Counts one password check before it is made; see `AccountStore.reservePasswordAttempt`.
    ///
    /// One UPDATE decides and counts: it holds the row's lock, and under READ COMMITTED a
    /// concurrent UPDATE waits for it and then evaluates its conditions and SET on the row as this
    /// one left it, so each check gets its own count and the one past the limit finds the lock.
    public func reservePasswordAttempt(accountID: UUID, limit: Int, window: Duration, now: Date) async throws
        -> PasswordAttemptReservation
    {
        let nowMillis = PGValue.millis(now)
        let endMillis = PGValue.millis(now.addingTimeInterval(window.timeInterval))
        let limit = Int64(limit)
        if let row = try await statement("""
            UPDATE account SET
                password_attempts = CASE
                    WHEN password_attempts_reset_at IS NULL OR password_attempts_reset_at <= \(nowMillis) THEN 1
                    ELSE password_attempts + 1 END,
                password_attempts_reset_at = CASE
                    WHEN password_attempts_reset_at IS NULL OR password_attempts_reset_at <= \(nowMillis)
                        THEN \(endMillis)
                    WHEN password_attempts + 1 >= \(limit) THEN \(endMillis)
                    ELSE password_attempts_reset_at END
            WHERE id = \(accountID) AND state = 'pending'
                AND (password_attempts_reset_at IS NULL OR password_attempts_reset_at <= \(nowMillis)
                     OR password_attempts < \(limit))
            RETURNING password_attempts, password_attempts_reset_at
            """).first
        {
            var columns = ColumnReader(row)
            let count = try columns.next(Int64.self)
            let resetAt = try columns.next(Int64?.self)
            return .reserved(PasswordAttempts(count: Int(count), resetAt: PGValue.optionalDate(resetAt)))
        }
        guard let account = try await account(id: accountID), account.state == .pending,
              let until = account.passwordAttempts.lockedUntil(limit: Int(limit), at: now)
        else { return .unavailable }
        return .locked(until: until)
    }

    /// Counts by state and status.
    public func counts() async throws -> StoreCounts {
        let rows = try await statement("""
            SELECT 'account', state, COUNT(*) FROM account GROUP BY state
            UNION ALL SELECT 'outbox', status, COUNT(*) FROM outbox GROUP BY status
            UNION ALL SELECT 'oldest', '', MIN(created_at) FROM outbox WHERE status IN ('queued', 'sending')
            """)
        var accounts: [AccountState: Int] = [:]
        var outbox: [OutboxStatus: Int] = [:]
        var oldest: Date?
        for row in rows {
            var columns = ColumnReader(row)
            let table = try columns.next(String.self)
            let key = try columns.next(String.self)
            let value = try columns.next(Int64?.self)
            switch table {
            case "account": if let state = AccountState(rawValue: key) { accounts[state] = Int(value ?? 0) }
            case "outbox": if let status = OutboxStatus(rawValue: key) { outbox[status] = Int(value ?? 0) }
            default: oldest = PGValue.optionalDate(value)
            }
        }
        return StoreCounts(accounts: accounts, outbox: outbox, oldestUnsentAt: oldest)
    }

    /// Deletes accounts and cancels all of their unsent mail, including mail being sent (a worker
    /// that finishes later finds its lease gone and records nothing); remembers `reason`, if any.
    static func remove(_ connection: PostgresConnection, _ logger: Logger, accountIDs: [UUID], now: Date,
                       reason: RemovalReason?) async throws
    {
        guard !accountIDs.isEmpty else { return }
        try await connection.query("DELETE FROM account WHERE id = ANY(\(accountIDs))", logger: logger)
        try await cancelUnsent(connection, logger, accountIDs: accountIDs, includingLeased: true)
        if let reason {
            try await connection.query("""
                INSERT INTO removed_account (id, reason, removed_at)
                SELECT id, \(reason.rawValue), \(PGValue.millis(now)) FROM unnest(\(accountIDs)::uuid[]) AS t(id)
                ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, removed_at = excluded.removed_at
                """, logger: logger)
        }
    }

    /// Cancels queued mail of accounts, and mail being sent too when `includingLeased`.
    static func cancelUnsent(_ connection: PostgresConnection, _ logger: Logger, accountIDs: [UUID],
                             includingLeased: Bool) async throws
    {
        // `statuses` is one of two constant lists of this file (`unescaped:`); the ids are bound.
        let statuses = includingLeased ? "('queued', 'sending')" : "('queued')"
        try await connection.query("""
            UPDATE outbox SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL
            WHERE account_id = ANY(\(accountIDs)) AND status IN \(unescaped: statuses)
            """, logger: logger)
    }
}

extension ColumnReader {
    /// The first column, decoded as `T` (for one-column rows).
    func nextValue<T: PostgresDecodable>(_: T.Type) throws -> T {
        var copy = self
        return try copy.next(T.self)
    }
}
