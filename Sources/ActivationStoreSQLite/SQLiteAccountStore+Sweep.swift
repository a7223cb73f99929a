public import ActivationCore
public import Foundation
import GRDB

extension SQLiteAccountStore {
    /// Queues reminders in one batch; see `AccountStore.queueReminders`.
    public func queueReminders(dueBy: Date, now: Date, limit: Int) async throws -> [Account] {
        try await transaction { db in
            let due = try Account.fetchAll(
                db,
                where: """
                    state = 'pending' AND reminded_at IS NULL AND expires_at > ? AND expires_at <= ?
                    AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.account_id = account.id AND b.status = 'bounced')
                    ORDER BY expires_at LIMIT ?
                    """,
                [SQLiteValue.millis(now), SQLiteValue.millis(dueBy), limit])
            return try due.map { account in
                try db.execute(sql: "UPDATE account SET reminded_at = ? WHERE id = ?",
                               arguments: [SQLiteValue.millis(now), SQLiteValue.id(account.id)])
                try OutboxMessage.queued(.reminder, for: account.id, now: now).insert(db)
                var reminded = account
                reminded.remindedAt = SQLiteValue.date(SQLiteValue.millis(now))
                return reminded
            }
        }
    }

    /// Purges finished mail and old registration ids; see `AccountStore.purge`.
    public func purge(finishedBefore: Date, registrationsBefore: Date) async throws -> PurgeCounts {
        try await transaction { db in
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE (status IN ('sent', 'cancelled')
                        OR (status = 'bounced' AND account_id NOT IN (SELECT id FROM account)))
                    AND COALESCE(last_attempt_at, created_at) < ?
                    """,
                arguments: [SQLiteValue.millis(finishedBefore)])
            let outboxRows = db.changesCount
            try db.execute(sql: "DELETE FROM registration WHERE received_at < ?",
                           arguments: [SQLiteValue.millis(registrationsBefore)])
            let registrationIDs = db.changesCount
            try db.execute(sql: "DELETE FROM removed_account WHERE removed_at < ?",
                           arguments: [SQLiteValue.millis(registrationsBefore)])
            return PurgeCounts(outboxRows: outboxRows, registrationIDs: registrationIDs)
        }
    }

    /// Counts what a sweep would do; see `AccountStore.sweepCandidates`.
    public func sweepCandidates(now: Date, reminderDueBy: Date, finishedBefore: Date) async throws -> SweepCandidates {
        try await pool.read { db in
            let nowMillis = SQLiteValue.millis(now)
            let reminders = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM account WHERE state = 'pending' AND reminded_at IS NULL
                    AND expires_at > ? AND expires_at <= ?
                    AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.account_id = account.id AND b.status = 'bounced')
                    """,
                arguments: [nowMillis, SQLiteValue.millis(reminderDueBy)]) ?? 0
            let expired = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM account WHERE state = 'pending' AND expires_at <= ?",
                arguments: [nowMillis]) ?? 0
            let purgeable = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM outbox WHERE (status IN ('sent', 'cancelled')
                        OR (status = 'bounced' AND account_id NOT IN (SELECT id FROM account)))
                    AND COALESCE(last_attempt_at, created_at) < ?
                    """,
                arguments: [SQLiteValue.millis(finishedBefore)]) ?? 0
            return SweepCandidates(reminders: reminders, expired: expired, purgeableOutboxRows: purgeable)
        }
    }
}

extension SQLiteAccountStore {
    /// Records a use of a registration challenge; see `AccountStore.useChallenge`.
    public func useChallenge(id: UUID, fingerprint: String, submittedAt: Date, expiresAt: Date) async throws
        -> ChallengeUse
    {
        try await transaction { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT fingerprint, submitted_at FROM used_challenge WHERE id = ?",
                arguments: [SQLiteValue.id(id)])
            {
                let stored: String = row["fingerprint"]
                return stored == fingerprint ? .again(submittedAt: SQLiteValue.date(row["submitted_at"])) : .otherForm
            }
            try db.execute(
                sql: "INSERT INTO used_challenge (id, fingerprint, submitted_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [SQLiteValue.id(id), fingerprint, SQLiteValue.millis(submittedAt),
                            SQLiteValue.millis(expiresAt)])
            return .first
        }
    }

    /// Forgets expired challenge ids; see `AccountStore.forgetChallenges`.
    public func forgetChallenges(expiredBefore: Date) async throws -> Int {
        try await transaction { db in
            try db.execute(sql: "DELETE FROM used_challenge WHERE expires_at < ?",
                           arguments: [SQLiteValue.millis(expiredBefore)])
            return db.changesCount
        }
    }
}
