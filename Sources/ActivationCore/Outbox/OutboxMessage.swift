public import Foundation

/// What a mail is for; it names the template the courier renders.
public enum MailKind: String, Sendable, Codable, CaseIterable {
    /// The first activation mail, and a resend of the same link.
    case activation
    /// The reminder sent `activation.reminder_before` the expiry.
    case reminder
}

/// One mail to send, written in the same transaction as the state change that causes it.
public struct OutboxMessage: Sendable, Equatable, Identifiable {
    /// The row id; the mail's Message-ID is derived from it, so a retry is the same mail.
    public var id: UUID
    /// The account the mail is about (and addressed to).
    public var accountID: UUID
    /// Which mail.
    public var kind: MailKind
    /// Where the row is in its life (`OutboxStatus`).
    public var status: OutboxStatus
    /// Delivery attempts made so far.
    public var attempts: Int
    /// When the row was queued.
    public var createdAt: Date
    /// When the row is next due.
    public var nextAttemptAt: Date
    /// The worker holding the lease while `status == .sending`.
    public var leaseOwner: String?
    /// When the lease runs out; after that any worker may claim the row again.
    public var leaseExpiresAt: Date?
    /// When the last attempt ended.
    public var lastAttemptAt: Date?
    /// The SMTP server's last reply, or the transport error, for operators.
    public var lastReply: String?

    /// Creates a row.
    public init(
        id: UUID = UUID(), accountID: UUID, kind: MailKind, status: OutboxStatus = .queued,
        attempts: Int = 0, createdAt: Date, nextAttemptAt: Date? = nil, leaseOwner: String? = nil,
        leaseExpiresAt: Date? = nil, lastAttemptAt: Date? = nil, lastReply: String? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.kind = kind
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt ?? createdAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.lastAttemptAt = lastAttemptAt
        self.lastReply = lastReply
    }

    /// A new queued mail for `account`, due at once.
    public static func queued(_ kind: MailKind, for accountID: UUID, now: Date) -> OutboxMessage {
        OutboxMessage(accountID: accountID, kind: kind, createdAt: now)
    }
}

/// A claimed row with the account it is about, as the courier needs it to render the mail.
public struct OutboxClaim: Sendable, Equatable {
    /// The row, now `sending` under the claimant's lease.
    public var message: OutboxMessage
    /// The account, or nil if it disappeared since the row was queued.
    public var account: Account?

    /// Creates a claim.
    public init(message: OutboxMessage, account: Account?) {
        self.message = message
        self.account = account
    }
}
