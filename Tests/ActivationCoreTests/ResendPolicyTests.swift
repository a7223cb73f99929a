import ActivationCore
import Foundation
import Testing

@Suite("ResendPolicy: when a pending account's link is mailed again")
struct ResendPolicyTests {
    static let account = UUID()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func row(_ kind: MailKind = .activation, _ status: OutboxStatus = .sent, ago seconds: TimeInterval)
        -> OutboxMessage
    {
        OutboxMessage(accountID: account, kind: kind, status: status, createdAt: now.addingTimeInterval(-seconds))
    }

    @Test("cooldown, daily limit and bounce, each decided from the outbox alone")
    func decisions() {
        let policy = ResendPolicy(cooldown: .seconds(300), dailyLimit: 3)
        #expect(policy.decide(outbox: [], now: Self.now) == .send)
        #expect(policy.decide(outbox: [Self.row(ago: 299)], now: Self.now) == .coolingDown)
        #expect(policy.decide(outbox: [Self.row(ago: 300)], now: Self.now) == .send)
        #expect(policy.decide(outbox: [Self.row(ago: 4000), Self.row(ago: 3000), Self.row(ago: 2000)], now: Self.now)
            == .dailyLimit)
        #expect(policy.decide(outbox: [Self.row(ago: 90_000), Self.row(ago: 3000), Self.row(ago: 2000)], now: Self.now)
            == .send, "a mail older than 24 hours does not count")
        #expect(policy.decide(outbox: [Self.row(.reminder, ago: 10)], now: Self.now) == .send,
                "a reminder is not an activation mail")
        #expect(policy.decide(outbox: [Self.row(.activation, .bounced, ago: 90_000)], now: Self.now) == .bounced)
    }
}
