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

    /// The header form: `"Jane Doe" <jane@example.org>`, or an encoded word for a non-ASCII name.
    var headerValue: String {
        var bytes: [UInt8] = []
        append(headerValueTo: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `headerValue` to a message being built.
    func append(headerValueTo out: inout [UInt8]) {
        if !displayName.isEmpty {
            HeaderText.append(phrase: displayName, to: &out)
            out.append(UInt8(ascii: " "))
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
