public import Foundation

/// Everything a store holds, for `activationd store copy`: moving an installation from one store to
/// another (SQLite to PostgreSQL) without losing a pending account, a queued mail, a registration id
/// (a spool file seen again must stay a duplicate), a removal reason (an old link must still say
/// why it stopped) or a used challenge (a solved form must stay used).
///
/// Rows are copied as they are: password hashes, nonces, attempt counters, leases. Taken with the
/// daemons stopped; a row `sending` under a lease is picked up again when the lease runs out, as
/// after a crash.
public struct StoreSnapshot: Sendable, Equatable {
    /// Every account, pending and active.
    public var accounts: [Account]
    /// Every outbox row, whatever its status.
    public var outbox: [OutboxMessage]
    /// Every remembered registration id.
    public var registrations: [RegistrationIDRecord]
    /// Every remembered removal.
    public var removedAccounts: [RemovedAccountRecord]
    /// Every used registration challenge not yet forgotten.
    public var usedChallenges: [UsedChallengeRecord]

    /// A snapshot of these rows.
    public init(accounts: [Account], outbox: [OutboxMessage], registrations: [RegistrationIDRecord],
                removedAccounts: [RemovedAccountRecord], usedChallenges: [UsedChallengeRecord]) {
        self.accounts = accounts
        self.outbox = outbox
        self.registrations = registrations
        self.removedAccounts = removedAccounts
        self.usedChallenges = usedChallenges
    }

    /// Rows per table, for the check at the end of a copy.
    public var counts: [String: Int] {
        ["accounts": accounts.count, "outbox": outbox.count, "registration ids": registrations.count,
         "removed accounts": removedAccounts.count, "used challenges": usedChallenges.count]
    }

    /// The same rows in a stable order, so two snapshots of equal stores compare equal.
    public var sorted: StoreSnapshot {
        StoreSnapshot(
            accounts: accounts.sorted { $0.id.lowercasedText < $1.id.lowercasedText },
            outbox: outbox.sorted { $0.id.lowercasedText < $1.id.lowercasedText },
            registrations: registrations.sorted { $0.id.lowercasedText < $1.id.lowercasedText },
            removedAccounts: removedAccounts.sorted { $0.id.lowercasedText < $1.id.lowercasedText },
            usedChallenges: usedChallenges.sorted { $0.id.lowercasedText < $1.id.lowercasedText })
    }
}

/// A registration id the store remembers (`register`'s idempotency).
public struct RegistrationIDRecord: Sendable, Equatable {
    /// The registration id.
    public var id: UUID
    /// The account it made.
    public var accountID: UUID
    /// When it was taken in.
    public var receivedAt: Date
    /// `Registration.contentDigest`; nil for ids stored before digests were kept.
    public var contentDigest: String?

    /// A record.
    public init(id: UUID, accountID: UUID, receivedAt: Date, contentDigest: String?) {
        self.id = id
        self.accountID = accountID
        self.receivedAt = receivedAt
        self.contentDigest = contentDigest
    }
}

/// An account removed for a reason its link should tell.
public struct RemovedAccountRecord: Sendable, Equatable {
    /// The account's id.
    public var id: UUID
    /// Why.
    public var reason: RemovalReason
    /// When.
    public var removedAt: Date

    /// A record.
    public init(id: UUID, reason: RemovalReason, removedAt: Date) {
        self.id = id
        self.reason = reason
        self.removedAt = removedAt
    }
}

/// A used registration challenge (`useChallenge`).
public struct UsedChallengeRecord: Sendable, Equatable {
    /// The challenge's one-time id.
    public var id: UUID
    /// The form's fingerprint.
    public var fingerprint: String
    /// The first submission's time.
    public var submittedAt: Date
    /// When the challenge expires.
    public var expiresAt: Date

    /// A record.
    public init(id: UUID, fingerprint: String, submittedAt: Date, expiresAt: Date) {
        self.id = id
        self.fingerprint = fingerprint
        self.submittedAt = submittedAt
        self.expiresAt = expiresAt
    }
}

/// `restore` was given a store that already holds rows: a copy never merges.
public struct StoreNotEmpty: Error, Sendable, CustomStringConvertible {
    /// Rows per table found in the target.
    public let counts: [String: Int]

    /// Creates the error.
    public init(counts: [String: Int]) {
        self.counts = counts
    }

    /// `the target store is not empty (accounts 3, outbox 5, …)`.
    public var description: String {
        let found = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return "the target store is not empty (\(found.joined(separator: ", ")))"
    }
}
