import TestSupport
import ActivationCore
import ActivationMail
import Foundation
import Testing

/// Parses a message with Python's email package under policy=email.policy.strict and prints what
/// the test checks, as JSON. smtp-sink's own X-* records at the top of a dump are set aside.
/// `to_name_rfc2047` is the To display name decoded by `email.header` as RFC 2047 §6.2 says (white
/// space between two encoded words is not text); `to_name` comes from the newer header registry,
/// which keeps a space there in a phrase, so it is right only for a name that fits one word.
let parseScript = #"""
import sys, json, re, email, email.policy
from email.header import decode_header, make_header
raw = open(sys.argv[1], "rb").read()
lines = raw.split(b"\n")
envelope = [l.decode() for l in lines if l.startswith((b"X-Mail-Args:", b"X-Rcpt-Args:"))]
while lines and lines[0].startswith((b"X-Client-", b"X-Helo-Args:", b"X-Mail-Args:", b"X-Rcpt-Args:")):
    lines.pop(0)
message = email.message_from_bytes(b"\n".join(lines), policy=email.policy.strict)
text = message.get_body(("plain",))
html = message.get_body(("html",))
raw_to = dict(message.raw_items())["To"]
raw_phrase = re.sub(r"\s*<[^<>]*>\s*$", "", raw_to)
to_name_rfc2047 = (str(make_header(decode_header(raw_phrase))) if raw_phrase.startswith("=?")
                   else message["To"].addresses[0].display_name)
print(json.dumps({
    "to_name_rfc2047": to_name_rfc2047,
    "envelope": envelope,
    "headers": {k: str(v) for k, v in message.items()},
    "to_name": message["To"].addresses[0].display_name,
    "to_address": message["To"].addresses[0].addr_spec,
    "from_address": message["From"].addresses[0].addr_spec,
    "content_type": message.get_content_type(),
    "defects": [str(d) for d in message.defects] + [str(d) for p in message.walk() for d in p.defects],
    "parts": [p.get_content_type() for p in message.iter_parts()],
    "text": text.get_content(), "html": html.get_content(),
    "charsets": [p.get_content_charset() for p in message.iter_parts()],
}))
"""#

struct ParsedMessage: Decodable {
    let envelope: [String]
    let headers: [String: String]
    let to_name: String
    let to_name_rfc2047: String
    let to_address: String
    let from_address: String
    let content_type: String
    let defects: [String]
    let parts: [String]
    let text: String
    let html: String
    let charsets: [String]

    init(file: String) async throws {
        let (status, output) = try await runPython(parseScript, arguments: [file])
        guard status == 0 else { throw ServerError(description: "python: \(output)") }
        self = try JSONDecoder().decode(ParsedMessage.self, from: Data(output.utf8))
    }
}

@Suite("Delivery to smtp-sink, parsed back")
struct DeliveryTests {
    @Test("a delivered activation mail has every header, both parts, the exact link and a non-ASCII name")
    func delivered() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", directory.path("dump.")], directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1,
                                                                   timeout: .seconds(5)))
        let account = MailFixtures.account(first: "Zoë", last: "Ångström", email: "zoe@example.net")
        let message = OutboxMessage.queued(.activation, for: account.id, now: MailFixtures.now)
        let factory = MailFixtures.factory()
        let mail = try factory.mail(for: message, account: account, now: MailFixtures.now)
        let result = await transport.send(mail.bytes, envelope: mail.envelope)
        await transport.shutdown()
        #expect(result.status == .sent, "\(result.reply)")
        #expect(result.reply.hasPrefix("250 "))

        let dumps = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.hasPrefix("dump.") }
        let dump = try #require(dumps.first)
        let parsed = try await ParsedMessage(file: directory.path(dump))
        #expect(parsed.defects.isEmpty, "\(parsed.defects)")
        #expect(parsed.envelope.contains { $0.contains("no-reply@example.org") })
        #expect(parsed.envelope.contains { $0.contains("zoe@example.net") })
        let link = try factory.link(for: account)
        #expect(parsed.headers["Date"] == "Fri, 15 Jan 2027 08:00:00 +0000")
        #expect(parsed.headers["Message-ID"] == mail.messageID)
        #expect(parsed.headers["Subject"] == "Activate your account jdoe2026")
        #expect(parsed.headers["MIME-Version"] == "1.0")
        #expect(parsed.headers["Auto-Submitted"] == "auto-generated")
        #expect(parsed.from_address == "no-reply@example.org")
        #expect(parsed.to_name == "Zoë Ångström")
        #expect(parsed.to_address == "zoe@example.net")
        #expect(parsed.content_type == "multipart/alternative")
        #expect(parsed.parts == ["text/plain", "text/html"])
        #expect(parsed.charsets == ["utf-8", "utf-8"])
        #expect(parsed.text.hasPrefix("Hello Zoë,\n"))
        #expect(parsed.text.components(separatedBy: "\n").contains(link), "the link alone on its own line")
        #expect(parsed.text.contains("14 February 2027"), "the expiry date")
        #expect(parsed.text.contains("If you did not register"))
        #expect(parsed.html.contains("href=\"\(link)\""))
        #expect(parsed.html.contains("Hello Zoë,"))
    }

    @Test("long non-ASCII names reach a relay that enforces RFC 5321's line limit: delivered, every line within limits")
    func longNames() async throws {
        let directory = try TemporaryDirectory()
        let server = try await AioSMTPServer.start(mode: "plain", auth: false, directory: directory)
        defer { server.stop() }
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(server.port)", connections: 1,
                                                                   timeout: .seconds(10)))
        let names = [
            // The longest names the rule lets in, in two- and three-byte letters.
            (String(repeating: "Ŋ", count: 64), String(repeating: "語", count: 64)),
            // One grapheme of 20,000 combining marks: 40 KB in one "character" (a row stored before the rule).
            ("a" + String(repeating: "\u{301}", count: 20_000), "Doe"),
        ]
        let factory = MailFixtures.factory()
        for (index, (first, last)) in names.enumerated() {
            let account = MailFixtures.account(first: first, last: last, email: "user\(index)@example.net")
            let message = OutboxMessage.queued(.activation, for: account.id, now: MailFixtures.now)
            let mail = try factory.mail(for: message, account: account, now: MailFixtures.now)
            let result = await transport.send(mail.bytes, envelope: mail.envelope)
            #expect(result.status == .sent, "\(index): \(result.reply)")
            let file = directory.path("mail-\(index + 1).eml")
            let raw = try #require(FileManager.default.contents(atPath: file), "\(index): nothing delivered")
            // Split on bytes: as a String, CR LF is one Character and "\n" would not split it.
            let lines = raw.split(separator: 0x0A, omittingEmptySubsequences: false)
                .map { String(decoding: $0.last == 0x0D ? $0.dropLast() : $0, as: UTF8.self) }
            let headerLines = lines.prefix { !$0.isEmpty }
            let long = lines.enumerated().filter { $0.element.utf8.count > 998 }.map { ($0.offset, $0.element.prefix(40)) }
            #expect(long.isEmpty, "\(index): \(long)")
            #expect(headerLines.allSatisfy { $0.utf8.count <= 78 }, "\(headerLines.map(\.utf8.count).filter { $0 > 78 })")
            let parsed = try await ParsedMessage(file: file)
            #expect(parsed.defects.isEmpty, "\(parsed.defects)")
            #expect(parsed.to_name_rfc2047 == "\(first) \(last)")
            // aiosmtpd files the message with CRLF, which Python's parser keeps in the content.
            #expect(parsed.text.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix("Hello \(first),\n"))
        }
        await transport.shutdown()
    }

    @Test("a line of dots and a bare LF in a template reach the recipient intact")
    func dotsAndLineEnds() async throws {
        let directory = try TemporaryDirectory()
        let sink = try await ServerProcess.smtpSink(options: ["-d", directory.path("dump.")], directory: directory)
        let port = sink.port
        defer { sink.stop() }
        let transport = try CurlSMTPTransport(options: SMTPOptions(url: "smtp://127.0.0.1:\(port)", connections: 1))
        let composer = MessageComposer(sender: MailFixtures.sender)
        let to = try Mailbox(displayName: "", address: "jane@example.net")
        let text = "first\n.\nlast line\r\n..\rend"
        let bytes = try composer.compose(id: UUID(), to: to, content: RenderedMail(subject: "dots", text: text, html: "<p>.</p>"),
                                         date: MailFixtures.now)
        let result = await transport.send(bytes, envelope: try SMTPEnvelope(sender: "no-reply@example.org",
                                                                             recipients: ["jane@example.net"]))
        await transport.shutdown()
        #expect(result.status == .sent)
        let dump = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.url.path)
            .first { $0.hasPrefix("dump.") })
        let parsed = try await ParsedMessage(file: directory.path(dump))
        #expect(parsed.text.trimmingCharacters(in: .newlines) == "first\n.\nlast line\n..\nend")
    }
}
