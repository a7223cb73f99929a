import ActivationCore
import ActivationMail
public import Foundation

extension FuzzTargets {
    private static let composer: MessageComposer = {
        guard let sender = try? Mailbox(parsing: "Accounts <accounts@example.org>") else {
            preconditionFailure("the fuzz sender is valid")
        }
        return MessageComposer(sender: sender)
    }()

    /// The headers every message has, once each, and no other.
    private static let headerNames = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
                                      "Auto-Submitted", "Content-Type"]

    /// The address validator, the mailbox parser, the header and RFC 2047 encoder and the message
    /// composer: a registration's names and address end up in the To header, its template's
    /// text in the Subject and the parts.
    ///
    /// The input is length-prefixed fields: a display name, an address, a subject and the text of
    /// the parts. Properties: the validator agrees with a plain reading of its rule; an address it
    /// accepts holds no byte that could end an SMTP command or a header; a composed message has
    /// no bare CR or LF, exactly the eight headers it writes (none smuggled in by input), header
    /// lines within 78 characters (bar a line of an over-long address alone), encoded words within
    /// 75 characters and whole UTF-8 sequences, a To display name and a Subject that decode back
    /// to the input, and exactly its three boundary lines.
    public static func mailHeader(_ data: Data) throws {
        let target = "mail-header"
        var input = FuzzInput(data)
        let name = input.field()
        let address = input.field()
        let subject = input.field()
        let body = input.rest()

        let valid = EmailAddress.isValid(address)
        try require(valid == MailProperties.isValidAddressByRule(address), target,
                    "the address validator agrees with its rule")
        if valid {
            try require(address.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") },
                        target, "an accepted address is printable ASCII without spaces or angle brackets")
        }
        if let parsed = try? Mailbox(parsing: name) {
            try require(EmailAddress.isValid(parsed.address), target, "a parsed mailbox has a valid address")
        }

        let recipient: Mailbox
        do {
            recipient = try Mailbox(displayName: name, address: address)
        } catch {
            return
        }
        let message: [UInt8]
        do {
            message = try composer.compose(id: UUID(uuid: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)),
                                           to: recipient, content: RenderedMail(subject: subject, text: body, html: body),
                                           date: Date(timeIntervalSince1970: 1_764_000_000))
        } catch {
            return
        }
        try MailProperties.check(message, displayName: name, address: address, subject: subject,
                                 headerNames: headerNames)
        fuzzSink(message)
    }
}

/// The properties of a composed message, separate from the target so that the tests can show
/// each of them failing on a message that breaks it.
public enum MailProperties {
    /// Checks `message` (see `FuzzTargets.mailHeader`); throws the first property broken.
    public static func check(_ message: [UInt8], displayName: String, address: String, subject: String,
                             headerNames: [String]) throws {
        let target = "mail-header"
        // CRLF only.
        for (index, byte) in message.enumerated() {
            if byte == 0x0D { try require(index + 1 < message.count && message[index + 1] == 0x0A, target, "no bare CR") }
            if byte == 0x0A { try require(index > 0 && message[index - 1] == 0x0D, target, "no bare LF") }
        }
        let text = String(decoding: message, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { throw PropertyViolation(target, "the header ends") }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        // Unfold into fields, each field's name counted.
        var fields: [(name: String, value: String)] = []
        for line in lines {
            // The exception: an address too long for a line, alone after its field name or fold.
            try require(line.utf8.count <= 78 || line == " <\(address)>" || line == "To: <\(address)>", target,
                        "header lines are within 78 characters")
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                try require(!fields.isEmpty, target, "a folded line follows a field")
                fields[fields.count - 1].value += line
            } else {
                guard let colon = line.firstIndex(of: ":") else {
                    throw PropertyViolation(target, "every header line is a field or a folded line")
                }
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        try require(fields.map(\.name).sorted() == headerNames.sorted(), target,
                    "exactly the composer's headers, once each (nothing smuggled in)")
        for field in fields {
            for word in encodedWords(in: field.value) {
                try require(word.utf8.count <= 75, target, "encoded words are within 75 characters")
                guard let payload = decodeWord(word) else {
                    throw PropertyViolation(target, "encoded words are B-encoded UTF-8")
                }
                try require(String(validating: payload, as: UTF8.self) != nil, target,
                            "each encoded word holds whole UTF-8 sequences")
            }
        }
        if let subjectField = fields.first(where: { $0.name == "Subject" }) {
            // Plain text keeps its words, not every space: a fold, and the start of the value, drop
            // the spaces of a run there (by design); encoded words must give back every byte.
            let decoded = decodeUnstructured(subjectField.value)
            try require(decoded == subject || (!decoded.contains("=?") && collapsed(decoded) == collapsed(subject)), target,
                        "the Subject decodes back to its input")
        }
        if let to = fields.first(where: { $0.name == "To" }) {
            var value = to.value.trimmingCharacters(in: .whitespaces)
            let addressPart = "<\(address)>"
            try require(value.hasSuffix(addressPart), target, "To ends with the address in angle brackets")
            value = String(value.dropLast(addressPart.utf8.count)).trimmingCharacters(in: .whitespaces)
            try require(decodePhrase(value) == displayName, target, "the To display name decodes back to its input")
        }
        // The boundary: two part lines and the closing one, never in a part's encoded text.
        let boundary = "--=_activationd_01020304-0506-0708-090a-0b0c0d0e0f10"
        let bodyLines = text[end.upperBound...].components(separatedBy: "\r\n")
        try require(bodyLines.filter { $0.hasPrefix(boundary) }.count == 3, target, "exactly three boundary lines")
        for line in bodyLines {
            try require(line.utf8.count <= 78, target, "body lines are within 78 characters")
        }
    }

    /// Whether `address` is `local@domain` by the rule EmailAddress documents, read plainly.
    public static func isValidAddressByRule(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard (1...64).contains(local.count), atoms.allSatisfy({ !$0.isEmpty && $0.allSatisfy(atext.contains) })
        else { return false }
        let ldh = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".utf8)
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return (1...255).contains(domain.count) && labels.count >= 2 && labels.allSatisfy { label in
            (1...63).contains(label.count) && label.allSatisfy(ldh.contains)
                && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
        }
    }

    /// Runs of spaces as one, none at either end: what a reader makes of folded plain text.
    static func collapsed(_ text: String) -> String {
        text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// The `=?UTF-8?B?…?=` words of a header value.
    static func encodedWords(in value: String) -> [String] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            .filter { $0.hasPrefix("=?") && $0.hasSuffix("?=") }
    }

    /// The bytes of one encoded word, nil unless it is a well-formed UTF-8 B word.
    static func decodeWord(_ word: String) -> [UInt8]? {
        let prefix = "=?UTF-8?B?"
        guard word.hasPrefix(prefix), word.hasSuffix("?="), word.utf8.count >= prefix.utf8.count + 2 else { return nil }
        let payload = String(word.dropFirst(prefix.count).dropLast(2))
        return Data(base64Encoded: payload).map(Array.init)
    }

    /// An unstructured value after unfolding (RFC 5322 §2.2.3) and decoding (RFC 2047 §6.2: the
    /// space between two adjacent encoded words is dropped).
    static func decodeUnstructured(_ value: String) -> String {
        let tokens = value.split(separator: " ", omittingEmptySubsequences: false).map(String.init).dropFirst()
        var out: [UInt8] = []
        var previousEncoded = false
        for (index, token) in tokens.enumerated() {
            if let bytes = decodeWord(token), token.hasPrefix("=?") {
                out += bytes
                previousEncoded = true
            } else {
                if index > 0, !(previousEncoded && token.isEmpty) { out.append(UInt8(ascii: " ")) }
                out += token.utf8
                previousEncoded = false
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A display name: a quoted string unescaped, or encoded words decoded.
    static func decodePhrase(_ value: String) -> String {
        if value.hasPrefix("\""), value.hasSuffix("\""), value.utf8.count >= 2 {
            var out = ""
            var escaped = false
            for character in value.dropFirst().dropLast() {
                if !escaped, character == "\\" { escaped = true; continue }
                escaped = false
                out.append(character)
            }
            return out
        }
        var out: [UInt8] = []
        for word in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard let bytes = decodeWord(String(word)) else { return "\u{FFFD}not a phrase" }
            out += bytes
        }
        return String(decoding: out, as: UTF8.self)
    }
}
