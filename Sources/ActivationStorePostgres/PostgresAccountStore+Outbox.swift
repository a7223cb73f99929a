public import ActivationCore
public import Foundation
import PostgresNIO

extension PostgresAccountStore {
    /// Queues another mail for an account; see `AccountStore.enqueue`.
    ///
    /// The account row is locked first, so that an expiry or supersede on another host either
    /// happened before (nothing is queued) or waits and then cancels the new row with the others.
    public func enqueue(_ kind: MailKind, accountID: UUID, now: Date) async throws -> OutboxMessage? {
        let message = OutboxMessage.queued(kind, for: accountID, now: now)
        return try await transaction { [self] connection in
            guard try await !connection.rows("SELECT 1 FROM account WHERE id = \(accountID) FOR UPDATE", logger)
                .isEmpty
            else { return nil }
            try await connection.query("""
                INSERT INTO outbox (id, account_id, kind, status, attempts, created_at, next_attempt_at)
                VALUES (\(message.id), \(accountID), \(kind.rawValue), \(message.status.rawValue),
                    \(Int64(message.attempts)), \(PGValue.millis(message.createdAt)),
                    \(PGValue.millis(message.nextAttemptAt)))
                """, logger: logger)
            if kind == .reminder {
                try await connection.query(
                    "UPDATE account SET reminded_at = \(PGValue.millis(now)) WHERE id = \(accountID)", logger: logger)
            }
            return message
        }
    }

    /// Claims due rows under a lease; see `AccountStore.claimOutbox`.
    ///
    /// One statement per kind of due row (queued and due, then leased and expired when those are
    /// not enough): the rows are picked `FOR UPDATE SKIP LOCKED`, so couriers on several hosts
    /// claiming at once each take rows the others are not taking, and a row another claim updated
    /// meanwhile is checked again against the condition before it is taken. The update and the
    /// join with the accounts are the same statement.
    public func claimOutbox(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [OutboxClaim] {
        guard limit > 0 else { return [] }
        let nowMillis = PGValue.millis(now)
        let leaseEnd = PGValue.millis(now.addingTimeInterval(lease.timeInterval))
        var claims = try await claim(
            owner: owner, leaseEnd: leaseEnd, limit: limit,
            picking: "status = 'queued' AND next_attempt_at <= $4 ORDER BY next_attempt_at", nowMillis)
        if claims.count < limit {
            claims += try await claim(
                owner: owner, leaseEnd: leaseEnd, limit: limit - claims.count,
                picking: "status = 'sending' AND lease_expires_at <= $4 ORDER BY lease_expires_at", nowMillis)
        }
        return claims
    }

    private func claim(owner: String, leaseEnd: Int64, limit: Int, picking condition: String, _ nowMillis: Int64)
        async throws -> [OutboxClaim]
    {
        var binds = PostgresBindings()
        try binds.append(owner)
        try binds.append(leaseEnd)
        try binds.append(Int64(limit))
        try binds.append(nowMillis)
        // SQL from constants (`condition` is one of `claimOutbox`'s two literals, the column lists
        // PostgresRows.swift's); every value is in `binds`, $1 to $4.
        let sql = """
            WITH c AS (
                UPDATE outbox SET status = 'sending', lease_owner = $1, lease_expires_at = $2
                WHERE id IN (SELECT id FROM outbox WHERE \(condition) LIMIT $3 FOR UPDATE SKIP LOCKED)
                RETURNING seq, \(OutboxMessage.pgColumns)
            )
            SELECT \(OutboxMessage.pgColumns(prefix: "c.")), \(Account.pgColumns(prefix: "a."))
            FROM c LEFT JOIN account a ON a.id = c.account_id
            ORDER BY c.next_attempt_at, c.seq
            """
        return try await statement(PostgresQuery(unsafeSQL: sql, binds: binds)).map { row in
            var columns = ColumnReader(row)
            let message = try OutboxMessage(columns: &columns)
            let account = columns.nextIsNull() ? nil : try Account(columns: &columns)
            return OutboxClaim(message: message, account: account)
        }
    }

    /// Records several outcomes at once; see `AccountStore.recordDeliveries`.
    ///
    /// One UPDATE for the whole batch, joined with the records passed as arrays and returning the
    /// ids it changed: a row whose lease was lost is simply not among them. A row named twice is
    /// updated by its first record only, as one UPDATE per record would have done.
    public func recordDeliveries(_ batch: [DeliveryRecord], owner: String) async throws -> [Bool] {
        let (records, isFirst) = batch.firstPerMessage
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.messageID)
        let statuses = records.map(\.outcome.status.rawValue)
        let times = records.map { PGValue.millis($0.now) }
        let replies = records.map(\.outcome.reply)
        // No retry time is Int64.min, read back as NULL: arrays of optionals are not bindable.
        let retries = records.map { record -> Int64 in
            if case .deferred(_, let retryAt) = record.outcome { return PGValue.millis(retryAt) }
            return Int64.min
        }
        let changed = Set(try await statement("""
            UPDATE outbox SET status = r.status, attempts = outbox.attempts + 1, last_attempt_at = r.at,
                last_reply = r.reply,
                next_attempt_at = COALESCE(NULLIF(r.next, \(Int64.min)), outbox.next_attempt_at),
                lease_owner = NULL, lease_expires_at = NULL
            FROM unnest(\(ids)::uuid[], \(statuses)::text[], \(times)::bigint[], \(replies)::text[],
                        \(retries)::bigint[]) AS r(id, status, at, reply, next)
            WHERE outbox.id = r.id AND outbox.status = 'sending' AND outbox.lease_owner = \(owner)
            RETURNING outbox.id
            """).map { try ColumnReader($0).nextValue(UUID.self) })
        return zip(batch, isFirst).map { record, first in first && changed.contains(record.messageID) }
    }

    /// Returns `owner`'s leased rows to the queue, due at once.
    public func releaseLeases(owner: String) async throws -> Int {
        try await count("""
            WITH u AS (
                UPDATE outbox SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL
                WHERE status = 'sending' AND lease_owner = \(owner)
                RETURNING 1
            ) SELECT COUNT(*) FROM u
            """)
    }

    /// Nil: other hosts' couriers may hold leases on this database, and only their end tells
    /// that one is gone; see `AccountStore.recoverLeases`.
    public func recoverLeases() async throws -> Int? {
        nil
    }

    /// Requeues failed mail of existing accounts; see `AccountStore.requeueFailed`.
    public func requeueFailed(now: Date) async throws -> Int {
        let nowMillis = PGValue.millis(now)
        return try await count("""
            WITH u AS (
                UPDATE outbox SET status = 'queued', created_at = \(nowMillis), next_attempt_at = \(nowMillis)
                WHERE status = 'failed' AND account_id IN (SELECT id FROM account)
                RETURNING 1
            ) SELECT COUNT(*) FROM u
            """)
    }

    /// The outbox rows of one account, oldest first.
    public func outbox(accountID: UUID) async throws -> [OutboxMessage] {
        try await statement("""
            SELECT \(unescaped: OutboxMessage.pgColumns) FROM outbox WHERE account_id = \(accountID)
            ORDER BY created_at, seq
            """).map(OutboxMessage.init(row:))
    }

    /// Records a delivery status notification's verdict; see `AccountStore.recordBounce`.
    ///
    /// The row is locked first (`FOR UPDATE`), so that a courier recording its outcome on another
    /// host, or a second reader of the same report, sees the bounce or waits for it.
    public func recordBounce(messageID: UUID, reply: String, now: Date) async throws -> BounceRecording {
        let nowMillis = PGValue.millis(now)
        return try await transaction { [self] connection in
            guard let row = try await connection.rows("""
                SELECT \(unescaped: OutboxMessage.pgColumns) FROM outbox WHERE id = \(messageID) FOR UPDATE
                """, logger).first
            else { return .unknownRow }
            let message = try OutboxMessage(row: row)
            switch message.status {
            case .bounced: return .alreadyRecorded(accountID: message.accountID)
            case .sending: return .inFlight
            case .cancelled: return .notSent
            case .sent, .failed, .queued: break
            }
            let cancelled = try await connection.rows("""
                WITH b AS (
                    UPDATE outbox SET status = 'bounced', last_reply = \(reply), last_attempt_at = \(nowMillis),
                        lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = \(messageID)
                ), c AS (
                    UPDATE outbox SET status = 'cancelled'
                    WHERE account_id = \(message.accountID) AND status = 'queued' AND id <> \(messageID)
                    RETURNING 1
                ) SELECT COUNT(*) FROM c
                """, logger).first.map { try ColumnReader($0).nextValue(Int64.self) } ?? 0
            return .recorded(accountID: message.accountID, kind: message.kind, cancelled: Int(cancelled))
        }
    }

    /// Runs a statement whose one row is one count.
    func count(_ query: PostgresQuery) async throws -> Int {
        guard let row = try await statement(query).first else { return 0 }
        return Int(try ColumnReader(row).nextValue(Int64.self))
    }
}
