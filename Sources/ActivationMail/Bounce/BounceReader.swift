public import ActivationCore
public import CoreMetrics
public import Foundation
public import Logging
import Metrics
#if canImport(Glibc)
import Glibc
#endif

/// Reads delivery status notifications out of the bounce mailbox (a Maildir) and records what
/// they say: a `failed` report makes its outbox row `bounced`.
///
/// Each message in `new/` is decided once and moved to `cur/` with a Maildir flag saying what
/// became of it, so nothing is read twice and nothing loops:
/// - `:2,S` (seen): a report recorded (or a `delayed` one logged, or one already recorded);
/// - `:2,F` (flagged, unseen): set aside — not a report, not about a mail of ours, or about a mail
///   that never went out. Logged with its reason; a mail client shows it as flagged and unread.
///
/// A report about a row being sent right now (its outcome not recorded yet: a local relay bounces
/// within milliseconds) stays in `new/` for the next pass. A store error ends the pass and leaves
/// the rest in `new/`.
public struct BounceReader: Sendable {
    /// The Maildir: `new/` is read, `cur/` receives what was read.
    public let maildir: String
    /// Whose reports these are: `bounce` of `bounce+<row>@example.org`.
    public let address: BounceAddress
    /// The header the delivery agent writes the envelope recipient in (`bounces.envelope_header`).
    public let envelopeHeader: DeliveryStatusParser.EnvelopeHeader
    let store: any AccountStore
    let logger: Logger
    let now: @Sendable () -> Date
    let metrics: BounceMetrics

    /// Creates a reader of `maildir` for reports to `address`.
    public init(maildir: String, address: BounceAddress, envelopeHeader: DeliveryStatusParser.EnvelopeHeader = .deliveredTo,
                store: any AccountStore, logger: Logger,
                metrics factory: any MetricsFactory = MetricsSystem.factory, now: @escaping @Sendable () -> Date = Date.init)
    {
        self.envelopeHeader = envelopeHeader
        self.maildir = maildir.hasSuffix("/") && maildir.count > 1 ? String(maildir.dropLast()) : maildir
        self.address = address
        self.store = store
        self.logger = logger
        self.now = now
        metrics = BounceMetrics(factory: factory)
    }

    /// What one pass did, by message.
    public struct Summary: Sendable, Equatable {
        /// Rows marked bounced.
        public var bounced = 0
        /// Reports saying a mail is delayed (logged; the row is not changed).
        public var delayed = 0
        /// Reports about rows already bounced (the same report again).
        public var alreadyRecorded = 0
        /// Messages set aside, with their file names and reasons.
        public var setAside: [SetAside] = []
        /// Reports left in `new/` for the next pass (their row is being sent).
        public var keptForLater = 0

        public init() {}
    }

    /// A message set aside: its file name in `new/` and why.
    public struct SetAside: Sendable, Equatable {
        public let name: String
        public let reason: String
    }

    /// The Maildir cannot be read.
    public struct MailboxError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads every message in `new/`, oldest first. Throws `MailboxError` when `new/` cannot be
    /// listed, and the store's error when it fails (the messages not yet decided stay in `new/`).
    public func readOnce() async throws -> Summary {
        var summary = Summary()
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: maildir + "/new")
                .filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw MailboxError(description: "cannot list \(maildir)/new: \(Self.reason(of: error))")
        }
        for name in names {
            try await read(name, into: &summary)
        }
        return summary
    }

    private func read(_ name: String, into summary: inout Summary) async throws {
        let path = maildir + "/new/" + name
        let data: Data
        switch Self.contents(of: path) {
        case .success(let contents): data = contents
        case .failure(let problem):
            return setAside(name, problem.description, into: &summary)
        }
        let report: DeliveryStatusReport
        switch DeliveryStatusParser.parse(data, localPart: address.localPart, envelopeHeader: envelopeHeader) {
        case .success(let parsed): report = parsed
        case .failure(let problem): return setAside(name, problem.description, into: &summary)
        }
        let rowID: UUID
        switch address.tokens.verify(report.rowToken) {
        case .authentic(let id): rowID = id
        case .unsigned:
            return setAside(name, "an unsigned bounce token (a mail sent before tokens were signed, or a forgery); not trusted",
                            into: &summary)
        case .invalid:
            return setAside(name, "the bounce token is not signed by our keys", into: &summary)
        }
        switch report.action {
        case "failed": break
        case "delayed":
            logger.info("mail delayed, the remote server keeps trying", metadata: metadata(rowID, report, [
                LogKey.event: "\(EventName.mailDelayed)",
            ]))
            metrics.reports(.delayed)
            summary.delayed += 1
            return file(name, flags: "S")
        default:
            return setAside(name, "the report's action is \"\(report.action)\", not failed or delayed", into: &summary)
        }
        let reply = ([report.status] + (report.diagnostic.map { [$0] } ?? [])).joined(separator: " ")
        switch try await store.recordBounce(messageID: rowID, reply: reply, now: now()) {
        case .recorded(let accountID, let kind, let cancelled):
            logger.warning("mail bounced", metadata: metadata(rowID, report, [
                LogKey.event: "\(EventName.mailBounced)", LogKey.account: "\(accountID.lowercasedText)",
                LogKey.kind: "\(kind.rawValue)", "cancelled": "\(cancelled)",
            ]))
            metrics.bounced(kind)
            metrics.reports(.bounced)
            summary.bounced += 1
            file(name, flags: "S")
        case .alreadyRecorded:
            metrics.reports(.duplicate)
            summary.alreadyRecorded += 1
            file(name, flags: "S")
        case .inFlight:
            summary.keptForLater += 1
        case .unknownRow:
            setAside(name, "no outbox row \(rowID.lowercasedText) (never ours, or purged)", into: &summary)
        case .notSent:
            setAside(name, "outbox row \(rowID.lowercasedText) was cancelled, never sent", into: &summary)
        }
    }

    /// `message_id`, `dsn`, `rcpt_domain` and the diagnostic with every address's local part hidden.
    private func metadata(_ rowID: UUID, _ report: DeliveryStatusReport, _ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata = extra
        metadata[LogKey.messageID] = "\(rowID.lowercasedText)"
        metadata[LogKey.dsn] = "\(report.status)"
        if let domain = report.recipientDomain { metadata[LogKey.recipientDomain] = "\(domain)" }
        if let diagnostic = report.diagnostic {
            metadata[LogKey.reply] = "\(EmailAddress.redactingLocalParts(in: diagnostic))"
        }
        return metadata
    }

    private func setAside(_ name: String, _ reason: String, into summary: inout Summary) {
        logger.notice("bounce mailbox: message set aside", metadata: [
            LogKey.event: "\(EventName.bounceSetAside)", LogKey.file: "\(name)",
            LogKey.reason: "\(EmailAddress.redactingLocalParts(in: reason))",
        ])
        metrics.reports(.setAside)
        summary.setAside.append(SetAside(name: name, reason: reason))
        file(name, flags: "F")
    }

    /// Moves `new/<name>` to `cur/<name>:2,<flags>`. A failed move is logged; the message is then
    /// read again next pass, which is harmless (a recorded bounce is not recorded twice).
    private func file(_ name: String, flags: String) {
        let base = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
        let target = maildir + "/cur/" + base + ":2," + flags
        if rename(maildir + "/new/" + name, target) != 0 {
            logger.error("bounce mailbox: cannot move a message to cur/", metadata: [
                LogKey.event: "\(EventName.bounceMailboxError)", LogKey.file: "\(name)",
                LogKey.error: "\(String(cString: strerror(errno)))",
            ])
        }
    }

    enum FileProblem: Error, CustomStringConvertible {
        case notARegularFile
        case unreadable(String)
        var description: String {
            switch self {
            case .notARegularFile: "not a regular file"
            case .unreadable(let reason): "cannot be read: \(reason)"
            }
        }
    }

    /// The first `DeliveryStatusParser.maximumSize` bytes of a regular file (a link is not followed).
    static func contents(of path: String) -> Result<Data, FileProblem> {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(errno == ELOOP ? .notARegularFile : .unreadable(String(cString: strerror(errno))))
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            return .failure(.notARegularFile)
        }
        do {
            return .success(try handle.read(upToCount: DeliveryStatusParser.maximumSize) ?? Data())
        } catch {
            return .failure(.unreadable(reason(of: error)))
        }
    }

    static func reason(of error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}

/// `activationd_mail_bounced_total{kind}` and `activationd_bounce_reports_total{result}`, made once
/// for every label value.
struct BounceMetrics: Sendable {
    private let bouncedByKind: [MailKind: Counter]
    private let reportsByResult: [Report: Counter]

    init(factory: any MetricsFactory) {
        bouncedByKind = Dictionary(uniqueKeysWithValues: MailKind.allCases.map {
            ($0, Counter(label: "activationd_mail_bounced_total", dimensions: [("kind", $0.rawValue)], factory: factory))
        })
        reportsByResult = Dictionary(uniqueKeysWithValues: Report.allCases.map {
            ($0, Counter(label: "activationd_bounce_reports_total", dimensions: [("result", $0.rawValue)], factory: factory))
        })
    }

    /// A row marked bounced, by its mail's kind.
    func bounced(_ kind: MailKind) {
        bouncedByKind[kind]?.increment()
    }

    /// A message of the bounce mailbox read.
    func reports(_ result: Report) {
        reportsByResult[result]?.increment()
    }

    /// What became of a message of the bounce mailbox.
    enum Report: String, CaseIterable, Sendable {
        case bounced, delayed, duplicate
        case setAside = "set_aside"
    }
}
