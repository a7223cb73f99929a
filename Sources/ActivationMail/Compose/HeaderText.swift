import Foundation

/// Header values: the check that keeps CR, LF and NUL out, RFC 2047 encoded words for text that is
/// not ASCII, and folding so that every header line we write stays within 78 characters.
///
/// The checks and the ASCII forms work on UTF-8 bytes and append to the message being built; a
/// String is the same valid UTF-8 whatever its Characters, so byte tests give the same answers.
///
/// Whatever the input, no line passes 78 characters (RFC 5322 §2.1.1's recommended limit; 998 is
/// the hard one a relay enforces with `500 Line too long`) and no encoded word passes 75 (RFC 2047
/// §2): text that cannot be folded at spaces within a line is written as encoded words, which
/// can be split anywhere between Unicode scalars. The one exception is an address longer than a
/// line, which cannot be folded at all; it gets a line of its own.
enum HeaderText {
    /// The longest line we write, without its CRLF.
    static let maximalLineLength = 78
    /// The longest encoded word, RFC 2047 §2.
    static let maximalWordLength = 75
    /// `=?UTF-8?B?` and `?=` around an encoded word's payload.
    private static let wordOverhead = 12

    /// The most payload bytes of an encoded word that starts at `column`: as many whole base64
    /// groups as keep the word within 75 characters and its line within 78 (42 bytes after
    /// `Subject: `, 45 on a folded line). Never under 6, so any scalar fits (at most 4 bytes);
    /// every header starts its first word well before that matters.
    static func payloadLimit(column: Int) -> Int {
        let room = min(maximalWordLength, maximalLineLength - column) - wordOverhead
        return max(6, room / 4 * 3)
    }

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

    /// A display name as an RFC 5322 phrase starting at `column`: a quoted string when it is ASCII
    /// and fits on the line, else encoded words.
    static func phrase(_ name: String, column: Int) -> String {
        var bytes: [UInt8] = []
        append(phrase: name, column: column, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `phrase(name, column:)`; returns the column where it ends.
    @discardableResult
    static func append(phrase name: String, column: Int, to out: inout [UInt8]) -> Int {
        var name = name
        let end: Int? = name.withUTF8 { bytes in
            guard isPlain(bytes) else { return nil }
            var quotedLength = 2
            for byte in bytes { quotedLength += byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 2 : 1 }
            // A quoted string is not folded: one too long for its line is written as encoded words.
            guard column + quotedLength <= maximalLineLength else { return nil }
            out.append(UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
            return column + quotedLength
        }
        return end ?? append(encodedWords: name, column: column, to: &out)
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
    /// first), and an empty word at the start of a line adds nothing, not even its space. A word
    /// too long for any line makes the whole value encoded words.
    static func append(unstructured text: String, headerName: String, to out: inout [UInt8]) {
        var text = text
        let firstRoom = maximalLineLength - headerName.utf8.count - 2
        let plain = text.withUTF8 { bytes in
            guard isPlain(bytes), fitsLines(bytes, firstRoom: firstRoom) else { return false }
            var room = firstRoom
            var lineLength = 0
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: " ") { end += 1 }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if lineLength > 0, lineLength + 1 + word.count > room {
                    out.append(ascii: "\r\n ")
                    lineLength = 0
                    room = maximalLineLength - 1
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
        if !plain { append(encodedWords: text, column: headerName.utf8.count + 2, to: &out) }
    }

    /// Whether every space-separated word fits on a line of its own: the first within `firstRoom`,
    /// the others within a folded line's 77 columns.
    private static func fitsLines(_ bytes: UnsafeBufferPointer<UInt8>, firstRoom: Int) -> Bool {
        var room = firstRoom
        var wordLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: " ") {
                room = maximalLineLength - 1
                wordLength = 0
            } else {
                wordLength += 1
                if wordLength > room { return false }
            }
        }
        return true
    }

    /// Appends the encoded words of `text`, the first at `column`, each other one on a folded line
    /// of its own; returns the column where the last ends.
    @discardableResult
    private static func append(encodedWords text: String, column: Int, to out: inout [UInt8]) -> Int {
        var column = column
        for (index, word) in encodedWords(text, column: column).enumerated() {
            if index > 0 {
                out.append(ascii: "\r\n ")
                column = 1
            }
            out.append(contentsOf: word.utf8)
            column += word.utf8.count
        }
        return column
    }

    /// RFC 2047 `B` encoded words of `text`, the first to start at `column` and the others at
    /// column 1 of a folded line, each carrying at most `payloadLimit(column:)` bytes.
    ///
    /// Words end between Characters where a Character fits; one that does not fit even in a word
    /// of its own (a letter with thousands of combining marks is one Character) is split between
    /// its scalars. So no word ends inside a UTF-8 sequence (RFC 2047 §5 wants whole characters in
    /// each word) and none passes the limit, whatever the input.
    static func encodedWords(_ text: String, column: Int) -> [String] {
        let foldedLimit = payloadLimit(column: 1)
        var limit = payloadLimit(column: column)
        var words: [String] = []
        var chunk: [UInt8] = []
        func endWord() {
            words.append(encodedWord(chunk))
            chunk = []
            limit = foldedLimit
        }
        for character in text {
            let bytes = character.utf8
            if chunk.count + bytes.count <= limit {
                chunk += bytes
                continue
            }
            if !chunk.isEmpty, bytes.count <= foldedLimit {
                endWord()
                chunk += bytes
                continue
            }
            for scalar in character.unicodeScalars {
                let scalarBytes = String(scalar).utf8
                if !chunk.isEmpty, chunk.count + scalarBytes.count > limit { endWord() }
                chunk += scalarBytes
            }
        }
        if !chunk.isEmpty || words.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?\(Data(bytes).base64EncodedString())?="
    }
}
