public import Foundation

/// When a pending account's activation mail may be queued again: never to an address whose mail
/// bounced (another copy would bounce too), not within `cooldown` of the last one, and at most
/// `dailyLimit` in any 24 hours, the first included. One rule for `POST /resend`, the registration
/// page and the intake (a record naming a pending account's own username and email).
public struct ResendPolicy: Sendable, Equatable {
    /// `activation.resend_cooldown`: the least time between two activation mails of one account.
    public var cooldown: Duration
    /// `activation.resend_daily_limit`: most activation mails of one account in 24 hours.
    public var dailyLimit: Int

    /// The policy, with DESIGN's defaults (5 minutes, 5 a day).
    public init(cooldown: Duration = .seconds(300), dailyLimit: Int = 5) {
        self.cooldown = cooldown
        self.dailyLimit = dailyLimit
    }

    /// What the rule says for an account whose outbox holds `rows`, at `now`.
    public enum Decision: String, Sendable, Equatable {
        /// Queue it again.
        case send
        /// Mail to this address came back undeliverable.
        case bounced
        /// The last activation mail is younger than the cooldown.
        case coolingDown = "cooling_down"
        /// The day's activation mails are all used.
        case dailyLimit = "daily_limit"
    }

    /// Decides from the account's outbox rows.
    public func decide(outbox rows: [OutboxMessage], now: Date) -> Decision {
        if rows.contains(where: { $0.status == .bounced }) { return .bounced }
        let sent = rows.filter { $0.kind == .activation }.map(\.createdAt)
        if let last = sent.max(), now.timeIntervalSince(last) < cooldown.timeInterval { return .coolingDown }
        let lastDay = sent.filter { now.timeIntervalSince($0) < 86_400 }
        return lastDay.count < dailyLimit ? .send : .dailyLimit
    }
}
