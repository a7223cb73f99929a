public import Foundation

/// The lowercase text form of ids (`0f8fad5b-d9cb-469f-a165-70867728950e`), as every table, log
/// line and Message-ID writes them, converted without Foundation.
///
/// Foundation's `uuidString` formats through `snprintf` and `UUID(uuidString:)` parses through
/// `sscanf`; with `lowercased()` on top, the conversions were a tenth of the store's CPU time when
/// the courier claims and records thousands of rows a second.
extension UUID {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The 36-character lowercase form.
    public var lowercasedText: String {
        String(decoding: lowercasedBytes, as: UTF8.self)
    }

    /// The UTF-8 bytes of `lowercasedText`, for text built as bytes (a Message-ID, a boundary).
    public var lowercasedBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 36) { buffer, count in
            withUnsafeBytes(of: uuid) { raw in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = Self.hexDigits[Int(raw[index] >> 4)]
                    buffer[position + 1] = Self.hexDigits[Int(raw[index] & 0x0F)]
                    position += 2
                }
                count = position
            }
        }
    }

    /// Parses the 36-character form, in either case; nil for anything else.
    public init?(text: String) {
        guard let value = text.utf8.withContiguousStorageIfAvailable(Self.parse) ?? Self.parse(Array(text.utf8))
        else { return nil }
        self.init(uuid: value)
    }

    private static func parse<C: RandomAccessCollection<UInt8>>(_ text: C) -> uuid_t? where C.Index == Int {
        guard text.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let valid = withUnsafeMutableBytes(of: &value) { bytes in
            var position = text.startIndex
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    guard text[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                guard let high = nibble(text[position]), let low = nibble(text[position + 1]) else { return false }
                bytes[index] = high << 4 | low
                position += 2
            }
            return true
        }
        return valid ? value : nil
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
