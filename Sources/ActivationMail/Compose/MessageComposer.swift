public import Foundation

/// Renders one message in RFC 5322/MIME form: multipart/alternative with a text and an HTML
/// part, both UTF-8 and quoted-printable, CRLF throughout.
public struct MessageComposer: Sendable {
    /// The From mailbox (`smtp.from`); its domain ends every Message-ID.
    public let sender: Mailbox

    /// Creates a composer for mail from `sender`.
    public init(sender: Mailbox) {
        self.sender = sender
    }

    /// The Message-ID of outbox row `id`: `<row-id@from-domain>`, the same on every retry.
    public func messageID(for id: UUID) -> String {
        "<\(id.uuidString.lowercased())@\(sender.domain)>"
    }

    /// The whole message, ready for the SMTP DATA phase.
    ///
    /// - Throws: `MailError.headerInjection` when the subject carries a control character.
    public func compose(id: UUID, to recipient: Mailbox, content: RenderedMail, date: Date) throws(MailError) -> [UInt8] {
        guard HeaderText.isSafe(content.subject) else { throw MailError(.headerInjection, "subject") }
        // The boundary starts with "=_", which quoted-printable output can never contain.
        let boundary = "=_activationd_\(id.uuidString.lowercased())"
        var head = "Date: \(RFC5322Date.format(date))\r\n"
        head += "From: \(sender.headerValue)\r\n"
        head += "To: \(recipient.headerValue)\r\n"
        head += "Subject: \(HeaderText.unstructured(content.subject, headerName: "Subject"))\r\n"
        head += "Message-ID: \(messageID(for: id))\r\n"
        head += "MIME-Version: 1.0\r\n"
        head += "Auto-Submitted: auto-generated\r\n"
        head += "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n"
        head += "\r\n"
        var bytes = Array(head.utf8)
        bytes += part(content.text, type: "text/plain", boundary: boundary)
        bytes += part(content.html, type: "text/html", boundary: boundary)
        bytes += Array("--\(boundary)--\r\n".utf8)
        return bytes
    }

    private func part(_ body: String, type: String, boundary: String) -> [UInt8] {
        var bytes = Array("--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\n".utf8)
        bytes += Array("Content-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        bytes += QuotedPrintable.encode(body)
        bytes += [13, 10]
        return bytes
    }
}

/// The three texts of one mail, as the templates render them.
public struct RenderedMail: Sendable, Equatable {
    /// The Subject, one line.
    public var subject: String
    /// The text/plain part.
    public var text: String
    /// The text/html part.
    public var html: String

    /// Creates the texts of a mail.
    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }
}
