public import ActivationCore
public import Foundation
import Glibc

/// How a rejected record is kept in `rejected/`.
public enum RejectedCopy: Sendable {
    /// The bytes as read, because they do not parse (they may hold a password: mode 0600).
    case verbatim(Data)
    /// A record that parsed, to be kept with its password fields removed.
    case parsed(Data)
    /// The entry itself, moved without reading it (a symlink, FIFO, device or oversized file).
    case entry
}

/// The content of `rejected/<name>.reason.json`.
public struct RejectionReason: Codable, Sendable, Equatable {
    /// The spool file name.
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
    /// Moves `new/<name>` to `rejected/<name>` as `copy` says, beside `<name>.reason.json`.
    ///
    /// The reason and the copy are durable in `rejected/` before the record leaves `new/`: a crash
    /// in between leaves the record in `new/`, and the next attempt rejects it again, overwriting both.
    public func reject(
        _ name: String, problems: [RegistrationProblem], copy: RejectedCopy, registration: UUID?,
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
        let reason = RejectionReason(
            file: name, rejectedAt: now.formatted(.iso8601), registration: registration?.lowercasedText,
            kept: kept, problems: problems)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let reasonData = (try? encoder.encode(reason)) ?? Data()
        try Self.rename(try writeTmp(reasonData + Data("\n".utf8), mode: 0o600),
                        rejected + "/" + name + ".reason.json")

        let source = new + "/" + name
        let target = rejected + "/" + name
        if case .entry = copy {
            try Self.rename(source, target)
        } else {
            if let keptData { try Self.rename(try writeTmp(keptData, mode: 0o600), target) }
            guard unlink(source) == 0 || errno == ENOENT else { throw .last("unlink", source) }
        }
        try Self.fsyncDirectory(rejected)
        try Self.fsyncDirectory(new)
    }

    /// The record with `password` and `confirmPassword` removed, re-encoded; nil if it is not a
    /// JSON object after all (then no copy is kept rather than one that may hold a password).
    static func withoutPasswords(_ data: Data) -> Data? {
        guard var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        for field in Registration.passwordFieldNames { object.removeValue(forKey: field) }
        return try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
