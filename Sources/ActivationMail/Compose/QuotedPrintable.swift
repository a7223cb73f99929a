/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text whose lines end in CRLF.
///
/// One pass over the bytes, written straight into room reserved at the end of the caller's
/// buffer for the longest possible output: the per-line slices and the three-element arrays the
/// first version appended were a tenth of the time to compose a mail.
enum QuotedPrintable {
    /// Encodes `text`: every line break becomes CRLF, encoded lines are at most 76 characters
    /// (soft breaks `=` CRLF), trailing spaces are encoded, and a dot starting a line is encoded
    /// too, so the body never depends on the SMTP client's dot-stuffing.
    static func encode(_ text: String) -> [UInt8] {
        var text = text
        var out: [UInt8] = []
        text.withUTF8 { encode($0, into: &out) }
        return out
    }

    /// The most bytes `encode` writes for `count` input bytes: three per byte, and a soft break
    /// (three bytes) at most once per 25 input bytes, because a soft break comes only when the
    /// line already holds 73 columns or more and one byte adds at most three.
    static func maximalLength(_ count: Int) -> Int {
        3 * count + 3 * (count / 25) + 3
    }

    /// Appends the encoding of `input` (line breaks CRLF, LF or a lone CR) to `out`.
    ///
    /// Bytes that are copied as they are go in runs, one copy per run: a run ends before a byte
    /// to encode, before the last byte of a line (whose rules differ), or where the line would
    /// need a soft break.
    static func encode(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let count = input.count
        guard count > 0 else { return }
        out.append(addingCapacity: maximalLength(count)) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                var writer = Writer(buffer: buffer, count: initialized)
                encode(input, with: &writer)
                initialized = writer.count
            }
        }
    }

    private static func encode(_ input: UnsafeBufferPointer<UInt8>, with out: inout Writer) {
        let count = input.count
        var column = 0
        var index = 0
        while index < count {
            let byte = input[index]
            if byte == 13 || byte == 10 {
                out.write(13, 10)
                column = 0
                index += byte == 13 && index + 1 < count && input[index + 1] == 10 ? 2 : 1
                continue
            }
            if isRunByte(byte), byte != UInt8(ascii: ".") || column > 0 {
                // A literal that is not last on its line needs a soft break first at column 75.
                let limit = min(count, index + 75 - column)
                var end = index
                // Eight bytes at a time while they are all printable ASCII but `=`.
                if let base = input.baseAddress {
                    while limit - end >= 8, isRun(UnsafeRawPointer(base + end).loadUnaligned(as: UInt64.self)) {
                        end += 8
                    }
                }
                while end < limit, isRunByte(input[end]) { end += 1 }
                if end == count || input[end] == 13 || input[end] == 10 { end -= 1 }
                if end > index {
                    out.write(UnsafeBufferPointer(rebasing: input[index..<end]))
                    column += end - index
                    index = end
                    continue
                }
            }
            let next = index + 1
            let isLast = next == count || input[next] == 13 || input[next] == 10
            var literal: Bool
            switch byte {
            case 0x21...0x3C, 0x3E...0x7E: literal = true
            case 0x20, 0x09: literal = !isLast
            default: literal = false
            }
            // Leave room for the soft break's `=` unless this is the line's last token.
            if column + (literal ? 1 : 3) > (isLast ? 76 : 75) {
                out.write(UInt8(ascii: "="), 13, 10)
                column = 0
            }
            if byte == UInt8(ascii: "."), column == 0 { literal = false }
            if literal {
                out.write(byte)
                column += 1
            } else {
                out.write(UInt8(ascii: "="), hexDigit(byte >> 4), hexDigit(byte & 0x0F))
                column += 3
            }
            index = next
        }
    }

    /// Whether all eight bytes of `word` are printable ASCII but `=`, as `isRunByte` takes them
    /// (tab aside, which the byte loop after takes). The three tests are the exact "has a byte
    /// less than n", "has a byte with the high bit" and "has a zero byte" word tricks.
    @inline(__always)
    private static func isRun(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let deleteOrHigh = (((word & ~highs) &+ ones) | word) & highs
        let xorEquals = word ^ (ones &* UInt64(UInt8(ascii: "=")))
        let equals = (xorEquals &- ones) & ~xorEquals & highs
        return (control | deleteOrHigh | equals) == 0
    }

    /// Writes into the bytes reserved by `maximalLength`, checking every write against their end:
    /// by that bound no write ever fails, and the check turns a mistake in it into a trap rather
    /// than a write past the buffer.
    private struct Writer {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count: Int

        @inline(__always)
        mutating func write(_ byte: UInt8) {
            precondition(count < buffer.count, "quoted-printable output longer than its bound")
            buffer[count] = byte
            count += 1
        }

        @inline(__always)
        mutating func write(_ first: UInt8, _ second: UInt8) {
            precondition(buffer.count - count >= 2, "quoted-printable output longer than its bound")
            buffer[count] = first
            buffer[count + 1] = second
            count += 2
        }

        @inline(__always)
        mutating func write(_ first: UInt8, _ second: UInt8, _ third: UInt8) {
            precondition(buffer.count - count >= 3, "quoted-printable output longer than its bound")
            buffer[count] = first
            buffer[count + 1] = second
            buffer[count + 2] = third
            count += 3
        }

        @inline(__always)
        mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress, let base = buffer.baseAddress else { return }
            precondition(buffer.count - count >= bytes.count, "quoted-printable output longer than its bound")
            (base + count).initialize(from: source, count: bytes.count)
            count += bytes.count
        }
    }

    /// Whether `byte` is copied as it is when it is not the last of its line: printable ASCII
    /// but `=`, space and tab.
    @inline(__always)
    private static func isRunByte(_ byte: UInt8) -> Bool {
        (byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "=")) || byte == 0x09
    }

    /// The upper-case hex digit of `nibble` (0–15).
    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x37 + nibble
    }
}
