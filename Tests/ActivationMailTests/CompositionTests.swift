import TestSupport
import ActivationCore
@testable import ActivationMail
import Foundation
import Testing

@Suite("Message composition")
struct CompositionTests {
    func compose(first: String = "Jane", last: String = "Doe", kind: MailKind = .activation)
        throws -> (text: String, account: Account, message: OutboxMessage, mail: OutgoingMail)
    {
        let account = MailFixtures.account(first: first, last: last)
        let message = OutboxMessage.queued(kind, for: account.id, now: MailFixtures.now)
        let mail = try MailFixtures.factory().mail(for: message, account: account, now: MailFixtures.now)
        return (String(decoding: mail.bytes, as: UTF8.self), account, message, mail)
    }

    @Test("CRLF throughout, no line over 78, the headers in place")
    func shape() throws {
        let (text, _, message, mail) = try compose()
        let lines = text.components(separatedBy: "\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "no bare CR")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")
        #expect(text.hasPrefix("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"))
        #expect(text.contains("\r\nFrom: \"Accounts\" <no-reply@example.org>\r\n"))
        #expect(text.contains("\r\nTo: \"Jane Doe\" <jane@example.net>\r\n"))
        #expect(text.contains("\r\nMessage-ID: <\(message.id.uuidString.lowercased())@example.org>\r\n"))
        #expect(mail.messageID == "<\(message.id.uuidString.lowercased())@example.org>")
        #expect(text.contains("\r\nAuto-Submitted: auto-generated\r\n"))
        #expect(text.contains("\r\nMIME-Version: 1.0\r\n"))
        #expect(mail.envelope == (try SMTPEnvelope(sender: "no-reply@example.org", recipients: ["jane@example.net"])))
    }

    @Test("the service's name (service.name) is in both parts of each kind, through the compiled templates")
    func serviceName() throws {
        let factory = MailFactory(sender: MailFixtures.sender, templates: try MailTemplates(), keys: MailFixtures.keys,
                                  publicURL: "https://accounts.example.org/", serviceName: "Example Permits")
        #expect(factory.templates.compiledParts(.activation).allSatisfy { $0 })
        for kind in [MailKind.activation, .reminder] {
            let account = MailFixtures.account()
            let message = OutboxMessage.queued(kind, for: account.id, now: MailFixtures.now)
            let mail = try factory.mail(for: message, account: account, now: MailFixtures.now)
            let text = String(decoding: mail.bytes, as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
            #expect(text.components(separatedBy: "Example Permits").count >= 3, "\(kind): the name in text and HTML")
        }
    }

    @Test("the Message-ID is the same on every attempt")
    func stableMessageID() throws {
        let account = MailFixtures.account()
        let message = OutboxMessage.queued(.activation, for: account.id, now: MailFixtures.now)
        let factory = MailFixtures.factory()
        let first = try factory.mail(for: message, account: account, now: MailFixtures.now)
        let retry = try factory.mail(for: message, account: account, now: MailFixtures.now.addingTimeInterval(600))
        #expect(first.messageID == retry.messageID)
    }

    @Test("non-ASCII names and subjects are RFC 2047 encoded words")
    func encodedWords() throws {
        let (text, _, _, _) = try compose(first: "Zoë", last: "Ångström-Łukasiewicz")
        let to = try #require(text.components(separatedBy: "\r\nTo: ").last?.components(separatedBy: "\r\n").first)
        #expect(to.hasPrefix("=?UTF-8?B?"))
        #expect(text.utf8.allSatisfy { $0 < 0x80 }, "the whole message is 7-bit")
    }

    @Test("a display name with CR or LF is refused: no Bcc smuggled into the headers")
    func nameInjection() {
        for name in ["Jane\r\nBcc: victim@example.com", "Jane\nBcc: x@example.com", "Jane\0", "Jane\rX"] {
            #expect(throws: MailError.self) { try Mailbox(displayName: name, address: "jane@example.net") }
        }
        #expect(throws: MailError.self) { try compose(first: "Jane\r\nBcc: victim@example.com") }
    }

    @Test("an address that would smuggle a second RCPT is refused by the envelope and the mailbox")
    func envelopeInjection() {
        let evil = ["jane@example.net>\r\nRCPT TO:<victim@example.com", "jane@example.net\nRCPT TO:<v@x.com>",
                    "jane@example.net\0", "", "no-at-sign"]
        for address in evil {
            #expect(throws: MailError.self) { try SMTPEnvelope(sender: "no-reply@example.org", recipients: [address]) }
            #expect(throws: MailError.self) { try SMTPEnvelope(sender: address, recipients: ["jane@example.net"]) }
            #expect(throws: MailError.self) { try Mailbox(displayName: "Jane", address: address) }
        }
    }

    @Test("a subject template that renders a control character is refused")
    func subjectInjection() throws {
        let composer = MessageComposer(sender: MailFixtures.sender)
        let to = try Mailbox(displayName: "", address: "jane@example.net")
        #expect(throws: MailError.self) {
            try composer.compose(id: UUID(), to: to, content: RenderedMail(subject: "Hi\r\nBcc: x@y.org", text: "", html: ""),
                                 date: MailFixtures.now)
        }
    }

    @Test("the reminder says how many days are left")
    func reminder() throws {
        let account = MailFixtures.account()
        let message = OutboxMessage.queued(.reminder, for: account.id, now: MailFixtures.now)
        let values = MailValues(firstName: "Jane", lastName: "Doe", username: "jdoe2026", link: "https://x/activate?token=t",
                                expiresAt: account.expiresAt, daysLeft: 3)
        let rendered = try MailTemplates().render(message.kind, values)
        #expect(rendered.subject == "Your activation link expires in 3 days")
        #expect(rendered.text.contains("3 days left"))
        #expect(rendered.text.contains("\nhttps://x/activate?token=t\n"))
    }

    @Test("the HTML part escapes every value as mustache's HTML content type does; text and subject do not")
    func htmlEscaping() throws {
        let values = MailValues(firstName: "Jo<b>&\"é'", lastName: "D'Oe", username: "jdoe2026",
                                link: "https://x/activate?token=t&x=<y>", expiresAt: MailFixtures.now, daysLeft: 3)
        let rendered = try MailTemplates().render(.activation, values)
        #expect(rendered.html.contains("Jo&lt;b&gt;&amp;&quot;é&#39;"))
        #expect(rendered.html.contains("https://x/activate?token=t&amp;x=&lt;y&gt;"))
        #expect(!rendered.html.contains("<b>"))
        #expect(rendered.text.contains("Jo<b>&\"é'"))
        #expect(FastHTMLContentType().escapeText("plain ünïcode") == "plain ünïcode")
        #expect(FastHTMLContentType().escapeText("e\u{301}&'") == "e\u{301}&amp;&#39;")
    }

    @Test("a template file in the operator's directory replaces the shipped one; others stay")
    func override() throws {
        let directory = try TemporaryDirectory()
        try "Welcome {{firstName}} & co\n".write(toFile: directory.path("activation.subject.mustache"),
                                                 atomically: true, encoding: .utf8)
        let templates = try MailTemplates(directory: directory.url.path)
        let values = MailValues(firstName: "Jane", lastName: "Doe", username: "jdoe2026", link: "https://x/a?token=t",
                                expiresAt: MailFixtures.now, daysLeft: 30)
        let rendered = templates.render(.activation, values)
        #expect(rendered.subject == "Welcome Jane & co", "one line, not HTML-escaped")
        #expect(rendered.text.contains("Hello Jane,"))
        try "{{#broken}}".write(toFile: directory.path("reminder.html.mustache"), atomically: true, encoding: .utf8)
        #expect(throws: MailError.self) { try MailTemplates(directory: directory.url.path) }
    }

    @Test("the link is <public_url>/activate?token= and the token verifies for the account")
    func link() throws {
        let account = MailFixtures.account()
        let link = try MailFixtures.factory().link(for: account)
        let prefix = "https://accounts.example.org/activate?token="
        #expect(link.hasPrefix(prefix))
        let token = try ActivationToken.verify(String(link.dropFirst(prefix.count)), keys: MailFixtures.keys,
                                               now: MailFixtures.now)
        #expect(token.accountID == account.id && token.nonce == account.nonce)
    }
}
