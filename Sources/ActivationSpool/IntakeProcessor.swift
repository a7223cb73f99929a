import ActivationCore
import CoreMetrics
import Foundation
import Logging
import NIOPosix
import Synchronization

/// Takes in one record of `new/`: read it safely, decode and check it, hash its password on the
/// thread pool, register it in the store, and only then remove it; or reject it into `rejected/`.
///
/// Nothing a record contains stops intake: every failure ends as a rejection, or — when the store
/// or the file system fails — as a log line with the file left for the next rescan.
struct IntakeProcessor: Sendable {
    let spool: SpoolDirectory
    let store: any AccountStore
    let hasher: PasswordHasher
    let threadPool: NIOThreadPool
    let lifetime: Duration
    let logger: Logger
    let metrics: IntakeMetrics
    /// When a pending account's link may be mailed again.
    let resend: ResendPolicy
    /// Names of unreadable records already reported, so that each rescan does not report them again.
    let unreadable = NoticedNames()

    /// Processes `new/<name>`; never throws: what cannot be done now is logged and left for later.
    func process(_ name: String) async {
        var logger = logger
        logger[metadataKey: LogKey.file] = "\(name)"
        do {
            try await take(name, logger: &logger)
        } catch {
            metrics.deferred.increment()
            logger.error("spool file left for the next rescan", metadata: [
                LogKey.event: "\(IntakeLogEvent.deferred)", LogKey.error: "\(error)",
            ])
        }
    }

    private func take(_ name: String, logger: inout Logger) async throws {
        let data: Data
        switch try spool.read(name) {
        case .vanished:
            unreadable.forget(name)
            return
        case .unreadable(let owner, let group, let mode):
            return noteUnreadable(name, owner: owner, group: group, mode: mode, logger: logger)
        case .refused(let problem):
            return try reject(name, [problem], copy: .entry, registration: nil, logger: logger)
        case .record(let read): data = read
        }
        unreadable.forget(name)

        let registration: Registration
        do {
            registration = try RegistrationDecoder.decode(data)
        } catch {
            return try reject(name, error.problems, copy: error.recordParsed ? .parsed(data) : .verbatim(data),
                              registration: nil, logger: logger)
        }
        logger[metadataKey: LogKey.registration] = "\(registration.id.lowercasedText)"
        let problems = RegistrationRules.check(registration)
        guard problems.isEmpty else {
            return try reject(name, problems, copy: .parsed(data), registration: registration.id, logger: logger)
        }

        // scrypt blocks for hundreds of milliseconds: a pool thread, never a cooperative one.
        let hasher = hasher
        let password = registration.password
        let hash = try await threadPool.runIfActive { try hasher.hash(password) }
        let now = Date()
        let account = Account.pending(from: registration, passwordHash: hash, now: now, lifetime: lifetime)
        switch try await store.register(registration, as: account, now: now) {
        case .created(let created, _, let superseded):
            try spool.remove(name)
            metrics.accepted.increment()
            logger.info("registration accepted", metadata: [
                LogKey.event: "\(EventName.registrationAccepted)", LogKey.account: "\(Self.text(created.id))",
            ])
            for old in superseded {
                metrics.superseded.increment()
                logger.info("pending account superseded", metadata: [
                    LogKey.event: "\(EventName.registrationSuperseded)", LogKey.account: "\(Self.text(old))",
                ])
            }
        case .duplicate(let existing):
            try spool.remove(name)
            metrics.duplicate.increment()
            logger.info("registration already taken in; file removed", metadata: [
                LogKey.event: "\(EventName.registrationDuplicate)",
                LogKey.account: "\(existing.map(Self.text) ?? "-")",
            ])
        case .rejected(let storeProblems):
            if storeProblems == [.usernameTaken], try await remail(registration, now: now, logger: logger) {
                try spool.remove(name)
                return
            }
            try reject(name, storeProblems, copy: .parsed(data), registration: registration.id, logger: logger)
        }
    }

    /// A record with a pending account's own username and email: the same person after a lost mail,
    /// or someone who knows both. Nothing an anonymous record says replaces that account (its
    /// password, its link); the account's own link is mailed again within the resend limits
    /// (`ResendPolicy`), so the owner of the address decides by following it, and the record is
    /// removed. False when the username is someone else's (another email, an active or expired
    /// account): then the record is rejected as `username.taken`.
    private func remail(_ registration: Registration, now: Date, logger: Logger) async throws -> Bool {
        guard let holder = try await store.account(username: registration.username), holder.state == .pending,
              !holder.isExpired(at: now), holder.emailKey == registration.emailKey
        else { return false }
        let decision = resend.decide(outbox: try await store.outbox(accountID: holder.id), now: now)
        if decision == .send {
            _ = try await store.enqueue(.activation, accountID: holder.id, now: now)
        }
        metrics.remailed.increment()
        logger.info("registration of a pending account's own username and email: its link mailed again if allowed", metadata: [
            LogKey.event: "\(IntakeLogEvent.remailed)", LogKey.account: "\(Self.text(holder.id))",
            "resend": "\(decision.rawValue)",
        ])
        return true
    }

    /// A record the daemon may not read stays in `new/`, untouched (it is its writer's: only the
    /// writer or root can give the daemon read access), and is reported once, with what to fix.
    private func noteUnreadable(_ name: String, owner: UInt32, group: UInt32, mode: UInt32, logger: Logger) {
        metrics.deferred.increment()
        guard unreadable.insert(name) else { return }
        logger.warning("spool file not readable by activationd, left in new/: its writer must create it mode 0640 in the spool's tmp/ (the setgid directory gives it the group activationd-submit)", metadata: [
            LogKey.event: "\(IntakeLogEvent.unreadable)",
            "owner": "\(owner)", "group": "\(group)", "mode": "\(String(mode, radix: 8))",
        ])
    }

    /// Sets aside a record whose name is not UTF-8, unread: no `String` names it, so it could be
    /// neither read nor removed by name, and it would wait in `new/` (with its password) for ever.
    func rejectUndecodable(_ name: SpoolName) {
        var logger = logger
        logger[metadataKey: LogKey.file] = "\(name.display)"
        do {
            try spool.reject(name, problems: [.undecodableName], copy: .entry, registration: nil)
        } catch {
            metrics.deferred.increment()
            logger.error("spool file left for the next rescan", metadata: [
                LogKey.event: "\(IntakeLogEvent.deferred)", LogKey.error: "\(error)",
            ])
            return
        }
        metrics.rejected.increment()
        logger.notice("registration rejected", metadata: [
            LogKey.event: "\(EventName.registrationRejected)", LogKey.codes: "\(RegistrationProblem.undecodableName.code)",
        ])
    }

    private func reject(
        _ name: String, _ problems: [RegistrationProblem], copy: RejectedCopy, registration: UUID?,
        logger: Logger
    ) throws {
        try spool.reject(name, problems: problems, copy: copy, registration: registration)
        metrics.rejected.increment()
        logger.notice("registration rejected", metadata: [
            LogKey.event: "\(EventName.registrationRejected)",
            LogKey.codes: "\(problems.map(\.code).joined(separator: ","))",
        ])
    }

    /// Ids as they appear in the store and in other log lines: lower case.
    static func text(_ id: UUID) -> String { id.lowercasedText }
}

/// The intake's own event names, beside Core's `EventName`.
public enum IntakeLogEvent: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A spool file could not be processed now (store or file-system error) and stays in `new/`.
    case deferred = "registration.deferred"
    /// A record named a pending account's own username and email: its link mailed again (within the
    /// resend limits), the record removed.
    case remailed = "registration.remailed"
    /// A record in `new/` that the daemon may not read (reported once per file; it stays there).
    case unreadable = "registration.unreadable"
    /// Dead writers' files were removed from `tmp/`.
    case tmpPurged = "spool.tmp_purged"
    /// The intake service started or stopped.
    case started = "intake.started"
    /// The intake service stopped.
    case stopped = "intake.stopped"

    /// The name, as logged.
    public var description: String { rawValue }
}

/// A bounded set of names, shared by the intake's tasks: which unreadable records were reported.
final class NoticedNames: Sendable {
    /// More names than this are not remembered (each would be reported again at the next rescan).
    static let capacity = 10_000
    private let names = Mutex<Set<String>>([])

    /// Adds `name`; true when it was not there (and there was room), that is: report it now.
    func insert(_ name: String) -> Bool {
        names.withLock { names in
            guard names.count < Self.capacity else { return true }
            return names.insert(name).inserted
        }
    }

    /// Removes `name` (the record became readable, or is gone).
    func forget(_ name: String) {
        names.withLock { names in
            if !names.isEmpty { names.remove(name) }
        }
    }
}
