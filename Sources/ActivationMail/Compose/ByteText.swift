import Foundation

/// Appending text to a message being built as bytes, without making a String first.
extension Array where Element == UInt8 {
    /// Appends a constant's UTF-8 bytes.
    @inline(__always)
    mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    /// Appends `value` in decimal, as `"\(value)"` writes it.
    mutating func append(decimal value: Int) {
        guard value >= 0 else {
            append(contentsOf: String(value).utf8)
            return
        }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            append(UInt8(truncatingIfNeeded: 0x30 + rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Appends `value` (0–99) as two digits.
    @inline(__always)
    mutating func append(twoDigits value: Int) {
        append(UInt8(truncatingIfNeeded: 0x30 + value / 10))
        append(UInt8(truncatingIfNeeded: 0x30 + value % 10))
    }
}

/// The text form of a UUID in lower case, as `uuidString.lowercased()` gives it, written
/// directly: Foundation formats `uuidString` with `snprintf` and lowercasing copies it again.
enum UUIDText {
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lower-case hex.
    static func lowercased(_ id: UUID) -> String {
        String(decoding: bytes(id), as: UTF8.self)
    }

    /// The 36 bytes of `lowercased(id)`.
    static func bytes(_ id: UUID) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 36) { buffer, count in
            withUnsafeBytes(of: id.uuid) { raw in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = digit(raw[index] >> 4)
                    buffer[position + 1] = digit(raw[index] & 0x0F)
                    position += 2
                }
                count = position
            }
        }
    }

    @inline(__always)
    private static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x57 + nibble
    }
}
