public import Foundation

/// Where accounts and their outbox live: what intake, courier, HTTP and sweeper need, and nothing
/// about SQL. One implementation per backend (SQLite, PostgreSQL); one contract test suite runs
/// against each.
///
/// Every method is one transaction. Times are passed in (`now`) so that tests drive the clock.
/// Implementations must be safe to call from many tasks at once and, for shared databases, from
/// many hosts at once.
public protocol AccountStore: Sendable {
    /// Runs what the store needs while it is in use (PostgreSQL: its connection pool) until the
    /// task is cancelled; a store that needs nothing (SQLite) waits for the cancellation. Started
    /// once, before any other call, and cancelled before `close`: `StoreOpener.withStore` does both,
    /// for `serve` and every command alike.
    func run() async throws

    /// Lets go of what the store holds (SQLite: its connections, its file and its serve lock), once
    /// `run` has returned. No call after it.
    func close() async throws

    /// Bytes the store's engine holds in this process's memory (SQLite's page caches), for the
    /// daemon's memory gauge; nil when the engine is another process (PostgreSQL).
    func engineMemoryInUse() -> Int64?

    /// Creates or upgrades the schema. Safe to call on every start, from several hosts at once.
    func migrate() async throws

    /// Stores a checked registration as a pending account with its activation mail queued.
    ///
    /// In one transaction: if the registration id was seen before, nothing changes, and the result
    /// is `.duplicate` when the record's `contentDigest` is the one stored with the id (or none was
    /// stored) and `.rejected([.idReused])` when it differs; otherwise `RegistrationDecision`
    /// decides, superseded pending accounts are removed with their unsent mail cancelled (and
    /// remembered as `.superseded`), and `account` is inserted with a queued `activation` row.
    /// `account` must be `Account.pending(from: registration, …)`.
    func register(_ registration: Registration, as account: Account, now: Date) async throws
        -> RegistrationResult

    /// The account with this id.
    func account(id: UUID) async throws -> Account?
    /// The account with this username, compared case-insensitively.
    func account(username: String) async throws -> Account?
    /// The accounts with this email address, compared case-insensitively, oldest first (ties of the
    /// same millisecond by id, as text): any number of pending ones (each with another username), or
    /// one active one.
    func accounts(email: String) async throws -> [Account]
    /// The account created by this registration id, if it still exists.
    func account(registrationID: UUID) async throws -> Account?

    /// Activates the account if it is pending, unexpired at `now` and its nonce is `nonce`.
    /// Of many concurrent calls for one account exactly one returns `.activated`.
    ///
    /// In the same transaction, the other pending accounts with the same email address are removed
    /// with their unsent mail cancelled, and remembered as `.replaced` (the ids in `.activated`'s
    /// `replaced`, in `accounts(email:)`'s order); the activated account's password attempts are
    /// cleared.
    func activate(accountID: UUID, nonce: Data, now: Date) async throws -> ActivationResult

    /// Why the account with this id was removed, if it was superseded or replaced and the store
    /// still remembers it (until `purge` forgets it with the registration ids).
    func removalReason(accountID: UUID) async throws -> RemovalReason?

    /// Reserves one password check for the activation link of a pending account, before the
    /// password is hashed, in one atomic step (see `PasswordAttempts`): at most `limit` checks per
    /// `window`, across concurrent calls, restarts and hosts. The check that reaches `limit`
    /// locks the link for `window` from `now`.
    func reservePasswordAttempt(accountID: UUID, limit: Int, window: Duration, now: Date) async throws
        -> PasswordAttemptReservation

    /// Queues another mail for an existing account (a resend or a reminder); nil if the account
    /// is gone. A reminder also sets the account's `remindedAt`.
    func enqueue(_ kind: MailKind, accountID: UUID, now: Date) async throws -> OutboxMessage?

    /// Claims up to `limit` due rows for `owner` until `now + lease`: queued rows whose next attempt
    /// is due, and sending rows whose lease ran out. Rows claimed by one call are claimed by no
    /// other until the lease runs out or a result is recorded.
    func claimOutbox(owner: String, limit: Int, lease: Duration, now: Date) async throws -> [OutboxClaim]

    /// Records the outcome of an attempt on a row `owner` claimed; counts the attempt.
    /// Returns false, and changes nothing, if the row is no longer leased to `owner`.
    func recordDelivery(_ outcome: DeliveryOutcome, messageID: UUID, owner: String, now: Date) async throws
        -> Bool

    /// Records several attempts' outcomes on rows `owner` claimed, in one transaction: the same
    /// effect as calling `recordDelivery` for each record in order, and the same result for each
    /// (false, changing nothing, for a row no longer leased to `owner`, or a second record of the
    /// same row). The courier batches the outcomes of sends that finish close together.
    func recordDeliveries(_ records: [DeliveryRecord], owner: String) async throws -> [Bool]

    /// Returns the rows `owner` still leases to the queue, due at once (graceful shutdown).
    func releaseLeases(owner: String) async throws -> Int

    /// Called once by `serve` before its courier claims anything: when the store can tell that no
    /// other courier can be running on it, rows still leased (by a process that was killed or lost
    /// its power after claiming them) go back to the queue, due at once, instead of waiting minutes
    /// for their leases to end. Returns how many; nil when the store cannot tell (PostgreSQL, where
    /// other hosts' couriers run; a SQLite file another `serve` has open), and then leases end as
    /// usual. A row's mail may have reached the relay before the kill: it is sent again, which is
    /// the outbox's at-least-once promise. The store keeps what told it so (a lock) until closed.
    func recoverLeases() async throws -> Int?

    /// Returns every failed row whose account still exists to the queue, due at `now`
    /// (`activationd outbox retry`). The row's queue lifetime starts again at `now`: its
    /// `createdAt` becomes `now`, its attempts and last reply are kept. Returns how many.
    func requeueFailed(now: Date) async throws -> Int

    /// The outbox rows of one account, oldest first.
    func outbox(accountID: UUID) async throws -> [OutboxMessage]

    /// Records that row `messageID` bounced: a delivery status notification said it cannot be
    /// delivered. A sent, failed or queued row becomes `bounced` with `reply` as its last reply and
    /// `now` as its last attempt, its lease cleared; its account's other queued rows are cancelled
    /// (the address does not take mail). A row being sent is left alone (`inFlight`), a cancelled one
    /// too (`notSent`); a bounced one stays as it is (`alreadyRecorded`), so a report read twice
    /// counts once.
    func recordBounce(messageID: UUID, reply: String, now: Date) async throws -> BounceRecording

    /// Removes up to `limit` pending accounts whose expiry is at or before `now`, cancels their
    /// unsent mail, and returns them. Call again until it returns fewer than `limit`.
    func expirePending(now: Date, limit: Int) async throws -> [Account]

    /// Counts for `activationd status` and metrics.
    func counts() async throws -> StoreCounts

    /// Queues a reminder for up to `limit` pending accounts that expire after `now` and at or before
    /// `dueBy` and have had none nor a bounced mail; marks them reminded. Returns them.
    func queueReminders(dueBy: Date, now: Date, limit: Int) async throws -> [Account]

    /// Deletes sent and cancelled outbox rows last touched before `finishedBefore` (bounced ones
    /// too, once their account is gone: until then they keep reminders from the address), and the
    /// registration ids of `register`'s idempotency check received before `registrationsBefore`
    /// (with the removal reasons of accounts removed before then, whose links have all expired).
    func purge(finishedBefore: Date, registrationsBefore: Date) async throws -> PurgeCounts

    /// What a sweep at `now` would do, changing nothing (`activationd sweep --dry-run`).
    func sweepCandidates(now: Date, reminderDueBy: Date, finishedBefore: Date) async throws -> SweepCandidates

    /// Records that the registration form's challenge `id` was used for a form whose content has
    /// `fingerprint` (`Registration.formFingerprint`), until `expiresAt`. The first use of an id
    /// stores `submittedAt`; a later use with the same fingerprint is the same form sent again (a
    /// double click, Back and resubmit) and gets the first use's time back, so the record it makes
    /// is the first one again; another fingerprint is a replay. Atomic: of two hosts using one id
    /// at once, one gets `.first`.
    func useChallenge(id: UUID, fingerprint: String, submittedAt: Date, expiresAt: Date) async throws -> ChallengeUse

    /// Forgets used challenge ids that expired before `expiredBefore` (they can no longer be
    /// posted, so there is nothing left to refuse); returns how many.
    func forgetChallenges(expiredBefore: Date) async throws -> Int

    /// Every row, for `activationd store copy` (read in one transaction: a consistent picture).
    func snapshot() async throws -> StoreSnapshot

    /// Writes `snapshot` into this store in one transaction. Throws `StoreNotEmpty` (and writes
    /// nothing) when the store holds any account, outbox row or registration id: a copy never merges.
    func restore(_ snapshot: StoreSnapshot) async throws
}

/// What `useChallenge` found.
public enum ChallengeUse: Sendable, Equatable {
    /// The id was not used before; it is now.
    case first
    /// The id was used for this very form: make the same record again, with this submission time.
    case again(submittedAt: Date)
    /// The id was used for another form: refuse.
    case otherForm
}

/// What `purge` removed.
public struct PurgeCounts: Sendable, Equatable {
    /// Outbox rows deleted.
    public var outboxRows: Int
    /// Registration ids forgotten.
    public var registrationIDs: Int

    /// Creates counts.
    public init(outboxRows: Int, registrationIDs: Int) {
        self.outboxRows = outboxRows
        self.registrationIDs = registrationIDs
    }
}

/// What a sweep would do.
public struct SweepCandidates: Sendable, Equatable {
    /// Pending accounts due a reminder.
    public var reminders: Int
    /// Pending accounts past their expiry.
    public var expired: Int
    /// Sent or cancelled outbox rows old enough to purge.
    public var purgeableOutboxRows: Int

    /// Creates candidates.
    public init(reminders: Int, expired: Int, purgeableOutboxRows: Int) {
        self.reminders = reminders
        self.expired = expired
        self.purgeableOutboxRows = purgeableOutboxRows
    }
}

/// What `register` did.
public enum RegistrationResult: Sendable, Equatable {
    /// Stored; these pending accounts were superseded (removed, their mail cancelled).
    case created(Account, activation: OutboxMessage, superseded: [UUID])
    /// The registration id was stored before; this is the account it made, if it still exists.
    case duplicate(existingAccountID: UUID?)
    /// Refused by a store-dependent rule (`username.taken`, `email.taken`, `id.reused`).
    case rejected([RegistrationProblem])
}

/// What `activate` did.
public enum ActivationResult: Sendable, Equatable {
    /// This call activated the account; these other pending accounts of its email address were
    /// removed (replaced).
    case activated(Account, replaced: [UUID])
    /// The account was already active (by an earlier or concurrent call).
    case alreadyActive(Account)
    /// The account is pending but its activation period is over.
    case expired
    /// The account is pending but the nonce is not its nonce (an old link of a resent account
    /// cannot happen, so this means a forged or foreign token).
    case nonceMismatch
    /// No such account (expired and removed, superseded, replaced, or never existed).
    case notFound
}

/// Row counts by state, for status and metrics.
public struct StoreCounts: Sendable, Equatable {
    /// Accounts by state; every state present, zero when none.
    public var accounts: [AccountState: Int]
    /// Outbox rows by status; every status present, zero when none.
    public var outbox: [OutboxStatus: Int]
    /// When the oldest row still queued or sending was created.
    public var oldestUnsentAt: Date?

    /// Creates counts; missing states and statuses count zero.
    public init(accounts: [AccountState: Int], outbox: [OutboxStatus: Int], oldestUnsentAt: Date?) {
        self.accounts = Dictionary(uniqueKeysWithValues: AccountState.allCases.map { ($0, accounts[$0] ?? 0) })
        self.outbox = Dictionary(uniqueKeysWithValues: OutboxStatus.allCases.map { ($0, outbox[$0] ?? 0) })
        self.oldestUnsentAt = oldestUnsentAt
    }
}

extension AccountStore {
    /// One outcome: `recordDeliveries` with a batch of one, the same effect for every store.
    public func recordDelivery(_ outcome: DeliveryOutcome, messageID: UUID, owner: String, now: Date) async throws
        -> Bool
    {
        try await recordDeliveries([DeliveryRecord(outcome, messageID: messageID, now: now)], owner: owner)[0]
    }
}

extension Array where Element == DeliveryRecord {
    /// The records a store writes for this batch — each row's first record only, as one write per
    /// record would have done — and, per position, whether it is one of them.
    public var firstPerMessage: (records: [DeliveryRecord], isFirst: [Bool]) {
        var seen = Set<UUID>()
        let isFirst = map { seen.insert($0.messageID).inserted }
        return (zip(self, isFirst).filter(\.1).map(\.0), isFirst)
    }
}
