public import ActivationCore
public import Foundation

/// `activationd account show LOGIN` and `activationd resend LOGIN`: one account, found by username
/// or email address.
public enum AccountCommands {
    /// Finds the account a login names: an address (with `@`) finds the pending or else the active
    /// account of that address; anything else is a username.
    public static func find(_ login: String, in store: any AccountStore) async throws -> Account? {
        if login.contains("@") {
            let accounts = try await store.accounts(email: login)
            return accounts.first { $0.state == .pending } ?? accounts.first
        }
        return try await store.account(username: login)
    }

    /// State, dates, and each mail with its attempts and the server's last reply. Never the password
    /// hash, the phrase, or a token.
    public static func describe(_ account: Account, outbox: [OutboxMessage]) -> String {
        func date(_ value: Date?) -> String { value.map { $0.formatted(.iso8601) } ?? "-" }
        var lines = [
            "account \(account.id.lowercasedText)",
            "  username:   \(account.username)",
            "  email:      \(account.email)",
            "  state:      \(account.state.rawValue)",
            "  registered: \(date(account.registeredAt))",
            "  expires:    \(account.state == .pending ? date(account.expiresAt) : "-")",
            "  activated:  \(date(account.activatedAt))",
            "  reminded:   \(date(account.remindedAt))",
            "  passwords:  \(account.passwordAttempts.count) checked, count resets \(date(account.passwordAttempts.resetAt))",
        ]
        if let bounce = outbox.last(where: { $0.status == .bounced }) {
            lines.append("  bounced:    \(date(bounce.lastAttemptAt)) \(bounce.lastReply ?? "-")")
            lines.append("              (no resends or reminders to this address until the person registers again)")
        }
        lines.append("  mail:")
        if outbox.isEmpty { lines.append("    none") }
        for message in outbox {
            lines.append("    \(message.kind.rawValue) <\(message.id.lowercasedText)> \(message.status.rawValue), "
                + "queued \(date(message.createdAt)), attempts \(message.attempts), "
                + "last attempt \(date(message.lastAttemptAt)), last reply: \(message.lastReply ?? "-")")
        }
        return lines.joined(separator: "\n")
    }

    /// What `resend` did.
    public enum ResendResult: Sendable, Equatable {
        /// The same link was queued again.
        case queued(OutboxMessage)
        /// Nothing to resend: the account is already active.
        case alreadyActive
        /// Not resent: mail to the account's address bounced (another copy would bounce too).
        case bounced
        /// No such account.
        case notFound
    }

    /// Queues the activation link of a pending account again (an operator's resend: no cooldown).
    public static func resend(_ login: String, in store: any AccountStore, now: Date = Date()) async throws
        -> ResendResult
    {
        guard let account = try await find(login, in: store) else { return .notFound }
        guard account.state == .pending else { return .alreadyActive }
        guard try await !store.outbox(accountID: account.id).contains(where: { $0.status == .bounced }) else {
            return .bounced
        }
        guard let message = try await store.enqueue(.activation, accountID: account.id, now: now) else {
            return .notFound
        }
        return .queued(message)
    }
}
