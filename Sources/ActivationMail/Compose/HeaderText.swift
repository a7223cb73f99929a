import Foundation

/// Header values: the check that keeps CR, LF and NUL out, RFC 2047 encoded words for text that is
/// not ASCII, and folding so that header lines stay within 78 characters where possible.
enum HeaderText {
    /// Longest encoded-text payload in bytes: 42 bytes are 56 base64 characters, so one encoded word
    /// (`=?UTF-8?B?…?=`, 68 characters) fits on a line after `Subject: `.
    private static let wordPayload = 42

    /// Whether `text` is free of control characters (C0, DEL, C1), so it cannot end a header early.
    static func isSafe(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}")
        }
    }

    /// Whether `text` is printable ASCII and has nothing a reader could take for an encoded word.
    private static func isPlain(_ text: String) -> Bool {
        text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && !text.contains("=?")
    }

    /// A display name as an RFC 5322 phrase: a quoted string when ASCII, else encoded words.
    static func phrase(_ name: String) -> String {
        guard isPlain(name) else { return encodedWords(name).joined(separator: "\r\n ") }
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// An unstructured value (Subject) for a header named `name`, folded at spaces, encoded when
    /// not ASCII.
    static func unstructured(_ text: String, headerName: String) -> String {
        guard isPlain(text) else { return encodedWords(text).joined(separator: "\r\n ") }
        var lines: [String] = []
        var line = ""
        var room = 78 - headerName.count - 2
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
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

    /// RFC 2047 `B` encoded words of at most `wordPayload` bytes each, split between characters
    /// so that no word ends inside a UTF-8 sequence.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > wordPayload {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }
}
