public import ActivationCore
public import Foundation
import PostgresNIO

extension PostgresAccountStore {
    /// Every row, read in one REPEATABLE READ transaction; see `AccountStore.snapshot`.
    public func snapshot() async throws -> StoreSnapshot {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let accounts = try await connection.rows("SELECT \(unescaped: Account.pgColumns) FROM account", logger)
                    .map(Account.init(row:))
                let outbox = try await connection.rows("SELECT \(unescaped: OutboxMessage.pgColumns) FROM outbox", logger)
                    .map(OutboxMessage.init(row:))
                let registrations = try await connection.rows(
                    "SELECT id, account_id, received_at, content_digest FROM registration", logger
                ).map { row in
                    var c = ColumnReader(row)
                    return RegistrationIDRecord(id: try c.next(UUID.self), accountID: try c.next(UUID.self),
                                                receivedAt: PGValue.date(try c.next(Int64.self)),
                                                contentDigest: try c.next(String?.self))
                }
                let removed = try await connection.rows("SELECT id, reason, removed_at FROM removed_account", logger)
                    .map { row in
                        var c = ColumnReader(row)
                        let id = try c.next(UUID.self)
                        guard let reason = RemovalReason(rawValue: try c.next(String.self)) else {
                            throw PostgresStoreError("unreadable removed_account row (reason)")
                        }
                        return RemovedAccountRecord(id: id, reason: reason, removedAt: PGValue.date(try c.next(Int64.self)))
                    }
                let challenges = try await connection.rows(
                    "SELECT id, fingerprint, submitted_at, expires_at FROM used_challenge", logger
                ).map { row in
                    var c = ColumnReader(row)
                    return UsedChallengeRecord(id: try c.next(UUID.self), fingerprint: try c.next(String.self),
                                               submittedAt: PGValue.date(try c.next(Int64.self)),
                                               expiresAt: PGValue.date(try c.next(Int64.self)))
                }
                try await connection.query("COMMIT", logger: logger)
                return StoreSnapshot(accounts: accounts, outbox: outbox, registrations: registrations,
                                     removedAccounts: removed, usedChallenges: challenges)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Writes a snapshot into this empty store in one transaction; see `AccountStore.restore`.
    public func restore(_ snapshot: StoreSnapshot) async throws {
        try await transaction(bounded: false) { [self] connection in
            // No other writer while the emptiness check and the copy run.
            try await connection.query(
                "LOCK TABLE account, outbox, registration, removed_account, used_challenge IN EXCLUSIVE MODE",
                logger: logger)
            var counts: [String: Int] = [:]
            for (name, table) in [("accounts", "account"), ("outbox", "outbox"), ("registration ids", "registration")] {
                // `table` is one of the three constant names above (a table name cannot be bound).
                let rows = try await connection.rows("SELECT COUNT(*) FROM \(unescaped: table)", logger)
                var c = ColumnReader(try rows.first.orThrow("no count"))
                counts[name] = Int(try c.next(Int64.self))
            }
            guard counts.values.allSatisfy({ $0 == 0 }) else { throw StoreNotEmpty(counts: counts) }
            for account in snapshot.accounts {
                try await connection.query("""
                    INSERT INTO account (id, registration_id, username, username_key, first_name, last_name,
                        email, email_key, password_hash, password_phrase, locale, state, nonce, registered_at,
                        expires_at, activated_at, reminded_at, password_attempts, password_attempts_reset_at)
                    VALUES (\(account.id), \(account.registrationID), \(account.username), \(account.usernameKey),
                        \(account.firstName), \(account.lastName), \(account.email), \(account.emailKey),
                        \(account.passwordHash), \(account.passwordPhrase.value), \(account.locale),
                        \(account.state.rawValue), \(account.nonce), \(PGValue.millis(account.registeredAt)),
                        \(PGValue.millis(account.expiresAt)), \(PGValue.optionalMillis(account.activatedAt)),
                        \(PGValue.optionalMillis(account.remindedAt)), \(Int64(account.passwordAttempts.count)),
                        \(PGValue.optionalMillis(account.passwordAttempts.resetAt)))
                    """, logger: logger)
            }
            // In creation order, so `seq` keeps the order of rows queued in one millisecond.
            for message in snapshot.outbox.sorted(by: { $0.createdAt < $1.createdAt }) {
                try await connection.query("""
                    INSERT INTO outbox (id, account_id, kind, status, attempts, created_at, next_attempt_at,
                        lease_owner, lease_expires_at, last_attempt_at, last_reply)
                    VALUES (\(message.id), \(message.accountID), \(message.kind.rawValue), \(message.status.rawValue),
                        \(Int64(message.attempts)), \(PGValue.millis(message.createdAt)),
                        \(PGValue.millis(message.nextAttemptAt)), \(message.leaseOwner),
                        \(PGValue.optionalMillis(message.leaseExpiresAt)), \(PGValue.optionalMillis(message.lastAttemptAt)),
                        \(message.lastReply))
                    """, logger: logger)
            }
            for record in snapshot.registrations {
                try await connection.query("""
                    INSERT INTO registration (id, account_id, received_at, content_digest)
                    VALUES (\(record.id), \(record.accountID), \(PGValue.millis(record.receivedAt)), \(record.contentDigest))
                    """, logger: logger)
            }
            for record in snapshot.removedAccounts {
                try await connection.query("""
                    INSERT INTO removed_account (id, reason, removed_at)
                    VALUES (\(record.id), \(record.reason.rawValue), \(PGValue.millis(record.removedAt)))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
            for record in snapshot.usedChallenges {
                try await connection.query("""
                    INSERT INTO used_challenge (id, fingerprint, submitted_at, expires_at)
                    VALUES (\(record.id), \(record.fingerprint), \(PGValue.millis(record.submittedAt)),
                        \(PGValue.millis(record.expiresAt)))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
        }
    }
}

extension Optional {
    /// The value, or a store error saying what was missing.
    fileprivate func orThrow(_ what: String) throws -> Wrapped {
        guard let self else { throw PostgresStoreError(what) }
        return self
    }
}
