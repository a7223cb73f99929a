public import ActivationCore
public import Foundation

/// Turns an outbox row and its account into a ready message: renders the template, signs the
/// link at send time, composes the MIME message and its envelope.
public struct MailFactory: Sendable {
    /// The composer, which knows the sender.
    public let composer: MessageComposer
    /// The templates.
    public let templates: MailTemplates
    /// The keys; the first signs the links.
    public let keys: KeyRing
    /// `public_url` without a trailing slash.
    public let publicURL: String
    /// `service.name`, for the templates' `{{serviceName}}`.
    public let serviceName: String
    /// Signs each composed message with the `dkim.*` keys; no keys, no signature.
    public let dkim: DKIMSigner
    /// With `bounces.address`, each mail's envelope sender names its outbox row (VERP);
    /// otherwise it is the From address.
    public let bounceAddress: BounceAddress?

    /// Creates a factory.
    ///
    /// - Parameters:
    ///   - sender: the From mailbox and envelope sender (`smtp.from`).
    ///   - publicURL: `public_url`; links are `<public_url>/activate?token=…`.
    ///   - dkim: the DKIM signer, applied after composition (`dkim.*`).
    public init(sender: Mailbox, templates: MailTemplates, keys: KeyRing, publicURL: String,
                serviceName: String = "Accounts", dkim: DKIMSigner = DKIMSigner(keys: []),
                bounceAddress: BounceAddress? = nil) {
        self.serviceName = serviceName
        self.bounceAddress = bounceAddress
        self.dkim = dkim
        self.composer = MessageComposer(sender: sender)
        self.templates = templates
        self.keys = keys
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        self.publicURL = url
    }

    /// The activation link of `account`, signed now with the first key.
    public func link(for account: Account) throws(MailError) -> String {
        guard account.nonce.count == ActivationToken.nonceLength else {
            throw MailError(.configuration, "account nonce has the wrong length")
        }
        let token = ActivationToken.sign(accountID: account.id, expiresAt: account.expiresAt,
                                         nonce: account.nonce, keys: keys)
        return "\(publicURL)/activate?token=\(token)"
    }

    /// The message for outbox row `message` about `account`, dated `now`.
    ///
    /// The recipient's name and address are checked once, by `Mailbox`; the envelope takes its
    /// addresses from the two mailboxes, which hold only checked addresses.
    public func mail(for message: OutboxMessage, account: Account, now: Date) throws(MailError) -> OutgoingMail {
        let recipient = try Mailbox(displayName: "\(account.firstName) \(account.lastName)", address: account.email)
        let secondsLeft = account.expiresAt.timeIntervalSince(now)
        var values = MailValues(
            firstName: account.firstName, lastName: account.lastName, username: account.username,
            link: try link(for: account), expiresAt: account.expiresAt,
            daysLeft: max(0, Int((secondsLeft / 86_400).rounded(.up))))
        values.serviceName = serviceName
        let content = templates.renderParts(message.kind, values)
        let composed = try composer.compose(id: message.id, to: recipient, subject: content.subject, text: content.text,
                                            html: content.html, date: now)
        return OutgoingMail(
            envelope: SMTPEnvelope(sender: bounceAddress?.address(for: message.id) ?? composer.sender.address,
                                   recipient: recipient),
            // Signed here, on the transport's worker thread that composes it, never on the cooperative pool.
            bytes: try dkim.sign(composed, at: now),
            messageID: composer.messageID(for: message.id))
    }
}

/// A composed message with its envelope.
public struct OutgoingMail: Sendable {
    /// MAIL FROM and RCPT TO.
    public let envelope: SMTPEnvelope
    /// The message, CRLF line endings.
    public let bytes: [UInt8]
    /// Its Message-ID header value, with angle brackets.
    public let messageID: String

    /// Creates a composed message.
    public init(envelope: SMTPEnvelope, bytes: [UInt8], messageID: String) {
        self.envelope = envelope
        self.bytes = bytes
        self.messageID = messageID
    }
}
