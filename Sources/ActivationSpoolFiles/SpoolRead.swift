public import ActivationCore
public import Foundation
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

/// What reading one entry of `new/` found.
public enum SpoolRead: Sendable, Equatable {
    /// A regular file of at most `Registration.maximalRecordSize` bytes, read whole.
    case record(Data)
    /// Not a record intake will read — a symlink, a FIFO, a device, a directory, or too large —
    /// refused without reading it (whole).
    case refused(RegistrationProblem)
    /// The entry is gone (taken by another intake, or removed by its writer).
    case vanished
    /// A regular file this process may not read (its writer gave the daemon no read access):
    /// left where it is, for its writer or the operator to fix. Owner, group and permission bits.
    case unreadable(owner: UInt32, group: UInt32, mode: UInt32)
}

extension SpoolDirectory {
    /// Reads `new/<name>` without following a link and without blocking on a FIFO: lstat, then
    /// open with `O_NOFOLLOW | O_NONBLOCK`, then fstat the descriptor (the entry may have been
    /// swapped between the two), and at most one byte more than the limit.
    public func read(_ name: String) throws(SpoolError) -> SpoolRead {
        let path = new + "/" + name
        let limit = Registration.maximalRecordSize
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return .vanished }
            throw .last("lstat", path)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .refused(.notRegularFile) }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: return .vanished
            case ELOOP: return .refused(.notRegularFile)
            case EACCES: return .unreadable(owner: info.st_uid, group: info.st_gid, mode: info.st_mode & 0o7777)
            default: throw .last("open", path)
            }
        }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw .last("fstat", path) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .refused(.notRegularFile) }
        guard info.st_size <= limit else { return .refused(.tooLarge) }

        // The size may have grown since fstat (a writer that skipped tmp/): read one byte past the
        // limit at most, and refuse if it is there.
        var buffer = [UInt8](repeating: 0, count: limit + 1)
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw .last("read", path) }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { return .refused(.tooLarge) }
        return .record(Data(buffer[..<filled]))
    }
}

extension RegistrationProblem {
    /// The spool entry is a symlink, a FIFO, a device or a directory.
    public static let notRegularFile = RegistrationProblem(
        field: "record", code: "record.notRegularFile",
        message: "The spool entry is not a regular file (a symlink, FIFO, device or directory); it was not read.")
    /// The spool file is larger than `Registration.maximalRecordSize`.
    public static let tooLarge = RegistrationProblem(
        field: "record", code: "record.tooLarge",
        message: "The record is larger than \(Registration.maximalRecordSize) bytes; it was not read.")
    /// The spool file's name is not UTF-8: it is set aside by its bytes, unread.
    public static let undecodableName = RegistrationProblem(
        field: "record", code: "record.fileName",
        message: "The spool file's name is not valid UTF-8; the file was set aside without being read.")
}
