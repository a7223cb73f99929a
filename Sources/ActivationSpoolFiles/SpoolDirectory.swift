// ActivationSpool — where registrations enter activationd.
//
// Owns: the spool directory (tmp/, new/, rejected/), watching new/ with inotify, reading records
// without following links, quarantining what is invalid, and the intake service that turns a
// valid record into a pending account. Untrusted: every entry in new/ — its type, its size, its
// bytes — and its name. A record may hold a password anywhere, so record bytes never reach a log.
public import Foundation
import ActivationCore
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

/// The spool's three directories and the file operations on them, after the Maildir protocol: a
/// writer creates `tmp/<name>`, fsyncs it and renames it to `new/<name>.json`.
public struct SpoolDirectory: Sendable {
    /// The spool directory itself.
    public let root: String

    /// Where writers create records before they are complete.
    public var tmp: String { root + "/tmp" }
    /// Complete records, waiting for intake.
    public var new: String { root + "/new" }
    /// Invalid records and their `<name>.reason.json`.
    public var rejected: String { root + "/rejected" }

    /// The spool at `root`.
    public init(_ root: String) {
        var root = root
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// Creates the spool and its directories where missing.
    ///
    /// Mode 0770, whatever the umask: the web front (often another user in the daemon's group) must
    /// write `tmp/` and `new/`. Directories that exist keep the mode their owner gave them.
    public func create() throws(SpoolError) {
        for path in [root, tmp, new, rejected] {
            if mkdir(path, 0o700) == 0 {
                guard chmod(path, 0o770) == 0 else { throw .last("chmod", path) }
            } else if errno != EEXIST {
                throw .last("mkdir", path)
            }
        }
    }

    /// The record names waiting in `new/`: entries ending `.json`, dot files excluded, whose names
    /// are UTF-8.
    public func waitingNames() throws(SpoolError) -> [String] {
        try waiting().names
    }

    /// The records waiting in `new/`, in one scan: those with UTF-8 names, and those whose names
    /// are not UTF-8 — no `String` names them, so intake sets them aside by their bytes.
    package func waiting() throws(SpoolError) -> (names: [String], undecodable: [SpoolName]) {
        var names: [String] = []
        var undecodable: [SpoolName] = []
        for entry in try Self.entries(of: new) where entry.isRecordName {
            if let text = entry.text { names.append(text) } else { undecodable.append(entry) }
        }
        return (names, undecodable)
    }

    /// Whether `name` is one intake takes: `*.json`, not hidden, not a path.
    package static func isRecordName(_ name: String) -> Bool {
        !name.contains("/") && SpoolName(name).isRecordName
    }

    /// Makes the directory's entries (creations, renames, removals) durable.
    public static func fsyncDirectory(_ path: String) throws(SpoolError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .last("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .last("fsync", path) }
    }

    /// Removes `new/<name>` (after its registration is committed) and makes the removal durable.
    public func remove(_ name: String) throws(SpoolError) {
        let path = new + "/" + name
        guard unlink(path) == 0 || errno == ENOENT else { throw .last("unlink", path) }
        try Self.fsyncDirectory(new)
    }

    /// Removes entries of `tmp/` last modified before `now - age` (Maildir's 36 hours: a writer
    /// that has not renamed its file by then has died). Returns how many were removed.
    @discardableResult
    public func purgeTmp(olderThan age: Duration, now: Date = Date()) throws(SpoolError) -> Int {
        let cutoff = now.timeIntervalSince1970 - age.timeInterval
        var removed = 0
        for name in try Self.entries(of: tmp) {
            let path = name.path(in: tmp)
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR,
                  TimeInterval(info.st_mtim.tv_sec) < cutoff
            else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// The names in a directory, without `.` and `..`, as the file system holds them.
    package static func entries(of path: String) throws(SpoolError) -> [SpoolName] {
        guard let dir = opendir(path) else { throw .last("opendir", path) }
        defer { closedir(dir) }
        var names: [SpoolName] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                SpoolName(bytes: raw.prefix(while: { $0 != 0 }))
            }
            if name.bytes != [0x2E], name.bytes != [0x2E, 0x2E] { names.append(name) }
        }
        return names
    }
}
