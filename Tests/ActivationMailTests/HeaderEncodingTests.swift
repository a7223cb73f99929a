import TestSupport
import ActivationCore
@testable import ActivationMail
import Foundation
import Testing

/// A small RFC 2047 reader for the two forms `HeaderText` writes: unfolds the value, then either
/// decodes its `=?UTF-8?B?…?=` words (the white space between two of them is not text, RFC 2047
/// §6.2) or reads a quoted string or plain text as it is.
enum EncodedWordReader {
    /// The encoded words of a folded value, or nil when it holds none.
    static func words(_ value: String) -> [String]? {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        guard unfolded.hasPrefix("=?") else { return nil }
        return unfolded.split(separator: " ").map(String.init)
    }

    /// The payload of one word, nil when the word is not `=?UTF-8?B?…?=` or its base64 is broken.
    static func payload(_ word: String) -> [UInt8]? {
        guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
              let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
        else { return nil }
        return Array(data)
    }

    /// The text of a folded value.
    static func decode(_ value: String) -> String? {
        guard let words = words(value) else {
            let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
            guard unfolded.hasPrefix("\""), unfolded.hasSuffix("\""), unfolded.count >= 2 else { return unfolded }
            return String(unfolded.dropFirst().dropLast()).replacingOccurrences(of: "\\\\", with: "\u{0}")
                .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\u{0}", with: "\\")
        }
        var bytes: [UInt8] = []
        for word in words {
            guard let payload = payload(word) else { return nil }
            bytes += payload
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

@Suite("RFC 2047 header encoding: any input, every line within 78")
struct HeaderEncodingTests {
    static let giantGrapheme = "a" + String(repeating: "\u{301}", count: 20_000)

    /// Inputs that once made lines or words too long, and ordinary ones.
    static let inputs: [String] = [
        "Jane", "Zoë Ångström", giantGrapheme, "Jane " + giantGrapheme + " Doe",
        String(repeating: "é", count: 2_000), String(repeating: "👩‍👩‍👧", count: 300),
        String(repeating: "e\u{301}\u{302}", count: 300), String(repeating: "日本語", count: 500),
        String(repeating: "x", count: 2_000), String(repeating: "word ", count: 400) + "end",
        "Activate your account " + String(repeating: "y", count: 80), "=?UTF-8?B?QQ==?= looks encoded",
        String(repeating: "\"\\", count: 60), "a" + String(repeating: "\u{1F3FB}", count: 5_000),
        String(repeating: "\u{E0041}", count: 1_000), String(repeating: "Ā", count: 64) + " " + String(repeating: "Ə", count: 64),
    ]

    /// Checks the header `name: value` as written: every line within 78, every encoded word
    /// within 75, each word whole UTF-8 on its own.
    static func checkLines(_ name: String, _ value: String, _ label: String) {
        let lines = (name + ": " + value).components(separatedBy: "\r\n")
        let long = lines.filter { $0.utf8.count > 78 }.map(\.utf8.count)
        #expect(long.isEmpty, "\(label): line lengths \(long)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") }, "folded lines start with a space")
        for word in EncodedWordReader.words(value) ?? [] where word.hasPrefix("=?") {
            #expect(word.utf8.count <= 75, "\(label): a word of \(word.utf8.count)")
            let payload = EncodedWordReader.payload(word)
            #expect(payload.flatMap { String(validating: $0, as: UTF8.self) } != nil,
                    "\(label): a word is not base64 of whole UTF-8 sequences")
        }
    }

    @Test("Subject: every line within 78, every word within 75, decodes back to the input", arguments: inputs)
    func subject(text: String) {
        let value = HeaderText.unstructured(text, headerName: "Subject")
        Self.checkLines("Subject", value, "subject of \(text.utf8.count) bytes")
        #expect(EncodedWordReader.decode(value) == text)
    }

    @Test("To: every line within 78, every word within 75, the name decodes back", arguments: inputs)
    func displayName(name: String) throws {
        let mailbox = try Mailbox(displayName: name, address: "jane@example.net")
        let value = mailbox.headerValue
        Self.checkLines("To", value, "name of \(name.utf8.count) bytes")
        #expect(value.hasSuffix("<jane@example.net>"))
        let phrase = String(value.dropLast("<jane@example.net>".count)).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(EncodedWordReader.decode(phrase) == name)
    }

    @Test("words end between graphemes where a grapheme fits in a word")
    func graphemesKept() {
        for text in [String(repeating: "e\u{301}\u{302}", count: 300), String(repeating: "👩‍👩‍👧", count: 300),
                     String(repeating: "ਗੁਰਪ੍ਰੀਤ ", count: 100)] {
            let words = EncodedWordReader.words(HeaderText.unstructured(text, headerName: "Subject")) ?? []
            let pieces = words.compactMap { EncodedWordReader.payload($0).flatMap { String(validating: $0, as: UTF8.self) } }
            #expect(pieces.count == words.count && words.count > 1)
            #expect(pieces.map(\.count).reduce(0, +) == text.count, "a grapheme split across two words")
        }
    }

    @Test("an address longer than a line gets a folded line of its own")
    func longAddress() throws {
        let address = String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 60) + ".example"
        let mailbox = try Mailbox(displayName: "Jane Doe", address: address)
        #expect(mailbox.headerValue == "\"Jane Doe\"\r\n <\(address)>")
        #expect(try Mailbox(displayName: "Jane Doe", address: "jane@example.net").headerValue
            == "\"Jane Doe\" <jane@example.net>")
    }

    @Test("a whole message with a giant name and subject: Python's strict parser reads both back, no line over 78")
    func pythonReadsBack() async throws {
        let directory = try TemporaryDirectory()
        let composer = MessageComposer(sender: try Mailbox(parsing: "Zoë Ångström-Łukasiewicz of the Accounts Office <no-reply@example.org>"))
        for (index, name) in Self.inputs.enumerated() {
            let subject = "Activate your account, " + name
            let bytes = try composer.compose(id: UUID(), to: try Mailbox(displayName: name, address: "jane@example.net"),
                                             content: RenderedMail(subject: subject, text: "Hello", html: "<p>Hello</p>"),
                                             date: MailFixtures.now)
            let text = String(decoding: bytes, as: UTF8.self)
            let head = try #require(text.components(separatedBy: "\r\n\r\n").first)
            let long = head.components(separatedBy: "\r\n").filter { $0.utf8.count > 78 }
            #expect(long.isEmpty, "input \(index): \(long.map(\.utf8.count))")
            let file = directory.path("message-\(index).eml")
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let parsed = try await ParsedMessage(file: file)
            #expect(parsed.defects.isEmpty, "input \(index): \(parsed.defects)")
            #expect(parsed.to_name_rfc2047 == name, "input \(index)")
            #expect(parsed.headers["Subject"] == subject, "input \(index)")
        }
    }
}
