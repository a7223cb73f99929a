public import Foundation

/// The life of an outbox row.
///
/// ```
/// queued ──claim──▶ sending(lease) ──sent──▶ sent
///   ▲                  │ ├──deferred (4xx, transport error)──▶ queued (next attempt later)
///   │                  │ └──failed (5xx, too old)──────────────▶ failed ──retry command──▶ queued
///   └──lease runs out──┘
/// queued / sending ──account expired or superseded──▶ cancelled
/// sent (or failed, queued) ──a delivery status notification says failed──▶ bounced
/// ```
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting until `nextAttemptAt`.
    case queued
    /// Claimed by a worker until `leaseExpiresAt`.
    case sending
    /// Accepted by the relay.
    case sent
    /// Given up: a permanent refusal or past the queue lifetime.
    case failed
    /// No longer wanted: its account expired or was superseded.
    case cancelled
    /// Accepted by the relay, then reported undeliverable by a delivery status notification
    /// (RFC 3464) that came back to its bounce address. The account gets no more mail.
    case bounced

    /// Whether the row can still change without an operator.
    public var isFinal: Bool {
        switch self {
        case .queued, .sending: false
        case .sent, .failed, .cancelled, .bounced: true
        }
    }
}

/// The result of one delivery attempt, as the courier reports it to the store.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The relay accepted the message; its reply (`250 2.0.0 Ok: queued as …`).
    case sent(reply: String)
    /// Try again at `retryAt`; the reply or transport error.
    case deferred(reply: String, retryAt: Date)
    /// Give up; the reply or the reason.
    case failed(reply: String)
    /// Not sent and no longer wanted: the account is gone, already active, or its link expired
    /// while the row was queued. Not a delivery failure, so `outbox retry` leaves it alone.
    case cancelled(reason: String)

    /// The status the row takes.
    public var status: OutboxStatus {
        switch self {
        case .sent: .sent
        case .deferred: .queued
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }

    /// The reply recorded with the row.
    public var reply: String {
        switch self {
        case .sent(let reply), .deferred(let reply, _), .failed(let reply), .cancelled(let reply): reply
        }
    }
}

/// One attempt's outcome on one row, for `AccountStore.recordDeliveries`.
public struct DeliveryRecord: Sendable, Equatable {
    /// What became of the attempt.
    public var outcome: DeliveryOutcome
    /// The outbox row.
    public var messageID: UUID
    /// When the attempt ended.
    public var now: Date

    /// Creates a record.
    public init(_ outcome: DeliveryOutcome, messageID: UUID, now: Date) {
        self.outcome = outcome
        self.messageID = messageID
        self.now = now
    }
}

/// What `AccountStore.recordBounce` did with a report about one outbox row.
public enum BounceRecording: Sendable, Equatable {
    /// The row is now bounced; `cancelled` of its account's other queued rows were cancelled.
    case recorded(accountID: UUID, kind: MailKind, cancelled: Int)
    /// The row was already bounced (the same report read again after a crash): nothing changed.
    case alreadyRecorded(accountID: UUID)
    /// The row is being sent right now (its outcome is not recorded yet): read the report again later.
    case inFlight
    /// No such row: never ours, or purged long ago.
    case unknownRow
    /// The row never went out (it was cancelled): the report cannot be about it.
    case notSent
}
