/// RFC 6376 3.4.2 and 3.4.4: the "relaxed" canonicalisation of header fields and of the body,
/// on the bytes of a composed message (CRLF line endings).
enum DKIMCanonicalization {
    /// One header field of a message: its name and the whole field as it stands, folding included,
    /// without the final CRLF.
    struct Field {
        let name: [UInt8]
        let raw: ArraySlice<UInt8>
    }

    /// The header fields and the offset where the body starts (after the empty line).
    static func split(_ message: [UInt8]) -> (fields: [Field], bodyStart: Int) {
        var fields: [Field] = []
        var start = 0
        var index = 0
        let count = message.count
        while index + 1 < count {
            guard message[index] == 0x0D, message[index + 1] == 0x0A else {
                index += 1
                continue
            }
            let next = index + 2
            if index == start {
                // The empty line: the header ends.
                return (fields, next)
            }
            if next < count, message[next] == 0x20 || message[next] == 0x09 {
                // A folded line continues the field.
                index = next
                continue
            }
            let raw = message[start..<index]
            let colon = raw.firstIndex(of: UInt8(ascii: ":")) ?? index
            fields.append(Field(name: Array(message[start..<colon]), raw: raw))
            start = next
            index = next
        }
        return (fields, count)
    }

    /// `name:value` CRLF, relaxed: the name in lower case, the value unfolded, each run of
    /// spaces and tabs one space, none at either end.
    static func header(_ raw: ArraySlice<UInt8>, crlf: Bool = true, into out: inout [UInt8]) {
        let colon = raw.firstIndex(of: UInt8(ascii: ":")) ?? raw.endIndex
        var nameEnd = colon
        while nameEnd > raw.startIndex, isSpace(raw[nameEnd - 1]) { nameEnd -= 1 }
        for byte in raw[raw.startIndex..<nameEnd] {
            out.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
        }
        out.append(UInt8(ascii: ":"))
        var pendingSpace = false
        var started = false
        var index = colon < raw.endIndex ? colon + 1 : colon
        while index < raw.endIndex {
            let byte = raw[index]
            index += 1
            if byte == 0x0D || byte == 0x0A || isSpace(byte) {
                // Unfolding removes CRLF; the whitespace that follows it is a run like any other.
                if byte != 0x0D && byte != 0x0A { pendingSpace = started }
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            started = true
            out.append(byte)
        }
        if crlf { out.append(contentsOf: [0x0D, 0x0A]) }
    }

    /// The relaxed body: each run of spaces and tabs one space, none at line ends, no empty lines
    /// at the end, and a final CRLF when anything is left.
    static func body(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 2)
        var pendingSpace = false
        // Where `out` ends when the empty lines at its end are dropped.
        var contentEnd = 0
        var lineHasText = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if isSpace(byte) {
                pendingSpace = true
                continue
            }
            if byte == 0x0D, index < bytes.endIndex, bytes[index] == 0x0A {
                index += 1
                // Whitespace at the end of a line is dropped.
                pendingSpace = false
                out.append(contentsOf: [0x0D, 0x0A])
                if lineHasText { contentEnd = out.count }
                lineHasText = false
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
            lineHasText = true
        }
        if lineHasText {
            // A last line without CRLF gets one.
            out.append(contentsOf: [0x0D, 0x0A])
            contentEnd = out.count
        }
        out.removeSubrange(contentEnd...)
        return out
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
