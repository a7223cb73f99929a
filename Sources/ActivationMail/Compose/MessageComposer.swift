import ActivationCore
public import Foundation

/// Renders one message in RFC 5322/MIME form: multipart/alternative with a text and an HTML
/// part, both UTF-8 and quoted-printable, CRLF throughout.
///
/// The message is built as bytes in one buffer reserved up front; the sender's header line and
/// Message-ID domain are made once here, since the sender is fixed for the composer's life.
public struct MessageComposer: Sendable {
    /// The From mailbox (`smtp.from`); its domain ends every Message-ID.
    public let sender: Mailbox
    /// `From: <sender>` CRLF.
    private let fromLine: [UInt8]
    /// `@<sender domain>>`, the end of every Message-ID.
    private let messageIDEnd: [UInt8]

    /// Creates a composer for mail from `sender`.
    public init(sender: Mailbox) {
        self.sender = sender
        var fromLine: [UInt8] = []
        fromLine.append(ascii: "From: ")
        sender.append(headerValueTo: &fromLine, column: fromLine.count)
        fromLine.append(ascii: "\r\n")
        self.fromLine = fromLine
        messageIDEnd = Array("@\(sender.domain)>".utf8)
    }

    /// The Message-ID of outbox row `id`: `<row-id@from-domain>`, the same on every retry.
    public func messageID(for id: UUID) -> String {
        var bytes: [UInt8] = []
        appendMessageID(id.lowercasedBytes, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the Message-ID of the row whose id is `idText` (its lower-case text form).
    private func appendMessageID(_ idText: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: idText)
        out.append(contentsOf: messageIDEnd)
    }

    /// The whole message, ready for the SMTP DATA phase.
    ///
    /// - Throws: `MailError.headerInjection` when the subject carries a control character.
    public func compose(id: UUID, to recipient: Mailbox, content: RenderedMail, date: Date) throws(MailError) -> [UInt8] {
        guard HeaderText.isSafe(content.subject) else { throw MailError(.headerInjection, "subject") }
        var text = content.text
        var html = content.html
        return text.withUTF8 { text in
            html.withUTF8 { html in assemble(id: id, to: recipient, subject: content.subject, text: text, html: html, date: date) }
        }
    }

    /// `compose` for a subject and the text and HTML parts as UTF-8 bytes, as the factory has them.
    func compose(id: UUID, to recipient: Mailbox, subject: String, text: [UInt8], html: [UInt8],
                 date: Date) throws(MailError) -> [UInt8] {
        guard HeaderText.isSafe(subject) else { throw MailError(.headerInjection, "subject") }
        return text.withUnsafeBufferPointer { text in
            html.withUnsafeBufferPointer { html in assemble(id: id, to: recipient, subject: subject, text: text, html: html, date: date) }
        }
    }

    /// The message, its subject checked.
    private func assemble(id: UUID, to recipient: Mailbox, subject: String, text: UnsafeBufferPointer<UInt8>,
                          html: UnsafeBufferPointer<UInt8>, date: Date) -> [UInt8] {
        // The row id goes in the Message-ID and in all four boundary lines.
        let idText = id.lowercasedBytes
        var out: [UInt8] = []
        // Headers and part headers take under 1 KiB beside the subject and the recipient; the
        // parts take at most what the encoder may write, so nothing is copied to grow.
        out.reserveCapacity(1024 + 4 * (subject.utf8.count + recipient.displayName.utf8.count)
            + recipient.address.utf8.count + fromLine.count
            + QuotedPrintable.maximalLength(text.count) + QuotedPrintable.maximalLength(html.count))
        out.append(ascii: "Date: ")
        RFC5322Date.append(date, to: &out)
        out.append(ascii: "\r\n")
        out.append(contentsOf: fromLine)
        out.append(ascii: "To: ")
        recipient.append(headerValueTo: &out, column: 4)
        out.append(ascii: "\r\nSubject: ")
        HeaderText.append(unstructured: subject, headerName: "Subject", to: &out)
        out.append(ascii: "\r\nMessage-ID: ")
        appendMessageID(idText, to: &out)
        out.append(ascii: "\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n")
        // The boundary starts with "=_", which quoted-printable output can never contain.
        out.append(ascii: "Content-Type: multipart/alternative;\r\n boundary=\"")
        appendBoundary(idText, to: &out)
        out.append(ascii: "\"\r\n\r\n")
        appendPart(text, type: "text/plain", idText: idText, to: &out)
        appendPart(html, type: "text/html", idText: idText, to: &out)
        out.append(ascii: "--")
        appendBoundary(idText, to: &out)
        out.append(ascii: "--\r\n")
        return out
    }

    /// `=_activationd_<row id>`.
    private func appendBoundary(_ idText: [UInt8], to out: inout [UInt8]) {
        out.append(ascii: "=_activationd_")
        out.append(contentsOf: idText)
    }

    private func appendPart(_ body: UnsafeBufferPointer<UInt8>, type: StaticString, idText: [UInt8], to out: inout [UInt8]) {
        out.append(ascii: "--")
        appendBoundary(idText, to: &out)
        out.append(ascii: "\r\nContent-Type: ")
        out.append(ascii: type)
        out.append(ascii: "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
        QuotedPrintable.encode(body, into: &out)
        out.append(ascii: "\r\n")
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
