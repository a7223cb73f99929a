public import ActivationCore

/// Hands composed messages to an SMTP relay. `CurlSMTPTransport` is the implementation; tests and
/// benchmarks may substitute their own.
public protocol SMTPTransport: Sendable {
    /// The relay as `host:port`, for log lines.
    var relay: String { get }
    /// The longest one send can take, timeouts included; a send is started only under a lease
    /// that lasts at least this long.
    var sendTimeLimit: Duration { get }
    /// How many sends run at once (one a worker thread).
    var workers: Int { get }
    /// Sends `message` (CRLF line endings) to `envelope`'s recipients. Never throws: every failure
    /// is a classified `SMTPResult`.
    func send(_ message: [UInt8], envelope: SMTPEnvelope) async -> SMTPResult
    /// Queues `jobs`; each runs once on the next free worker thread, in order, with that worker's
    /// connection, so that a caller composes, sends and classifies on the same thread without a
    /// hand-off per message. Returns false, running none, once the transport is shut down.
    func perform(_ jobs: [SMTPJob]) -> Bool
    /// Finishes queued sends, then stops the transport's threads and closes its connections.
    func shutdown() async
}

/// Work for a transport's worker thread; it must not block on anything but its own sends.
public typealias SMTPJob = @Sendable (any SMTPConnection) -> Void

/// One worker's connection to the relay, usable only on that worker's thread, inside an `SMTPJob`.
public protocol SMTPConnection {
    /// Sends `message` (CRLF line endings) to `envelope`'s recipients, blocking until the relay
    /// answered or a timeout passed. Never throws: every failure is a classified `SMTPResult`.
    func send(_ message: [UInt8], envelope: SMTPEnvelope) -> SMTPResult
}

/// MAIL FROM and RCPT TO, checked: an address that could carry CR, LF or NUL into an SMTP
/// command (or is otherwise not an address) is refused here, because libcurl sends it verbatim.
public struct SMTPEnvelope: Sendable, Equatable {
    /// The envelope sender; never empty (libcurl would silently send the null sender `<>`).
    public let sender: String
    /// The recipients, at least one.
    public let recipients: [String]

    /// Creates a checked envelope.
    public init(sender: String, recipients: [String]) throws(MailError) {
        guard EmailAddress.isValid(sender) else { throw MailError(.invalidAddress, "envelope sender") }
        guard !recipients.isEmpty else { throw MailError(.invalidAddress, "no recipient") }
        for recipient in recipients where !EmailAddress.isValid(recipient) {
            throw MailError(.invalidAddress, "envelope recipient")
        }
        self.sender = sender
        self.recipients = recipients
    }

    /// The envelope from `sender` to `recipient`, whose addresses their `Mailbox` initialiser
    /// checked as `init(sender:recipients:)` would: a mailbox cannot hold any other address.
    init(sender: Mailbox, recipient: Mailbox) {
        self.init(sender: sender.address, recipient: recipient)
    }

    /// The envelope from `sender` (the From address, or a `BounceAddress` made of a checked
    /// address and a hexadecimal token) to `recipient`.
    init(sender: String, recipient: Mailbox) {
        self.sender = sender
        self.recipients = [recipient.address]
    }
}

/// The outcome of one send, classified.
public struct SMTPResult: Sendable, Equatable {
    /// What the courier should do about it.
    public enum Status: String, Sendable {
        /// The relay accepted the message.
        case sent
        /// Try again later: a 4xx reply, a transport error, a timeout, a TLS or AUTH problem.
        case temporaryFailure
        /// Do not try again: a 5xx reply to the message.
        case permanentFailure
    }

    /// The classification.
    public var status: Status
    /// The server's last reply (control characters removed), or a description of the transport
    /// error. Never contains a password.
    public var reply: String
    /// The SMTP reply code the classification used, when there was one.
    public var replyCode: Int?
    /// True when the connection broke after the server accepted DATA (its last reply was 354):
    /// the relay may have delivered, so a retry may duplicate (with the same Message-ID).
    public var mayHaveBeenDelivered: Bool

    /// Creates a result.
    public init(status: Status, reply: String, replyCode: Int? = nil, mayHaveBeenDelivered: Bool = false) {
        self.status = status
        self.reply = reply
        self.replyCode = replyCode
        self.mayHaveBeenDelivered = mayHaveBeenDelivered
    }
}
