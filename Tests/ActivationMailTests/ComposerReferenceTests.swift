import TestSupport
import ActivationCore
@testable import ActivationMail
import Foundation
import Testing

/// The header, date and message code as first written, on Strings: the references the byte
/// writers must match byte for byte.
enum Reference {
    static func isSafe(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}")
        }
    }

    static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !text.contains("=?")
    }

    static func phrase(_ name: String, column: Int) -> String {
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted += "\""
        guard isPlain(name), column + quoted.utf8.count <= 78 else {
            return HeaderText.encodedWords(name, column: column).joined(separator: "\r\n ")
        }
        return quoted
    }

    static func unstructured(_ text: String, headerName: String) -> String {
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        let first = 78 - headerName.count - 2
        guard isPlain(text), (words.first?.count ?? 0) <= first, words.dropFirst().allSatisfy({ $0.count <= 77 }) else {
            return HeaderText.encodedWords(text, column: headerName.count + 2).joined(separator: "\r\n ")
        }
        var lines: [String] = []
        var line = ""
        var room = first
        for word in words {
            if !line.isEmpty, line.count + 1 + word.count > room {
                lines.append(line)
                line = ""
                room = 77
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        lines.append(line)
        return lines.joined(separator: "\r\n ")
    }

    /// The mailbox after a header name of `column - 2` characters and `: `.
    static func headerValue(_ mailbox: Mailbox, column: Int = 4) -> String {
        guard !mailbox.displayName.isEmpty else { return "<\(mailbox.address)>" }
        let phrase = phrase(mailbox.displayName, column: column)
        let lastLine = (String(repeating: "x", count: column) + phrase).components(separatedBy: "\r\n").last ?? ""
        let separator = lastLine.utf8.count + 1 + mailbox.address.utf8.count + 2 > 78 ? "\r\n " : " "
        return phrase + separator + "<\(mailbox.address)>"
    }

    static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                             "October", "November", "December"]

    static func format(_ date: Date) -> String {
        let c = components(date)
        return "\(days[c.weekday]), \(c.day) \(months[c.month - 1]) \(c.year) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    static func human(_ date: Date) -> String {
        let c = components(date)
        return "\(c.day) \(monthNames[c.month - 1]) \(c.year) at \(two(c.hour)):\(two(c.minute)) UTC"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The calendar arithmetic did not change; only how the text is written did.
    static func components(_ date: Date)
        -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int)
    {
        RFC5322Date.components(date)
    }

    /// `MessageComposer.compose` as it was, String by String.
    static func compose(sender: Mailbox, id: UUID, to recipient: Mailbox, content: RenderedMail, date: Date) -> [UInt8]? {
        guard isSafe(content.subject) else { return nil }
        let boundary = "=_activationd_\(id.uuidString.lowercased())"
        var head = "Date: \(format(date))\r\n"
        head += "From: \(headerValue(sender, column: 6))\r\n"
        head += "To: \(headerValue(recipient))\r\n"
        head += "Subject: \(unstructured(content.subject, headerName: "Subject"))\r\n"
        head += "Message-ID: <\(id.uuidString.lowercased())@\(sender.domain)>\r\n"
        head += "MIME-Version: 1.0\r\n"
        head += "Auto-Submitted: auto-generated\r\n"
        head += "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n"
        head += "\r\n"
        var bytes = Array(head.utf8)
        for (body, type) in [(content.text, "text/plain"), (content.html, "text/html")] {
            bytes += Array("--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\n".utf8)
            bytes += Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
            bytes += ReferenceQuotedPrintable.encode(Array(body.utf8))
            bytes += [13, 10]
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return bytes
    }
}

@Suite("Composition against the String references")
struct ComposerReferenceTests {
    static func random(_ pieces: [String], upTo count: Int, _ generator: inout SplitMix) -> String {
        (0..<Int(generator.next() % UInt64(count + 1))).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
            .joined()
    }

    static let namePieces = ["J", "ane", " ", "  ", "\"", "\\", "=", "?", "=?", "é", "e\u{301}", "日本", "👩‍👩‍👧", "\t",
                             "\u{7F}", "\u{80}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{2027}", "\r\n", "\0",
                             String(repeating: "w", count: 30), "-", "."]

    @Test("header checks and forms: the byte versions agree with the String versions")
    func headers() async {
        var generator = SplitMix(seed: 5)
        for round in 0..<2000 {
            if round % 100 == 0 { await Task.yield() }
            let text = Self.random(Self.namePieces, upTo: 12, &generator)
            #expect(HeaderText.isSafe(text) == Reference.isSafe(text), "\(text.debugDescription)")
            #expect(HeaderText.phrase(text, column: 4) == Reference.phrase(text, column: 4), "\(text.debugDescription)")
            #expect(HeaderText.unstructured(text, headerName: "Subject") == Reference.unstructured(text, headerName: "Subject"))
            #expect(HeaderText.unstructured(text, headerName: "X") == Reference.unstructured(text, headerName: "X"))
        }
        let words = Self.random(["word", " ", "  ", String(repeating: "x", count: 80)], upTo: 60, &generator)
        #expect(HeaderText.unstructured(words, headerName: "Subject") == Reference.unstructured(words, headerName: "Subject"))
    }

    @Test("dates and UUIDs: the byte writers agree with the String versions")
    func datesAndIDs() async {
        var generator = SplitMix(seed: 9)
        for round in 0..<2000 {
            if round % 100 == 0 { await Task.yield() }
            let seconds = Double(Int64(bitPattern: generator.next()) % 20_000_000_000) + Double(generator.next() % 1000) / 1000
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RFC5322Date.format(date) == Reference.format(date))
            #expect(RFC5322Date.human(date) == Reference.human(date))
            let id = UUID()
            #expect(id.lowercasedText == id.uuidString.lowercased())
            let value = Int(truncatingIfNeeded: generator.next()) >> Int(generator.next() % 64)
            var bytes: [UInt8] = []
            bytes.append(decimal: value)
            #expect(String(decoding: bytes, as: UTF8.self) == "\(value)")
        }
        for value in [0, 1, 9, 10, 99, 100, 101, 999_999, Int.max, -1, -10, Int.min] {
            var bytes: [UInt8] = []
            bytes.append(decimal: value)
            #expect(String(decoding: bytes, as: UTF8.self) == "\(value)")
        }
    }

    @Test("whole messages: compose agrees with the String composer")
    func messages() async throws {
        var generator = SplitMix(seed: 13)
        let bodyPieces = ["a", "word ", " ", "\t", "\r", "\n", "\r\n", ".", "..", "=", "é", "日", "\0", "<p>", "&amp;",
                          String(repeating: "long", count: 25), "  \n", "\t\r\n"]
        let senders = [MailFixtures.sender, try Mailbox(parsing: "ops@Example.ORG"), try Mailbox(parsing: "\"Zoë\" <z@b.co>")]
        for index in 0..<500 {
            if index % 50 == 0 { await Task.yield() }
            let sender = senders[index % senders.count]
            let composer = MessageComposer(sender: sender)
            let name = Self.random(["Jane", " ", "Doe", "\"", "\\", "é", "=?"], upTo: 6, &generator)
            let recipient = try Mailbox(displayName: name, address: "r\(index)@example.net")
            let content = RenderedMail(subject: Self.random(Self.namePieces, upTo: 14, &generator),
                                       text: Self.random(bodyPieces, upTo: 120, &generator),
                                       html: Self.random(bodyPieces, upTo: 120, &generator))
            let id = UUID()
            let date = Date(timeIntervalSince1970: Double(generator.next() % 4_000_000_000))
            let expected = Reference.compose(sender: sender, id: id, to: recipient, content: content, date: date)
            let composed = try? composer.compose(id: id, to: recipient, content: content, date: date)
            #expect(composed == expected, "\(content)")
            #expect(composer.messageID(for: id) == "<\(id.uuidString.lowercased())@\(sender.domain)>")
            #expect(recipient.headerValue == Reference.headerValue(recipient))
        }
    }
}
