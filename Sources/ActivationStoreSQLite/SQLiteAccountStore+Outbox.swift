public import ActivationCore
public import Foundation
import GRDB

extension SQLiteAccountStore {
    /// Queues another mail for an account; see `AccountStore.enqueue`.
    public func enqueue(_ kind: MailKind, accountID: UUID, now: Date) async throws -> OutboxMessage? {
        try await transaction { db in
            guard try Account.fetchOne(db, id: accountID) != nil else { return nil }
            let message = OutboxMessage.queued(kind, for: accountID, now: now)
            try message.insert(db)
            if kind == .reminder {
                try db.execute(sql: "UPDATE account SET reminded_at = ? WHERE id = ?",
                               arguments: [SQLiteValue.millis(now), SQLiteValue.id(accountID)])
            }
            return message
        }
    }

    /// Claims due rows under a lease; see `AccountStore.claimOutbox`.
    public func claimOutbox(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [OutboxClaim] {
        try await transaction { db in
            let nowMillis = SQLiteValue.millis(now)
            // Two indexed queries rather than one with OR, which would scan the whole outbox
            // (sent rows included) on every claim.
            var due = try OutboxMessage.fetchAll(
                db, where: "status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
                [nowMillis, limit])
            if due.count < limit {
                due += try OutboxMessage.fetchAll(
                    db, where: "status = 'sending' AND lease_expires_at <= ? ORDER BY lease_expires_at LIMIT ?",
                    [nowMillis, limit - due.count])
            }
            let leaseEnd = now.addingTimeInterval(lease.timeInterval)
            let lease = try db.cachedStatement(
                sql: "UPDATE outbox SET status = 'sending', lease_owner = ?, lease_expires_at = ? WHERE id = ?")
            return try due.map { row in
                try lease.execute(arguments: [owner, SQLiteValue.millis(leaseEnd), SQLiteValue.id(row.id)])
                var message = row
                message.status = .sending
                message.leaseOwner = owner
                message.leaseExpiresAt = SQLiteValue.date(SQLiteValue.millis(leaseEnd))
                return OutboxClaim(message: message, account: try Account.fetchOne(db, id: row.accountID))
            }
        }
    }

    /// Records one attempt's outcome; see `AccountStore.recordDelivery`.
    public func recordDelivery(_ outcome: DeliveryOutcome, messageID: UUID, owner: String, now: Date)
        async throws -> Bool
    {
        try await recordDeliveries([DeliveryRecord(outcome, messageID: messageID, now: now)], owner: owner)[0]
    }

    /// Records several outcomes in one transaction; see `AccountStore.recordDeliveries`.
    public func recordDeliveries(_ records: [DeliveryRecord], owner: String) async throws -> [Bool] {
        guard !records.isEmpty else { return [] }
        return try await transaction { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE outbox SET status = ?, attempts = attempts + 1, last_attempt_at = ?, last_reply = ?,
                    next_attempt_at = COALESCE(?, next_attempt_at), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = ? AND status = 'sending' AND lease_owner = ?
                """)
            return try records.map { record in
                var nextAttempt: Int64? = nil
                if case .deferred(_, let retryAt) = record.outcome { nextAttempt = SQLiteValue.millis(retryAt) }
                try statement.execute(arguments: [
                    record.outcome.status.rawValue, SQLiteValue.millis(record.now), record.outcome.reply, nextAttempt,
                    SQLiteValue.id(record.messageID), owner,
                ])
                return db.changesCount == 1
            }
        }
    }

    /// Returns `owner`'s leased rows to the queue, due at once.
    public func releaseLeases(owner: String) async throws -> Int {
        try await transaction { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
                    WHERE status = 'sending' AND lease_owner = ?
                    """,
                arguments: [owner])
            return db.changesCount
        }
    }

    /// Requeues failed mail of existing accounts; see `AccountStore.requeueFailed`.
    public func requeueFailed(now: Date) async throws -> Int {
        try await transaction { db in
            let nowMillis = SQLiteValue.millis(now)
            try db.execute(
                sql: """
                    UPDATE outbox SET status = 'queued', created_at = ?, next_attempt_at = ?
                    WHERE status = 'failed' AND account_id IN (SELECT id FROM account)
                    """,
                arguments: [nowMillis, nowMillis])
            return db.changesCount
        }
    }

    /// The outbox rows of one account, oldest first.
    public func outbox(accountID: UUID) async throws -> [OutboxMessage] {
        try await pool.read { db in
            try OutboxMessage.fetchAll(db, where: "account_id = ? ORDER BY created_at, rowid",
                                       [SQLiteValue.id(accountID)])
        }
    }
}
