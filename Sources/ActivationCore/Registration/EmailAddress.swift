/// Checks email addresses against what an SMTP envelope can carry safely.
///
/// Accepted: `local@domain` with an RFC 5322 dot-atom local part of at most 64 octets, a domain of
/// at most 255 octets made of LDH labels (1–63 octets, no leading or trailing hyphen) with at
/// least one dot, and a whole path of at most 254 octets (RFC 5321 §4.5.3.1). Rejected besides:
/// quoted local parts, address literals, and anything not ASCII — an internationalised domain
/// arrives from the front already in its `xn--` form, and a relay cannot be assumed to speak
/// SMTPUTF8. Since only these characters pass, an address can never carry CR, LF or NUL into an
/// SMTP command or a header.
public enum EmailAddress {
    /// Whether `address` is acceptable.
    ///
    /// One loop over the UTF-8 bytes with indices, without arrays or slices: it runs for every
    /// registration and again for every mail.
    public static func isValid(_ address: String) -> Bool {
        var address = address
        return address.withUTF8(isValidAddress)
    }

    /// The domain of the address, lowercased: what logs show instead of the address.
    public static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...].lowercased()
    }

    private static func isValidAddress(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count <= 254 else { return false }
        var at = bytes.count - 1
        while at >= 0, bytes[at] != UInt8(ascii: "@") { at -= 1 }
        guard at >= 0 else { return false }
        return isValidLocalPart(bytes, 0..<at) && isValidDomain(bytes, (at + 1)..<bytes.count)
    }

    /// A dot-atom of 1–64 octets: atoms of `atext`, one dot between two atoms.
    private static func isValidLocalPart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard (1...64).contains(range.count) else { return false }
        var atomLength = 0
        for index in range {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard atomLength > 0 else { return false }
                atomLength = 0
            } else {
                guard isAtext(byte) else { return false }
                atomLength += 1
            }
        }
        return atomLength > 0
    }

    /// 1–255 octets of at least two LDH labels of 1–63 octets, no hyphen first or last.
    private static func isValidDomain(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard (1...255).contains(range.count) else { return false }
        var labels = 0
        var labelStart = range.lowerBound
        for index in range.lowerBound...range.upperBound {
            guard index == range.upperBound || bytes[index] == UInt8(ascii: ".") else {
                let byte = bytes[index]
                guard byte.isASCIILetter || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                        || byte == UInt8(ascii: "-")
                else { return false }
                continue
            }
            let length = index - labelStart
            guard (1...63).contains(length), bytes[labelStart] != UInt8(ascii: "-"),
                  bytes[index - 1] != UInt8(ascii: "-")
            else { return false }
            labels += 1
            labelStart = index + 1
        }
        return labels >= 2
    }

    /// RFC 5322 `atext`, the characters of a dot-atom besides the dot:
    /// letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#")...UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "?"),
             UInt8(ascii: "^")...UInt8(ascii: "`"), UInt8(ascii: "{")...UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

extension UInt8 {
    /// Whether the byte is an ASCII letter.
    fileprivate var isASCIILetter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}
