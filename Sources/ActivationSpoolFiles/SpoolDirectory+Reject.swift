public import ActivationCore
public import Foundation
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

/// How a rejected record is kept in `rejected/`.
public enum RejectedCopy: Sendable {
    /// The bytes as read, because they do not parse (they may hold a password: mode 0600).
    case verbatim(Data)
    /// A record that parsed, to be kept with its password fields removed.
    case parsed(Data)
    /// The entry itself, moved without reading it (a symlink, FIFO, device or oversized file).
    case entry
}

/// The content of `rejected/<name>.reason.json` (for a name too long for that, or not UTF-8, see
/// `SpoolName.rejectedName`).
public struct RejectionReason: Codable, Sendable, Equatable {
    /// The spool file name, with any byte that is not UTF-8 (or is a control character) as `%XX`.
    public var file: String
    /// When it was rejected, RFC 3339.
    public var rejectedAt: String
    /// The registration id, when the record has a readable one.
    public var registration: String?
    /// What `rejected/<name>` is: `verbatim`, `withoutPasswords`, `entry`, or `none`.
    public var kept: String
    /// Every problem found.
    public var problems: [RegistrationProblem]
}

extension SpoolDirectory {
    /// Moves `new/<name>` to `rejected/`, as `copy` says, beside its reason file.
    ///
    /// The reason and the copy are durable in `rejected/` before the record leaves `new/`: a crash
    /// in between leaves the record in `new/`, and the next attempt rejects it again, overwriting both.
    public func reject(
        _ name: String, problems: [RegistrationProblem], copy: RejectedCopy, registration: UUID?,
        now: Date = Date()
    ) throws(SpoolError) {
        try reject(SpoolName(name), problems: problems, copy: copy, registration: registration, now: now)
    }

    /// `reject` for a name as bytes; the copy is `rejected/<name.rejectedName>` and the reason
    /// `rejected/<name.rejectedName>.reason.json`, which fit whatever the name in `new/` was.
    package func reject(
        _ name: SpoolName, problems: [RegistrationProblem], copy: RejectedCopy, registration: UUID?,
        now: Date = Date()
    ) throws(SpoolError) {
        var kept: String
        var keptData: Data?
        switch copy {
        case .verbatim(let data): kept = "verbatim"; keptData = data
        case .parsed(let data):
            keptData = Self.withoutPasswords(data)
            kept = keptData == nil ? "none" : "withoutPasswords"
        case .entry: kept = "entry"
        }
        let target = rejected + "/" + name.rejectedName
        let reason = RejectionReason(
            file: name.display, rejectedAt: now.formatted(.iso8601), registration: registration?.lowercasedText,
            kept: kept, problems: problems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let reasonData = (try? encoder.encode(reason)) ?? Data()
        try renameTmp(try writeTmp(reasonData + Data("\n".utf8), mode: 0o600), to: target + SpoolName.reasonSuffix)

        let source = name.path(in: new)
        if case .entry = copy {
            if let owned = try Self.makePrivate(source, display: new + "/" + name.display) {
                // The front's file, which only its owner may chmod: a private copy takes its place.
                defer { close(owned) }
                try renameTmp(try copyTmp(from: owned, path: new + "/" + name.display), to: target)
                guard unlink(source) == 0 || errno == ENOENT else { throw .last("unlink", new + "/" + name.display) }
            } else {
                guard Glibc.rename(source, target) == 0 else { throw .last("rename", new + "/" + name.display) }
            }
        } else {
            if let keptData { try renameTmp(try writeTmp(keptData, mode: 0o600), to: target) }
            guard unlink(source) == 0 || errno == ENOENT else { throw .last("unlink", new + "/" + name.display) }
        }
        try Self.fsyncDirectory(rejected)
        try Self.fsyncDirectory(new)
    }

    /// Narrows an entry about to be moved to `rejected/` to its owner (0600; 0700 for a directory):
    /// the writer's mode (often 0640 or 0644) must not follow a file that may hold a password.
    /// Opened without following links and without blocking on a FIFO; links (whose mode means
    /// nothing) and devices are left as they are.
    ///
    /// - Returns: nil when done; the open descriptor of a regular file that belongs to another user
    ///   (the web front's), which the daemon may not chmod, for the caller to copy.
    private static func makePrivate(_ path: [CChar], display: String) throws(SpoolError) -> Int32? {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw .last("lstat", display) }
        let type = info.st_mode & S_IFMT
        let flags: Int32
        switch type {
        case S_IFREG, S_IFIFO: flags = O_RDONLY | O_NONBLOCK
        case S_IFDIR: flags = O_RDONLY | O_DIRECTORY
        default: return nil
        }
        let fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            if errno == ELOOP { return nil }
            throw .last("open", display)
        }
        if fchmod(fd, type == S_IFDIR ? 0o700 : 0o600) == 0 {
            close(fd)
            return nil
        }
        let failure = SpoolError.last("fchmod", display)
        if failure.errno == EPERM, type == S_IFREG, fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
            return fd
        }
        close(fd)
        if failure.errno == EPERM { return nil }  // a FIFO or directory of another user: it holds no record bytes
        throw failure
    }

    /// The record with `password` and `confirmPassword` removed, re-encoded; nil if it is not a
    /// JSON object after all (then no copy is kept rather than one that may hold a password).
    package static func withoutPasswords(_ data: Data) -> Data? {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        for field in Registration.passwordFieldNames { object.removeValue(forKey: field) }
        return try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
