import Foundation
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

/// The modes of the daemon's own files, set by the daemon rather than left to the umask of
/// whoever started it: the store holds password hashes and phrases, a rejected spool file may hold
/// a password. Every file is created with the mode it needs (`open(…, mode)` then `fchmod`), and
/// the process umask is 077 besides, for files made by libraries (SQLite's -wal and -shm).
enum PrivateFiles {
    /// Sets the process umask to 077: nothing the daemon creates is readable by others unless it
    /// says so (the spool directories do, with an explicit chmod).
    static func restrictUmask() {
        umask(0o077)
    }

    /// Makes the SQLite database at `path` (and its -wal and -shm, when present) mode 0600 before
    /// SQLite opens it: creates an empty file 0600 when there is none (SQLite takes an empty file
    /// as a new database, and gives its -wal and -shm the database's mode), and narrows an existing
    /// one that others can read — a database created by an earlier version under umask 022 was 0644.
    static func prepareDatabase(at path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
        for file in [path, path + "-wal", path + "-shm"] {
            let create = file == path ? O_CREAT : 0
            let fd = open(file, O_RDWR | O_NOFOLLOW | O_CLOEXEC | create, 0o600)
            if fd < 0 {
                if errno == ENOENT, file != path { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO, userInfo: [NSFilePathErrorKey: file])
            }
            defer { close(fd) }
            var info = stat()
            if fstat(fd, &info) == 0, info.st_mode & 0o077 != 0 { fchmod(fd, 0o600) }
        }
    }
}
