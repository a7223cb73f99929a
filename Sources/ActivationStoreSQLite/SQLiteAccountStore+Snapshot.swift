public import ActivationCore
public import Foundation
import GRDB

extension SQLiteAccountStore {
    /// Every row, read in one transaction; see `AccountStore.snapshot`.
    public func snapshot() async throws -> StoreSnapshot {
        try await pool.read { db in
            // The column lists are constants of SQLiteRows.swift; these statements take no value.
            let accounts = try Row.fetchAll(db, sql: "SELECT \(Account.sqliteColumns) FROM account")
                .map { try Account(row: $0) }
            let outbox = try Row.fetchAll(db, sql: "SELECT \(OutboxMessage.sqliteColumns) FROM outbox")
                .map { try OutboxMessage(row: $0) }
            let registrations = try Row.fetchAll(
                db, sql: "SELECT id, account_id, received_at, content_digest FROM registration"
            ).map { row in
                guard let id = UUID(text: row[0]), let accountID = UUID(text: row[1]) else { throw Self.unreadable("registration") }
                return RegistrationIDRecord(id: id, accountID: accountID, receivedAt: SQLiteValue.date(row[2]),
                                            contentDigest: row[3])
            }
            let removed = try Row.fetchAll(db, sql: "SELECT id, reason, removed_at FROM removed_account").map { row in
                guard let id = UUID(text: row[0]), let reason = RemovalReason(rawValue: row[1]) else {
                    throw Self.unreadable("removed_account")
                }
                return RemovedAccountRecord(id: id, reason: reason, removedAt: SQLiteValue.date(row[2]))
            }
            let challenges = try Row.fetchAll(
                db, sql: "SELECT id, fingerprint, submitted_at, expires_at FROM used_challenge"
            ).map { row in
                guard let id = UUID(text: row[0]) else { throw Self.unreadable("used_challenge") }
                return UsedChallengeRecord(id: id, fingerprint: row[1], submittedAt: SQLiteValue.date(row[2]),
                                           expiresAt: SQLiteValue.date(row[3]))
            }
            return StoreSnapshot(accounts: accounts, outbox: outbox, registrations: registrations,
                                 removedAccounts: removed, usedChallenges: challenges)
        }
    }

    /// Writes a snapshot into this empty store; see `AccountStore.restore`.
    public func restore(_ snapshot: StoreSnapshot) async throws {
        try await transaction { db in
            var counts: [String: Int] = [:]
            for (name, table) in [("accounts", "account"), ("outbox", "outbox"), ("registration ids", "registration")] {
                // `table` is one of the three constant names above (a table name cannot be bound).
                counts[name] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            guard counts.values.allSatisfy({ $0 == 0 }) else { throw StoreNotEmpty(counts: counts) }
            for account in snapshot.accounts {
                try account.insert(db)
                try db.execute(
                    sql: "UPDATE account SET password_attempts = ?, password_attempts_reset_at = ? WHERE id = ?",
                    arguments: [account.passwordAttempts.count,
                                SQLiteValue.optionalMillis(account.passwordAttempts.resetAt),
                                SQLiteValue.id(account.id)])
            }
            for message in snapshot.outbox { try message.insert(db) }
            for record in snapshot.registrations {
                try db.execute(
                    sql: "INSERT INTO registration (id, account_id, received_at, content_digest) VALUES (?, ?, ?, ?)",
                    arguments: [SQLiteValue.id(record.id), SQLiteValue.id(record.accountID),
                                SQLiteValue.millis(record.receivedAt), record.contentDigest])
            }
            for record in snapshot.removedAccounts {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO removed_account (id, reason, removed_at) VALUES (?, ?, ?)",
                    arguments: [SQLiteValue.id(record.id), record.reason.rawValue, SQLiteValue.millis(record.removedAt)])
            }
            for record in snapshot.usedChallenges {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO used_challenge (id, fingerprint, submitted_at, expires_at)
                        VALUES (?, ?, ?, ?)
                        """,
                    arguments: [SQLiteValue.id(record.id), record.fingerprint, SQLiteValue.millis(record.submittedAt),
                                SQLiteValue.millis(record.expiresAt)])
            }
        }
    }

    private static func unreadable(_ table: String) -> DatabaseError {
        DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable \(table) row")
    }
}
