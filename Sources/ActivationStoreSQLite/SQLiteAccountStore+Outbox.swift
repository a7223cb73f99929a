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
    ///
    /// Three statements whatever the batch: due rows joined with their accounts, the same for
    /// expired leases when those are not enough, and one UPDATE of the batch by rowid. (One
    /// UPDATE and one account lookup per row made the claim the courier's largest cost.)
    public func claimOutbox(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [OutboxClaim] {
        try await transaction { db in
            let nowMillis = SQLiteValue.millis(now)
            // Two indexed queries rather than one with OR, which would scan the whole outbox
            // (sent rows included) on every claim.
            var due = try Self.claimable(db, "o.status = 'queued' AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at",
                                         nowMillis, limit: limit)
            if due.count < limit {
                due += try Self.claimable(
                    db, "o.status = 'sending' AND o.lease_expires_at <= ? ORDER BY o.lease_expires_at", nowMillis,
                    limit: limit - due.count)
            }
            guard !due.isEmpty else { return [] }
            let leaseEnd = SQLiteValue.millis(now.addingTimeInterval(lease.timeInterval))
            let rowIDs = SQLiteValue.padded(due.map(\.rowID))
            // SQL from constant fragments of this file (one `?` per row id); every value is bound.
            let placeholders = repeatElement("?", count: rowIDs.count).joined(separator: ", ")
            let update = try db.cachedStatement(sql: """
                UPDATE outbox SET status = 'sending', lease_owner = ?, lease_expires_at = ?
                WHERE rowid IN (\(placeholders))
                """)
            var arguments: StatementArguments = [owner, leaseEnd]
            arguments += StatementArguments(rowIDs)
            try update.execute(arguments: arguments)
            return due.map { row in
                var message = row.claim.message
                message.status = .sending
                message.leaseOwner = owner
                message.leaseExpiresAt = SQLiteValue.date(leaseEnd)
                return OutboxClaim(message: message, account: row.claim.account)
            }
        }
    }

    // SQL from constants: the column lists of SQLiteRows.swift; `claimable` binds every value.
    private static let claimSelect = """
        SELECT o.rowid, \(OutboxMessage.sqliteColumns(prefix: "o.")), \(Account.sqliteColumns(prefix: "a."))
        FROM outbox o LEFT JOIN account a ON a.id = o.account_id
        """

    /// Rows matching `condition` (on `outbox o`, with one `?` for now), with their accounts.
    private static func claimable(_ db: Database, _ condition: String, _ nowMillis: Int64, limit: Int) throws
        -> [(rowID: Int64, claim: OutboxClaim)]
    {
        // `condition` is one of `claimOutbox`'s two literals in this file; every value is bound (`?`).
        let statement = try db.cachedStatement(sql: "\(claimSelect) WHERE \(condition) LIMIT ?")
        // A cursor reads each column straight from the statement; `fetchAll` would copy every
        // row into GRDB values first.
        let rows = try Row.fetchCursor(statement, arguments: [nowMillis, limit])
        var claims: [(rowID: Int64, claim: OutboxClaim)] = []
        claims.reserveCapacity(limit)
        let accountColumn = 1 + OutboxMessage.sqliteColumnCount
        while let row = try rows.next() {
            let message = try OutboxMessage(row: row, at: 1)
            let account = row.hasNull(atIndex: accountColumn) ? nil : try Account(row: row, at: accountColumn)
            claims.append((row[0], OutboxClaim(message: message, account: account)))
        }
        return claims
    }

    /// Records several outcomes in one transaction; see `AccountStore.recordDeliveries`.
    ///
    /// One UPDATE for the whole batch, joined with its values and returning the ids it changed:
    /// a row whose lease was lost is simply not among them. A row named twice is updated by its
    /// first record only, as one UPDATE per record would have done.
    public func recordDeliveries(_ batch: [DeliveryRecord], owner: String) async throws -> [Bool] {
        let (records, isFirst) = batch.firstPerMessage
        guard !records.isEmpty else { return [] }
        return try await transaction { db in
            let padded = SQLiteValue.padded(records)
            // SQL from constant fragments of this file (one `(?, ?, ?, ?, ?)` per record); every value is bound.
            let values = repeatElement("(?, ?, ?, ?, ?)", count: padded.count).joined(separator: ", ")
            let statement = try db.cachedStatement(sql: """
                WITH r(id, status, at, reply, next) AS (VALUES \(values))
                UPDATE outbox SET status = r.status, attempts = attempts + 1, last_attempt_at = r.at,
                    last_reply = r.reply, next_attempt_at = COALESCE(r.next, outbox.next_attempt_at),
                    lease_owner = NULL, lease_expires_at = NULL
                FROM r WHERE outbox.id = r.id AND outbox.status = 'sending' AND outbox.lease_owner = ?
                RETURNING outbox.id
                """)
            var arguments = StatementArguments()
            for record in padded {
                var nextAttempt: Int64? = nil
                if case .deferred(_, let retryAt) = record.outcome { nextAttempt = SQLiteValue.millis(retryAt) }
                arguments += [
                    SQLiteValue.id(record.messageID), record.outcome.status.rawValue, SQLiteValue.millis(record.now),
                    record.outcome.reply, nextAttempt,
                ]
            }
            arguments += [owner]
            let changed = Set(try String.fetchAll(statement, arguments: arguments))
            return zip(batch, isFirst).map { record, first in first && changed.contains(SQLiteValue.id(record.messageID)) }
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

    /// Takes the file's serve lock (`flock` on `<database>-serve.lock`, held until `close`, and let
    /// go by the kernel when the process dies however it dies); when it is ours, no other courier
    /// runs on this file, so every row still `sending` was leased by one that is gone, and is due
    /// again at once. Nil when another process holds the lock; see `AccountStore.recoverLeases`.
    public func recoverLeases() async throws -> Int? {
        guard try serveLock.acquire() else { return nil }
        return try await transaction { db in
            try db.execute(sql: """
                UPDATE outbox SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
                WHERE status = 'sending'
                """)
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

    /// Records a delivery status notification's verdict; see `AccountStore.recordBounce`.
    public func recordBounce(messageID: UUID, reply: String, now: Date) async throws -> BounceRecording {
        try await transaction { db in
            guard let row = try OutboxMessage.fetchAll(db, where: "id = ?", [SQLiteValue.id(messageID)]).first else {
                return .unknownRow
            }
            switch row.status {
            case .bounced: return .alreadyRecorded(accountID: row.accountID)
            case .sending: return .inFlight
            case .cancelled: return .notSent
            case .sent, .failed, .queued: break
            }
            try db.execute(
                sql: """
                    UPDATE outbox SET status = 'bounced', last_reply = ?, last_attempt_at = ?,
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = ?
                    """,
                arguments: [reply, SQLiteValue.millis(now), SQLiteValue.id(messageID)])
            try db.execute(
                sql: "UPDATE outbox SET status = 'cancelled' WHERE account_id = ? AND status = 'queued'",
                arguments: [SQLiteValue.id(row.accountID)])
            return .recorded(accountID: row.accountID, kind: row.kind, cancelled: db.changesCount)
        }
    }
}
