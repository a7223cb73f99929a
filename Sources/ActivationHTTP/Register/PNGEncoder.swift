/// A minimal PNG encoder for the verification picture: 4-bit grayscale, no interlace, one IDAT, no
/// ancillary chunk (so nothing but the pixels goes out).
///
/// The zlib stream is our own: one deflate block with the fixed Huffman codes (RFC 1951 §3.2.6)
/// after a greedy LZ77 match search at two distances, the previous byte and the previous row. The
/// picture is a flat background crossed by strokes, so runs and repeated rows make up most of it;
/// dynamic codes and a full search would save a little more and cost more code and time. CRC-32 (PNG's chunks) and Adler-32 (zlib's
/// trailer) are computed here too.
enum PNGEncoder {
    /// The PNG file of a `width` × `height` picture whose pixels are gray levels 0 (black) … 15
    /// (white), row by row. Values above 15 are clamped.
    static func grayscale4(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && pixels.count == width * height)
        let rowBytes = (width + 1) / 2
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (rowBytes + 1))
        for y in 0..<height {
            raw.append(0)  // filter type None
            var x = 0
            while x < width {
                let high = min(pixels[y * width + x], 15)
                let low = x + 1 < width ? min(pixels[y * width + x + 1], 15) : 0
                raw.append(high << 4 | low)
                x += 2
            }
        }

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [4, 0, 0, 0, 0]  // bit depth 4, grayscale, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlib(raw, stride: rowBytes + 1), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// `data` as a zlib stream (RFC 1950): header, one fixed-Huffman deflate block, Adler-32.
    static func zlib(_ data: [UInt8], stride: Int = 0) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes = [0x78, 0x01]  // deflate, 32 KiB window, no dictionary, fastest; (0x7801 % 31 == 0)
        deflateFixed(data, stride: stride, into: &writer)
        writer.flush()
        var out = writer.bytes
        appendBigEndian(adler32(data), to: &out)
        return out
    }

    // MARK: Deflate

    private static let window = 32_768
    private static let minimalMatch = 3
    private static let maximalMatch = 258

    private static let lengthBases: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                             67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                             5, 5, 5, 5, 0]
    private static let distanceBases: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                               513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                               10, 11, 11, 12, 12, 13, 13]

    /// One final block (BFINAL 1, BTYPE 01) holding all of `data`.
    ///
    /// Matches are looked for at two distances only: the byte before (runs of background) and, when
    /// `stride` is given, the same place one row up (what the rows above already drew). For a
    /// picture that is what an exhaustive search finds almost everywhere, at a fraction of its cost.
    static func deflateFixed(_ data: [UInt8], stride: Int = 0, into writer: inout BitWriter) {
        writer.write(1, count: 1)
        writer.write(1, count: 2)
        let count = data.count
        let distances = stride > 1 ? [1, stride] : [1]
        data.withUnsafeBufferPointer { data in
            var index = 0
            while index < count {
                var bestLength = 0
                var bestDistance = 0
                let limit = min(maximalMatch, count - index)
                if limit >= minimalMatch {
                    for distance in distances where distance <= index && distance <= window {
                        var length = 0
                        while length < limit, data[index - distance + length] == data[index + length] { length += 1 }
                        if length > bestLength {
                            bestLength = length
                            bestDistance = distance
                        }
                    }
                }
                if bestLength >= minimalMatch {
                    writeLength(bestLength, into: &writer)
                    writeDistance(bestDistance, into: &writer)
                    index += bestLength
                } else {
                    writeSymbol(Int(data[index]), into: &writer)
                    index += 1
                }
            }
        }
        writeSymbol(256, into: &writer)
    }

    /// The fixed literal/length codes (RFC 1951 §3.2.6), bit-reversed for the writer: (bits, count).
    private static let literalCodes: [(UInt32, Int)] = (0..<288).map { symbol in
        let (code, count) = switch symbol {
        case 0...143: (0x30 + symbol, 8)
        case 144...255: (0x190 + symbol - 144, 9)
        case 256...279: (symbol - 256, 7)
        default: (0xC0 + symbol - 280, 8)
        }
        return (BitWriter.reversed(code, count: count), count)
    }

    /// A literal/length symbol with its fixed code.
    private static func writeSymbol(_ symbol: Int, into writer: inout BitWriter) {
        let (bits, count) = literalCodes[symbol]
        writer.write(bits, count: count)
    }

    private static func writeLength(_ length: Int, into writer: inout BitWriter) {
        var code = lengthBases.count - 1
        while lengthBases[code] > length { code -= 1 }
        writeSymbol(257 + code, into: &writer)
        writer.write(UInt32(length - lengthBases[code]), count: lengthExtra[code])
    }

    private static func writeDistance(_ distance: Int, into writer: inout BitWriter) {
        var code = distanceBases.count - 1
        while distanceBases[code] > distance { code -= 1 }
        writer.writeCode(code, count: 5)
        writer.write(UInt32(distance - distanceBases[code]), count: distanceExtra[code])
    }

    /// Deflate's bit order: values least significant bit first, Huffman codes most significant first.
    struct BitWriter {
        var bytes: [UInt8] = []
        private var buffer: UInt32 = 0
        private var filled = 0

        mutating func write(_ value: UInt32, count: Int) {
            guard count > 0 else { return }
            buffer |= (value & ((1 << UInt32(count)) - 1)) << UInt32(filled)
            filled += count
            while filled >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                filled -= 8
            }
        }

        /// Writes a Huffman code, most significant bit first.
        mutating func writeCode(_ code: Int, count: Int) {
            write(Self.reversed(code, count: count), count: count)
        }

        /// `code`'s lowest `count` bits in reverse order.
        static func reversed(_ code: Int, count: Int) -> UInt32 {
            var reversed: UInt32 = 0
            for bit in 0..<count { reversed |= UInt32((code >> bit) & 1) << UInt32(count - 1 - bit) }
            return reversed
        }

        /// Pads the last byte with zero bits.
        mutating func flush() {
            if filled > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            filled = 0
        }
    }

    // MARK: Checksums

    private static let crcTable: [UInt32] = (0..<256).map { (n: Int) -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 as PNG uses it (ISO 3309, reflected, initial and final XOR 0xFFFFFFFF).
    static func crc32<S: Sequence>(_ bytes: S) -> UInt32 where S.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Adler-32 as zlib's trailer holds it.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5552 bytes keep b below 2^32 before the reduction (zlib's NMAX).
            let end = min(index + 5552, bytes.count)
            for position in index..<end {
                a += UInt32(bytes[position])
                b += a
            }
            a %= 65521
            b %= 65521
            index = end
        }
        return b << 16 | a
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &png)
        let typeBytes = Array(type.utf8)
        png += typeBytes
        png += data
        appendBigEndian(crc32(typeBytes + data), to: &png)
    }
}
