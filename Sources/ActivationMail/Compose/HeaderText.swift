import Foundation

/// Header values: the check that keeps CR, LF and NUL out, RFC 2047 encoded words for text that is
/// not ASCII, and folding so that header lines stay within 78 characters where possible.
///
/// The checks and the ASCII forms work on UTF-8 bytes and append to the message being built; a
/// String is the same valid UTF-8 whatever its Characters, so byte tests give the same answers.
enum HeaderText {
    /// Longest encoded-text payload in bytes: 42 bytes are 56 base64 characters, so one encoded word
    /// (`=?UTF-8?B?…?=`, 68 characters) fits on a line after `Subject: `.
    private static let wordPayload = 42

    /// Whether `text` is free of control characters (C0, DEL, C1), so it cannot end a header early.
    /// Also refused: U+2028 and U+2029, which some readers take for line breaks.
    static func isSafe(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F { return false }
                // U+0080–U+009F are C2 80–C2 9F; U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) { return false }
                if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                   bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                    return false
                }
                index += 1
            }
            return true
        }
    }

    /// Whether `text` is printable ASCII and has nothing a reader could take for an encoded word.
    private static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            guard (0x20...0x7E).contains(byte), !(previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) else {
                return false
            }
            previous = byte
        }
        return true
    }

    /// A display name as an RFC 5322 phrase: a quoted string when ASCII, else encoded words.
    static func phrase(_ name: String) -> String {
        var bytes: [UInt8] = []
        append(phrase: name, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `phrase(name)`.
    static func append(phrase name: String, to out: inout [UInt8]) {
        var name = name
        let plain = name.withUTF8 { bytes in
            guard isPlain(bytes) else { return false }
            out.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
            return true
        }
        if !plain { append(encodedWords: name, to: &out) }
    }

    /// An unstructured value (Subject) for a header named `name`, folded at spaces, encoded when
    /// not ASCII.
    static func unstructured(_ text: String, headerName: String) -> String {
        var bytes: [UInt8] = []
        append(unstructured: text, headerName: headerName, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `unstructured(text, headerName:)`. Words are the runs between single spaces, so
    /// two spaces make an empty word; a line holds as many as fit in 78 columns (77 after the
    /// first), and an empty word at the start of a line adds nothing, not even its space.
    static func append(unstructured text: String, headerName: String, to out: inout [UInt8]) {
        var text = text
        let plain = text.withUTF8 { bytes in
            guard isPlain(bytes) else { return false }
            var room = 78 - headerName.count - 2
            var lineLength = 0
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: " ") { end += 1 }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if lineLength > 0, lineLength + 1 + word.count > room {
                    out.append(ascii: "\r\n ")
                    lineLength = 0
                    room = 77
                }
                if lineLength > 0 {
                    out.append(UInt8(ascii: " "))
                    lineLength += 1
                }
                out.append(contentsOf: word)
                lineLength += word.count
                start = end + 1
            }
            return true
        }
        if !plain { append(encodedWords: text, to: &out) }
    }

    /// Appends the encoded words of `text`, each on its own folded line.
    private static func append(encodedWords text: String, to out: inout [UInt8]) {
        for (index, word) in encodedWords(text).enumerated() {
            if index > 0 { out.append(ascii: "\r\n ") }
            out.append(contentsOf: word.utf8)
        }
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
