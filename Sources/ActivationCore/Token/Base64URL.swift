/// Base64url without padding (RFC 4648 §5), decoded strictly: one spelling per byte string.
///
/// The decoder refuses characters outside the alphabet, impossible lengths, and non-zero bits
/// in the last character's unused tail, so no two token strings decode to the same bytes.
package enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Appends each character on its own: the four-element array literals this once appended
    /// were allocated for every three bytes.
    package static func encode(_ bytes: [UInt8]) -> String {
        alphabet.withUnsafeBufferPointer { alphabet in
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count * 4 + 2) / 3)
            var index = 0
            while index + 3 <= bytes.count {
                let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                out.append(alphabet[Int(n >> 18 & 63)])
                out.append(alphabet[Int(n >> 12 & 63)])
                out.append(alphabet[Int(n >> 6 & 63)])
                out.append(alphabet[Int(n & 63)])
                index += 3
            }
            switch bytes.count - index {
            case 1:
                let n = UInt32(bytes[index]) << 16
                out.append(alphabet[Int(n >> 18 & 63)])
                out.append(alphabet[Int(n >> 12 & 63)])
            case 2:
                let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
                out.append(alphabet[Int(n >> 18 & 63)])
                out.append(alphabet[Int(n >> 12 & 63)])
                out.append(alphabet[Int(n >> 6 & 63)])
            default:
                break
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    package static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 != 1 else { return nil }
        var sextets: [UInt8] = []
        sextets.reserveCapacity(input.count)
        for byte in input {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            sextets.append(value)
        }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var index = 0
        while index + 4 <= sextets.count {
            let n = UInt32(sextets[index]) << 18 | UInt32(sextets[index + 1]) << 12
                | UInt32(sextets[index + 2]) << 6 | UInt32(sextets[index + 3])
            out += [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            index += 4
        }
        switch sextets.count - index {
        case 2:
            guard sextets[index + 1] & 0x0F == 0 else { return nil }
            out.append(sextets[index] << 2 | sextets[index + 1] >> 4)
        case 3:
            guard sextets[index + 2] & 0x03 == 0 else { return nil }
            let n = UInt32(sextets[index]) << 10 | UInt32(sextets[index + 1]) << 4 | UInt32(sextets[index + 2]) >> 2
            out += [UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        default:
            break
        }
        return out
    }
}
