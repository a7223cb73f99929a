public import ActivationCore
public import ActivationMail
public import Foundation

/// `activationd send-test --to ADDR`: sends one test mail through the configured relay and
/// reports the outcome with the server's reply. The caller builds the transport from the
/// configuration and shuts it down afterwards.
public enum SendTestCommand {
    /// The test mail's texts.
    static func content(relay: String, now: Date) -> RenderedMail {
        let text = """
            This is a test message from activationd, sent through \(relay) at \(now.formatted(.iso8601)).
            If it arrived, activationd can deliver activation mail through this relay.
            """
        return RenderedMail(subject: "activationd test message",
                            text: text + "\n",
                            html: "<!DOCTYPE html><html><body><p>\(text)</p></body></html>\n")
    }

    /// Sends the test mail to `address` and writes one line to `output`: `sent: <reply>`,
    /// `deferred: <reply>` or `failed: <reply>`. Returns 0 when sent, 65 for a bad address, 75
    /// (EX_TEMPFAIL) for a temporary failure, 69 (EX_UNAVAILABLE) for a permanent one.
    /// The mail is DKIM-signed with `dkim`'s keys, as the courier signs (one signature, in a
    /// command, may take a millisecond of the cooperative pool).
    public static func run(to address: String, from sender: Mailbox, transport: any SMTPTransport,
                           dkim: DKIMSigner = DKIMSigner(keys: []), now: Date = Date(),
                           output: (String) -> Void) async -> Int32 {
        let composer = MessageComposer(sender: sender)
        let id = UUID()
        let message: [UInt8]
        let envelope: SMTPEnvelope
        do {
            let recipient = try Mailbox(displayName: "", address: address)
            message = try dkim.sign(
                composer.compose(id: id, to: recipient, content: content(relay: transport.relay, now: now), date: now),
                at: now)
            envelope = try SMTPEnvelope(sender: sender.address, recipients: [address])
        } catch {
            output("failed: \(error.description)")
            return ExitStatus.dataError.rawValue
        }
        let result = await transport.send(message, envelope: envelope)
        switch result.status {
        case .sent:
            output("sent: \(result.reply) message_id=\(composer.messageID(for: id)) relay=\(transport.relay)")
            return ExitStatus.ok.rawValue
        case .temporaryFailure:
            output("deferred: \(result.reply) relay=\(transport.relay)")
            return 75
        case .permanentFailure:
            output("failed: \(result.reply) relay=\(transport.relay)")
            return 69
        }
    }
}
