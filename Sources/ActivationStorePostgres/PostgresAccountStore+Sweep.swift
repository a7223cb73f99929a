public import ActivationCore
public import Foundation
import PostgresNIO

extension PostgresAccountStore {
    /// Removes expired pending accounts in one batch; see `AccountStore.expirePending`.
    ///
    /// One statement: the batch is picked `FOR UPDATE SKIP LOCKED`, so sweepers on several hosts
    /// at once each expire other accounts, and each account is expired (and returned) once.
    public func expirePending(now: Date, limit: Int) async throws -> [Account] {
        let nowMillis = PGValue.millis(now)
        return try await statement("""
            WITH e AS (
                DELETE FROM account WHERE id IN (
                    SELECT id FROM account WHERE state = 'pending' AND expires_at <= \(nowMillis)
                    ORDER BY expires_at LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Account.pgColumns)
            ), c AS (
                UPDATE outbox SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL
                WHERE account_id IN (SELECT id FROM e) AND status IN ('queued', 'sending')
            )
            SELECT \(unescaped: Account.pgColumns) FROM e ORDER BY expires_at, id
            """).map(Account.init(row:))
    }

    /// Queues reminders in one batch; see `AccountStore.queueReminders`.
    ///
    /// One statement, its batch picked `FOR UPDATE SKIP LOCKED` and checked again once locked
    /// (`reminded_at IS NULL`): with sweepers on several hosts each account is reminded once.
    public func queueReminders(dueBy: Date, now: Date, limit: Int) async throws -> [Account] {
        let nowMillis = PGValue.millis(now)
        return try await statement("""
            WITH r AS (
                UPDATE account SET reminded_at = \(nowMillis) WHERE id IN (
                    SELECT id FROM account
                    WHERE state = 'pending' AND reminded_at IS NULL AND expires_at > \(nowMillis)
                        AND expires_at <= \(PGValue.millis(dueBy))
                        AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.account_id = account.id AND b.status = 'bounced')
                    ORDER BY expires_at LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Account.pgColumns)
            ), o AS (
                INSERT INTO outbox (id, account_id, kind, status, attempts, created_at, next_attempt_at)
                SELECT gen_random_uuid(), id, 'reminder', 'queued', 0, \(nowMillis), \(nowMillis) FROM r
            )
            SELECT \(unescaped: Account.pgColumns) FROM r ORDER BY expires_at, id
            """).map(Account.init(row:))
    }

    /// Purges finished mail and old registration ids; see `AccountStore.purge`.
    public func purge(finishedBefore: Date, registrationsBefore: Date) async throws -> PurgeCounts {
        let finished = PGValue.millis(finishedBefore)
        let registrations = PGValue.millis(registrationsBefore)
        guard let row = try await statement("""
            WITH o AS (
                DELETE FROM outbox WHERE (status IN ('sent', 'cancelled')
                        OR (status = 'bounced' AND NOT EXISTS (SELECT 1 FROM account a WHERE a.id = outbox.account_id)))
                    AND COALESCE(last_attempt_at, created_at) < \(finished)
                RETURNING 1
            ), r AS (
                DELETE FROM registration WHERE received_at < \(registrations) RETURNING 1
            ), x AS (
                DELETE FROM removed_account WHERE removed_at < \(registrations)
            )
            SELECT (SELECT COUNT(*) FROM o), (SELECT COUNT(*) FROM r)
            """).first
        else { return PurgeCounts(outboxRows: 0, registrationIDs: 0) }
        var columns = ColumnReader(row)
        return PurgeCounts(outboxRows: Int(try columns.next(Int64.self)),
                           registrationIDs: Int(try columns.next(Int64.self)))
    }

    /// Counts what a sweep would do; see `AccountStore.sweepCandidates`.
    public func sweepCandidates(now: Date, reminderDueBy: Date, finishedBefore: Date) async throws -> SweepCandidates {
        let nowMillis = PGValue.millis(now)
        guard let row = try await statement("""
            SELECT
                (SELECT COUNT(*) FROM account WHERE state = 'pending' AND reminded_at IS NULL
                    AND expires_at > \(nowMillis) AND expires_at <= \(PGValue.millis(reminderDueBy))
                    AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.account_id = account.id AND b.status = 'bounced')),
                (SELECT COUNT(*) FROM account WHERE state = 'pending' AND expires_at <= \(nowMillis)),
                (SELECT COUNT(*) FROM outbox WHERE (status IN ('sent', 'cancelled')
                        OR (status = 'bounced' AND NOT EXISTS (SELECT 1 FROM account a WHERE a.id = outbox.account_id)))
                    AND COALESCE(last_attempt_at, created_at) < \(PGValue.millis(finishedBefore)))
            """).first
        else { return SweepCandidates(reminders: 0, expired: 0, purgeableOutboxRows: 0) }
        var columns = ColumnReader(row)
        return SweepCandidates(reminders: Int(try columns.next(Int64.self)), expired: Int(try columns.next(Int64.self)),
                               purgeableOutboxRows: Int(try columns.next(Int64.self)))
    }
}

extension PostgresAccountStore {
    /// Records a use of a registration challenge; see `AccountStore.useChallenge`.
    ///
    /// `INSERT … ON CONFLICT DO NOTHING` decides which use is first on every host (a second insert
    /// of the id waits for the first's commit and then does nothing); a use that did not insert
    /// reads the stored one. An id forgotten between the two (it expired) is simply tried again.
    public func useChallenge(id: UUID, fingerprint: String, submittedAt: Date, expiresAt: Date) async throws
        -> ChallengeUse
    {
        for _ in 0..<Self.maximumAttempts {
            let inserted = try await statement("""
                INSERT INTO used_challenge (id, fingerprint, submitted_at, expires_at)
                VALUES (\(id), \(fingerprint), \(PGValue.millis(submittedAt)), \(PGValue.millis(expiresAt)))
                ON CONFLICT (id) DO NOTHING
                RETURNING 1
                """)
            if !inserted.isEmpty { return .first }
            if let row = try await statement(
                "SELECT fingerprint, submitted_at FROM used_challenge WHERE id = \(id)"
            ).first {
                var columns = ColumnReader(row)
                let stored = try columns.next(String.self)
                let at = try columns.next(Int64.self)
                return stored == fingerprint ? .again(submittedAt: PGValue.date(at)) : .otherForm
            }
        }
        throw PostgresStoreError("a used challenge id kept disappearing")
    }

    /// Forgets expired challenge ids; see `AccountStore.forgetChallenges`.
    public func forgetChallenges(expiredBefore: Date) async throws -> Int {
        try await count("""
            WITH d AS (DELETE FROM used_challenge WHERE expires_at < \(PGValue.millis(expiredBefore)) RETURNING 1)
            SELECT COUNT(*) FROM d
            """)
    }
}
