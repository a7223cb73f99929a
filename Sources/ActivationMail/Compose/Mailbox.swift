import ActivationCore

/// A display name and an address, checked so that neither can smuggle a header or an SMTP command.
public struct Mailbox: Sendable, Equatable {
    /// The display name; may be empty, may be non-ASCII (it is RFC 2047-encoded in headers).
    public let displayName: String
    /// The address, as `EmailAddress.isValid` accepts it.
    public let address: String

    /// Creates a mailbox, refusing control characters in the name and any invalid address.
    public init(displayName: String, address: String) throws(MailError) {
        guard HeaderText.isSafe(displayName) else { throw MailError(.headerInjection, "display name") }
        guard EmailAddress.isValid(address) else { throw MailError(.invalidAddress, "address") }
        self.displayName = displayName
        self.address = address
    }

    /// Parses `Name <local@domain>` or a bare `local@domain` (the form of `smtp.from`).
    public init(parsing text: String) throws(MailError) {
        let trimmed = text.trimmingSpaces
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
            try self.init(displayName: "", address: trimmed)
            return
        }
        var name = trimmed[..<open].trimmingSpaces
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
        }
        let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        try self.init(displayName: name, address: address)
    }

    /// The domain of the address, lowercased: what logs show and what Message-IDs end with.
    public var domain: String { EmailAddress.domain(of: address) }

    /// The header form after `To: `: `"Jane Doe" <jane@example.org>`, or encoded words for a
    /// name that is not ASCII or too long for a quoted string on the line.
    var headerValue: String {
        var bytes: [UInt8] = []
        append(headerValueTo: &bytes, column: 4)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the header form to a message being built, starting at `column` (the length of
    /// `To: ` or `From: `). The address cannot be folded, so it goes on a folded line of its own
    /// when it would take the name's line past 78 characters.
    func append(headerValueTo out: inout [UInt8], column: Int) {
        if !displayName.isEmpty {
            let end = HeaderText.append(phrase: displayName, column: column, to: &out)
            if end + 1 + address.utf8.count + 2 > HeaderText.maximalLineLength {
                out.append(ascii: "\r\n ")
            } else {
                out.append(UInt8(ascii: " "))
            }
        }
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: address.utf8)
        out.append(UInt8(ascii: ">"))
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
