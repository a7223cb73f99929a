public import ActivationCore
public import Foundation
import GRDB

extension SQLiteAccountStore {
    /// Stores a checked registration; see `AccountStore.register`.
    public func register(_ registration: Registration, as account: Account, now: Date) async throws
        -> RegistrationResult
    {
        try await transaction { db in
            let digest = registration.contentDigest
            if let previous = try Row.fetchOne(
                db, sql: "SELECT account_id, content_digest FROM registration WHERE id = ?",
                arguments: [SQLiteValue.id(registration.id)])
            {
                guard registration.isSameRecord(storedDigest: previous["content_digest"]) else {
                    return .rejected([.idReused])
                }
                let existing = UUID(text: previous["account_id"])
                let stillThere = try existing.map { try Account.fetchOne(db, id: $0) != nil } ?? false
                return .duplicate(existingAccountID: stillThere ? existing : nil)
            }
            let candidates = try Account.fetchAll(
                db, where: "username_key = ? OR email_key = ?", [registration.usernameKey, registration.emailKey])
            switch RegistrationDecision.decide(for: registration, candidates: candidates) {
            case .reject(let problems):
                return .rejected(problems)
            case .accept(let superseded):
                for id in superseded { try Self.remove(db, accountID: id, now: now, reason: .superseded) }
                try account.insert(db)
                try db.execute(
                    sql: "INSERT INTO registration (id, account_id, received_at, content_digest) VALUES (?, ?, ?, ?)",
                    arguments: [SQLiteValue.id(registration.id), SQLiteValue.id(account.id), SQLiteValue.millis(now),
                                digest])
                let activation = OutboxMessage.queued(.activation, for: account.id, now: now)
                try activation.insert(db)
                return .created(account, activation: activation, superseded: superseded)
            }
        }
    }

    /// The account with this id.
    public func account(id: UUID) async throws -> Account? {
        try await lookup { db in try Account.fetchOne(db, id: id) }
    }

    /// The account with this username, case-insensitively.
    public func account(username: String) async throws -> Account? {
        try await lookup { db in
            try Account.fetchAll(db, where: "username_key = ?", [Registration.usernameKey(username)]).first
        }
    }

    /// The accounts with this email address, case-insensitively.
    public func accounts(email: String) async throws -> [Account] {
        try await lookup { db in
            try Account.fetchAll(db, where: "email_key = ? ORDER BY registered_at, id", [Registration.emailKey(email)])
        }
    }

    /// The account this registration created, if it still exists.
    public func account(registrationID: UUID) async throws -> Account? {
        try await lookup { db in
            try Account.fetchAll(db, where: "registration_id = ?", [SQLiteValue.id(registrationID)]).first
        }
    }

    /// Activates a pending, unexpired account whose nonce matches; see `AccountStore.activate`.
    public func activate(accountID: UUID, nonce: Data, now: Date) async throws -> ActivationResult {
        try await transaction { db in
            guard let account = try Account.fetchOne(db, id: accountID) else { return .notFound }
            if let refusal = ActivationResult.refusal(activating: account, nonce: nonce, now: now) { return refusal }
            try db.execute(
                sql: """
                    UPDATE account SET state = 'active', activated_at = ?, password_attempts = 0,
                        password_attempts_reset_at = NULL
                    WHERE id = ? AND state = 'pending'
                    """,
                arguments: [SQLiteValue.millis(now), SQLiteValue.id(accountID)])
            try Self.cancelUnsent(db, accountID: accountID, includingLeased: false)
            // The other pending registrations of this address lose: one person, one account.
            let others = try Account.fetchAll(
                db, where: "email_key = ? AND state = 'pending' AND id <> ? ORDER BY registered_at, id",
                [account.emailKey, SQLiteValue.id(accountID)])
            for other in others { try Self.remove(db, accountID: other.id, now: now, reason: .replaced) }
            return .activated(account.activated(at: now), replaced: others.map(\.id))
        }
    }

    /// Why a removed account went, if the store remembers; see `AccountStore.removalReason`.
    public func removalReason(accountID: UUID) async throws -> RemovalReason? {
        try await lookup { db in
            try String.fetchOne(db, sql: "SELECT reason FROM removed_account WHERE id = ?",
                                arguments: [SQLiteValue.id(accountID)])
                .flatMap(RemovalReason.init(rawValue:))
        }
    }

    /// Counts one password check before it is made; see `AccountStore.reservePasswordAttempt`.
    ///
    /// One UPDATE decides and counts (every SET expression sees the row as it was): a window that
    /// has passed starts again at this check; otherwise the check is counted only while fewer than
    /// `limit` were made, and the one that reaches `limit` moves the reset time to the lock's end.
    public func reservePasswordAttempt(accountID: UUID, limit: Int, window: Duration, now: Date) async throws
        -> PasswordAttemptReservation
    {
        let nowMillis = SQLiteValue.millis(now)
        let endMillis = SQLiteValue.millis(now.addingTimeInterval(window.timeInterval))
        return try await transaction { db in
            let id = SQLiteValue.id(accountID)
            if let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE account SET
                        password_attempts = CASE
                            WHEN password_attempts_reset_at IS NULL OR password_attempts_reset_at <= :now THEN 1
                            ELSE password_attempts + 1 END,
                        password_attempts_reset_at = CASE
                            WHEN password_attempts_reset_at IS NULL OR password_attempts_reset_at <= :now THEN
                                :end
                            WHEN password_attempts + 1 >= :limit THEN :end
                            ELSE password_attempts_reset_at END
                    WHERE id = :id AND state = 'pending'
                        AND (password_attempts_reset_at IS NULL OR password_attempts_reset_at <= :now
                             OR password_attempts < :limit)
                    RETURNING password_attempts, password_attempts_reset_at
                    """,
                arguments: ["now": nowMillis, "end": endMillis, "limit": limit, "id": id])
            {
                return .reserved(PasswordAttempts(
                    count: row[0], resetAt: SQLiteValue.optionalDate(row[1] as Int64?)))
            }
            guard let account = try Account.fetchOne(db, id: accountID), account.state == .pending,
                  let until = account.passwordAttempts.lockedUntil(limit: limit, at: now)
            else { return .unavailable }
            return .locked(until: until)
        }
    }

    /// Removes expired pending accounts in one batch; see `AccountStore.expirePending`.
    public func expirePending(now: Date, limit: Int) async throws -> [Account] {
        try await transaction { db in
            let expired = try Account.fetchAll(
                db, where: "state = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?",
                [SQLiteValue.millis(now), limit])
            for account in expired { try Self.remove(db, accountID: account.id, now: now, reason: nil) }
            return expired
        }
    }

    /// Counts by state and status.
    public func counts() async throws -> StoreCounts {
        try await pool.read { db in
            var accounts: [AccountState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM account GROUP BY state") {
                if let state = AccountState(rawValue: row["state"]) { accounts[state] = row["n"] }
            }
            var outbox: [OutboxStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status") {
                if let status = OutboxStatus(rawValue: row["status"]) { outbox[status] = row["n"] }
            }
            let oldest = try Int64.fetchOne(
                db, sql: "SELECT MIN(created_at) FROM outbox WHERE status IN ('queued', 'sending')")
            return StoreCounts(accounts: accounts, outbox: outbox, oldestUnsentAt: SQLiteValue.optionalDate(oldest))
        }
    }

    /// Deletes an account and cancels all of its unsent mail, including mail being sent (a worker
    /// that finishes later finds its lease gone and records nothing); remembers `reason`, if any.
    static func remove(_ db: Database, accountID: UUID, now: Date, reason: RemovalReason?) throws {
        try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [SQLiteValue.id(accountID)])
        try cancelUnsent(db, accountID: accountID, includingLeased: true)
        if let reason {
            try db.execute(
                sql: "INSERT OR REPLACE INTO removed_account (id, reason, removed_at) VALUES (?, ?, ?)",
                arguments: [SQLiteValue.id(accountID), reason.rawValue, SQLiteValue.millis(now)])
        }
    }

    /// Cancels queued mail of an account, and mail being sent too when `includingLeased`.
    static func cancelUnsent(_ db: Database, accountID: UUID, includingLeased: Bool) throws {
        // SQL from constant fragments of this file (`statuses` is one of two lists); the id is bound.
        let statuses = includingLeased ? "('queued', 'sending')" : "('queued')"
        try db.execute(
            sql: """
                UPDATE outbox SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL
                WHERE account_id = ? AND status IN \(statuses)
                """,
            arguments: [SQLiteValue.id(accountID)])
    }
}
