import ActivationCore
import Foundation
@testable import ActivationMail
import Testing

/// The VERP envelope sender: each mail's names its outbox row, and a report delivered to it
/// leads back to that row.
struct BounceAddressTests {
    @Test func namesTheRowAndComesBackThroughAReport() throws {
        let bounce = try #require(BounceAddress(parsing: "bounce@example.org", keys: MailFixtures.keys))
        let row = UUID()
        let address = bounce.address(for: row)
        let token = String(address.dropFirst("bounce+".count).prefix { $0 != "@" })
        #expect(token.count == BounceToken.length && token.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) })
        #expect(!token.contains(row.uuidString.lowercased().replacingOccurrences(of: "-", with: "")))
        #expect(EmailAddress.isValid(address))
        #expect(address.split(separator: "@")[0].count <= 64)
        let report = try DeliveryStatusParser.parse(DeliveryStatusReportTests.postfixBounce(deliveredTo: address),
                                                    localPart: bounce.localPart).get()
        #expect(bounce.tokens.verify(report.rowToken) == .authentic(row))
        #expect(bounce.tokens.verify(report.rowToken.uppercased()) == .authentic(row), "case folded on the way")
    }

    @Test func tokensAreSignedAndVerifyUnderEveryKeyOfTheRing() throws {
        let first = try #require(SigningKey(id: "a", secret: Array(repeating: 1, count: 32)))
        let second = try #require(SigningKey(id: "b", secret: Array(repeating: 2, count: 32)))
        let tokens = BounceToken(keys: try KeyRing(keys: [first, second]))
        let row = UUID()
        let token = tokens.token(for: row)
        #expect(BounceToken(keys: try KeyRing(keys: [second, first])).verify(token) == .authentic(row), "after a rotation")
        #expect(BounceToken(keys: try KeyRing(keys: [second])).verify(token) == .invalid, "the signing key dropped")
        for index in token.indices {
            for replacement in ["a", "7", "q"] where String(token[index]) != replacement {
                var changed = token
                changed.replaceSubrange(index...index, with: replacement)
                #expect(tokens.verify(changed) == .invalid, "\(changed)")
            }
        }
        #expect(tokens.verify(row.uuidString.lowercased().replacingOccurrences(of: "-", with: "")) == .unsigned)
        #expect(tokens.verify("xyz") == .invalid)
        #expect(tokens.verify(String(repeating: "g", count: 32)) == .invalid)
        #expect(tokens.verify(token + "a") == .invalid && tokens.verify(String(token.dropLast())) == .invalid)
    }

    @Test func refusesAddressesThatCannotCarryAToken() {
        let keys = MailFixtures.keys
        #expect(BounceAddress(parsing: "bounce+x@example.org", keys: keys) == nil)
        #expect(BounceAddress(parsing: "not an address", keys: keys) == nil)
        #expect(BounceAddress(parsing: String(repeating: "b", count: 32) + "@example.org", keys: keys) == nil)
        #expect(BounceAddress(parsing: String(repeating: "b", count: 31) + "@example.org", keys: keys) != nil)
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
                               bounceAddress: BounceAddress(parsing: "bounce@example.org", keys: keys))
        let mail = try verp.mail(for: message, account: account, now: now)
        #expect(mail.envelope.sender == "bounce+\(BounceToken(keys: keys).token(for: message.id))@example.org")
        // The From header is unchanged.
        #expect(String(decoding: mail.bytes, as: UTF8.self).contains("From: \"Accounts\" <no-reply@example.org>"))
    }
}
