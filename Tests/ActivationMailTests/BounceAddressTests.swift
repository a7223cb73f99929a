import ActivationCore
import Foundation
@testable import ActivationMail
import Testing

/// The VERP envelope sender: each mail's names its outbox row, and a report delivered to it
/// leads back to that row.
struct BounceAddressTests {
    @Test func namesTheRowAndComesBackThroughAReport() throws {
        let bounce = try #require(BounceAddress(parsing: "bounce@example.org"))
        let row = UUID()
        let address = bounce.address(for: row)
        #expect(address == "bounce+\(row.uuidString.lowercased().replacingOccurrences(of: "-", with: ""))@example.org")
        #expect(EmailAddress.isValid(address))
        #expect(address.split(separator: "@")[0].count <= 64)
        let report = try DeliveryStatusParser.parse(DeliveryStatusReportTests.postfixBounce(deliveredTo: address),
                                                    localPart: bounce.localPart).get()
        #expect(BounceAddress.rowID(fromToken: report.rowToken) == row)
    }

    @Test func refusesAddressesThatCannotCarryAToken() {
        #expect(BounceAddress(parsing: "bounce+x@example.org") == nil)
        #expect(BounceAddress(parsing: "not an address") == nil)
        #expect(BounceAddress(parsing: String(repeating: "b", count: 32) + "@example.org") == nil)
        #expect(BounceAddress(parsing: String(repeating: "b", count: 31) + "@example.org") != nil)
        #expect(BounceAddress.rowID(fromToken: "xyz") == nil)
        #expect(BounceAddress.rowID(fromToken: String(repeating: "g", count: 32)) == nil)
    }

    @Test func theEnvelopeSenderIsTheRowsWhenConfiguredAndFromOtherwise() throws {
        let keys = try KeyRing(keys: [try #require(SigningKey(id: "k", secret: Array(repeating: 7, count: 32)))])
        let now = Date()
        let registration = Registration(
            id: UUID(), submittedAt: now, username: "jane", firstName: "Jane", lastName: "Doe",
            email: "jane@example.net", confirmEmail: "jane@example.net", password: Secret("Secr3tPass"),
            confirmPassword: Secret("Secr3tPass"), passwordPhrase: Secret("heron"), acceptedConditions: true)
        let account = Account.pending(from: registration, passwordHash: "x", now: now, lifetime: .seconds(86_400))
        let message = OutboxMessage.queued(.activation, for: account.id, now: now)
        let sender = try Mailbox(parsing: "Accounts <no-reply@example.org>")
        let plain = MailFactory(sender: sender, templates: try MailTemplates(), keys: keys,
                                publicURL: "https://accounts.example.org")
        #expect(try plain.mail(for: message, account: account, now: now).envelope.sender == "no-reply@example.org")
        let verp = MailFactory(sender: sender, templates: try MailTemplates(), keys: keys,
                               publicURL: "https://accounts.example.org",
                               bounceAddress: BounceAddress(parsing: "bounce@example.org"))
        let mail = try verp.mail(for: message, account: account, now: now)
        #expect(mail.envelope.sender == "bounce+\(BounceAddress.token(for: message.id))@example.org")
        // The From header is unchanged.
        #expect(String(decoding: mail.bytes, as: UTF8.self).contains("From: \"Accounts\" <no-reply@example.org>"))
    }
}
