import TestSupport
@testable import ActivationMail
import Testing


/// The encoder as it was first written, line by line and byte by byte: the reference the
/// one-pass encoder must match byte for byte.
enum ReferenceQuotedPrintable {
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for (index, line) in split(bytes).enumerated() {
            if index > 0 { out += [13, 10] }
            encodeLine(line, into: &out)
        }
        return out
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
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

    private static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
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

@Suite("Quoted-printable")
struct QuotedPrintableTests {
    /// Random bytes weighted towards what matters: line breaks, blanks, dots, `=`, long printable
    /// runs (which the encoder copies eight bytes at a time), control and non-ASCII bytes.
    static func randomBytes(count: Int, using generator: inout SplitMix) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            switch generator.next() % 16 {
            case 0: bytes.append(13)
            case 1: bytes.append(10)
            case 2: bytes += [13, 10]
            case 3: bytes.append(0x20)
            case 4: bytes.append(0x09)
            case 5: bytes.append(UInt8(ascii: "."))
            case 6: bytes.append(UInt8(ascii: "="))
            case 7: bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            case 8: bytes += Array("é日".utf8)
            case 9: bytes.append([0x00, 0x7F, 0x1F, 0x7E, 0x21, 0x3C, 0x3E, 0x80, 0xFF][Int(generator.next() % 9)])
            default:
                let run = Int(generator.next() % 90)
                bytes += (0..<run).map { _ in UInt8(0x20 + generator.next() % 0x5F) }
            }
        }
        return Array(bytes.prefix(count))
    }

    static func encode(_ bytes: [UInt8], after prefix: [UInt8] = []) -> [UInt8] {
        var out = prefix
        bytes.withUnsafeBufferPointer { QuotedPrintable.encode($0, into: &out) }
        return out
    }

    @Test("the one-pass encoder writes what the line-by-line reference writes, on random input")
    func matchesReference() async {
        var generator = SplitMix(seed: 2026)
        for length in Array(0...300) + [511, 512, 1000, 4096, 20_000] {
            // Long loops of synchronous work yield now and then, so that the timing-sensitive
            // courier tests running beside them on the cooperative pool are not starved.
            await Task.yield()
            for _ in 0..<(length <= 300 ? 4 : 2) {
                let input = Self.randomBytes(count: length, using: &generator)
                let expected = ReferenceQuotedPrintable.encode(input)
                let encoded = Self.encode(input)
                #expect(encoded == expected, "input \(input)")
                #expect(encoded.count <= QuotedPrintable.maximalLength(input.count))
            }
        }
    }

    @Test("lines of one printable byte repeated: soft breaks at every length around the limit")
    func soleRuns() async {
        for byte in [UInt8(ascii: "a"), UInt8(ascii: "."), UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "="), 0xC3] {
            for length in 0...160 {
                await Task.yield()
                for end: [UInt8] in [[], [10], [13, 10], [13], [UInt8(ascii: "x")]] {
                    let input = [UInt8](repeating: byte, count: length) + end
                    #expect(Self.encode(input) == ReferenceQuotedPrintable.encode(input), "\(byte) × \(length) + \(end)")
                }
            }
        }
    }

    @Test("the worst case fits the bound the buffer is reserved for")
    func worstCase() {
        for length in 0...200 {
            let input = [UInt8](repeating: 0xFF, count: length)
            let encoded = Self.encode(input)
            #expect(encoded == ReferenceQuotedPrintable.encode(input))
            #expect(encoded.count <= QuotedPrintable.maximalLength(length))
        }
    }

    @Test("the encoding is appended after what the buffer already holds")
    func appends() {
        let prefix = Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        let input = Array("first\n.\nlast line \r\n..\rend=".utf8)
        #expect(Self.encode(input, after: prefix) == prefix + ReferenceQuotedPrintable.encode(input))
        #expect(QuotedPrintable.encode("first\n.\nlast line \r\n..\rend=") == ReferenceQuotedPrintable.encode(input))
    }
}
