import Crypto
import Foundation

/// A directory entry's name as the file system holds it: bytes, which need not be UTF-8.
///
/// Linux names are any bytes but `/` and NUL, up to 255 of them. A `String` made from them with
/// replacement characters names another file (or none), so a name that is not UTF-8 is handled as
/// bytes here and only ever shown escaped.
package struct SpoolName: Sendable, Hashable {
    /// The name, without its terminating NUL.
    package let bytes: [UInt8]

    /// The longest name Linux allows (NAME_MAX).
    package static let maximalLength = 255
    /// What a rejected record's reason file adds to its name.
    package static let reasonSuffix = ".reason.json"

    /// The name of a `String`.
    package init(_ text: String) { bytes = Array(text.utf8) }

    /// A name read from a directory.
    package init(bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    /// The name as text, when it is valid UTF-8 (and only then: it then names the same file).
    package var text: String? { String(validating: bytes, as: UTF8.self) }

    /// The name for logs and reason files: the text, with every byte that is not part of valid
    /// UTF-8 written `%XX` (and control characters too, so that a name cannot break a log line).
    package var display: String {
        var out = ""
        var index = 0
        while index < bytes.count {
            let length = Self.scalarLength(bytes, at: index)
            if length > 0, let scalar = String(validating: bytes[index..<(index + length)], as: UTF8.self),
               !scalar.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                out += scalar
                index += length
            } else {
                out += "%" + String(bytes[index], radix: 16, uppercase: true).leftPadded(to: 2)
                index += 1
            }
        }
        return out
    }

    /// Whether intake takes this entry: `*.json`, not hidden.
    package var isRecordName: Bool {
        bytes.count > 5 && bytes.first != UInt8(ascii: ".") && bytes.suffix(5).elementsEqual(".json".utf8)
    }

    /// The name of this record's copy in `rejected/`, chosen so that the copy and its
    /// `<name>.reason.json` both fit in NAME_MAX, and so that two names never share one.
    ///
    /// A UTF-8 name without control characters whose reason file fits keeps its name. Any other
    /// (too long, not UTF-8) becomes its displayable form, cut at a character boundary, then `~` and
    /// 16 hex digits of the SHA-256 of the original bytes, then `.json`.
    package var rejectedName: String {
        if let text, text == display, bytes.count + Self.reasonSuffix.utf8.count <= Self.maximalLength {
            return text
        }
        let digest = SHA256.hash(data: bytes).prefix(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let tail = "~" + digest + ".json"
        let room = Self.maximalLength - Self.reasonSuffix.utf8.count - tail.utf8.count
        var stem = display
        if stem.hasSuffix(".json") { stem.removeLast(5) }
        var cut = ""
        for character in stem {
            guard cut.utf8.count + String(character).utf8.count <= room else { break }
            cut.append(character)
        }
        return cut + tail
    }

    /// `directory/name` as a NUL-terminated byte path, for the C calls.
    package func path(in directory: String) -> [CChar] {
        (Array(directory.utf8) + [UInt8(ascii: "/")] + bytes + [0]).map { CChar(bitPattern: $0) }
    }

    /// The length of the well-formed UTF-8 sequence at `index`, or 0 if there is none.
    private static func scalarLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
        guard length > 0, index + length <= bytes.count,
              String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil
        else { return 0 }
        return length
    }
}

extension String {
    /// Left-padded with zeros to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
