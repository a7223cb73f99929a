public import Foundation
import Glibc

/// Writes records into a spool as every front must: `tmp/<name>`, fsync, rename to
/// `new/<name>.json`, then make the rename durable — so intake never sees a partial record.
public enum SpoolWriter {
    /// Writes `record` (already validated by the caller) and returns the file name in `new/`.
    /// Returns only once the record is durably in `new/` (see `SpoolDirectory.makeEntryDurable`).
    @discardableResult
    public static func write(_ record: Data, to spool: SpoolDirectory) throws(SpoolError) -> String {
        let tmpPath = try spool.writeTmp(record, mode: 0o640)
        let name = String(tmpPath.split(separator: "/").last!) + ".json"
        try spool.renameTmp(tmpPath, to: spool.new + "/" + name)
        try spool.makeEntryDurable(name)
        return name
    }
}

extension SpoolDirectory {
    /// Makes the entry `new/<name>` that this process just renamed there durable.
    ///
    /// The daemon owns `new/` and fsyncs it. A web front in the group `activationd-submit` may only
    /// search and write `new/` (mode 3730: it must not list other writers' records), so it cannot
    /// open the directory to fsync it (EACCES); it syncs the file system that holds its record
    /// instead (`syncfs(2)` on the record, which commits the rename with everything else). A record
    /// already gone was taken in by the daemon, which removes a record only after its registration
    /// is committed: it is durable in the store.
    public func makeEntryDurable(_ name: String) throws(SpoolError) {
        do {
            try Self.fsyncDirectory(new)
            return
        } catch let error where error.errno == EACCES {
            // Not ours to read: sync the file system through the record itself, below.
        }
        let path = new + "/" + name
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            if errno == ENOENT { return }
            throw .last("open", path)
        }
        defer { close(fd) }
        guard let syncfs = Self.syncfs else {
            sync()  // no syncfs(2) in this C library: every file system
            return
        }
        guard syncfs(fd) == 0 else { throw .last("syncfs", path) }
    }

    /// glibc's `syncfs(2)`, which Swift's Glibc module does not import (it is a GNU extension).
    private nonisolated(unsafe) static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()
}
