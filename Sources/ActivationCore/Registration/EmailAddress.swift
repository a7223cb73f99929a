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
    /// RFC 5322 `atext`, the characters of a dot-atom besides the dot.
    private static let atext: Set<UInt8> = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8))

    /// Whether `address` is acceptable.
    public static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        return isValidLocalPart(local) && isValidDomain(domain)
    }

    /// The part after the last `@`, lowercased: what logs show instead of the address.
    public static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return address[address.index(after: at)...].lowercased()
    }

    private static func isValidLocalPart(_ local: ArraySlice<UInt8>) -> Bool {
        guard (1...64).contains(local.count) else { return false }
        let atoms = local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return atoms.allSatisfy { !$0.isEmpty && $0.allSatisfy(atext.contains) }
    }

    private static func isValidDomain(_ domain: ArraySlice<UInt8>) -> Bool {
        guard (1...255).contains(domain.count) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count),
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            return label.allSatisfy { byte in
                byte.isASCIILetter || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-")
            }
        }
    }
}

extension UInt8 {
    /// Whether the byte is an ASCII letter.
    fileprivate var isASCIILetter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}
