/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text whose lines end in CRLF.
enum QuotedPrintable {
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes `text`: every line break becomes CRLF, encoded lines are at most 76 characters
    /// (soft breaks `=` CRLF), trailing spaces are encoded, and a dot starting a line is encoded
    /// too, so the body never depends on the SMTP client's dot-stuffing.
    static func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = Lines.split(text)
        for (index, line) in lines.enumerated() {
            if index > 0 { out += [13, 10] }
            encodeLine(line, into: &out)
        }
        return out
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        var column = 0
        for position in line.indices {
            let byte = line[position]
            let isLast = position == line.index(before: line.endIndex)
            var literal: Bool
            switch byte {
            case 0x21...0x3C, 0x3E...0x7E: literal = true
            case 0x20, 0x09: literal = !isLast
            default: literal = false
            }
            // Leave room for the soft break's `=` unless this is the line's last token.
            if column + (literal ? 1 : 3) > (isLast ? 76 : 75) {
                out += [UInt8(ascii: "="), 13, 10]
                column = 0
            }
            if byte == UInt8(ascii: "."), column == 0 { literal = false }
            if literal {
                out.append(byte)
                column += 1
            } else {
                out += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                column += 3
            }
        }
    }
}

/// Splitting text into lines whatever its line endings (CRLF, LF or a lone CR).
enum Lines {
    /// The lines of `text`, without their line breaks.
    static func split(_ text: String) -> [ArraySlice<UInt8>] {
        let bytes = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13 || byte == 10 {
                lines.append(bytes[start..<index])
                index += (byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10) ? 2 : 1
                start = index
            } else {
                index += 1
            }
        }
        lines.append(bytes[start..<bytes.count])
        return lines
    }
}
