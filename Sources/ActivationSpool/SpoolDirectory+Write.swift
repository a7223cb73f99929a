import Foundation
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

extension SpoolDirectory {
    /// A name no other writer uses, after Maildir: `<seconds>.M<microseconds>P<pid>R<random>.<host>`.
    static func uniqueName() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        var host = ProcessInfo.processInfo.hostName
        host = host.replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        return "\(now.tv_sec).M\(now.tv_usec)P\(getpid())R\(random).\(host)"
    }

    /// Creates `tmp/<fresh name>` (never an existing file, never through a link) with `mode`,
    /// writes `data` and fsyncs it. Returns its path, for a rename.
    func writeTmp(_ data: Data, mode: mode_t) throws(SpoolError) -> String {
        let path = tmp + "/" + Self.uniqueName()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .last("open", path) }
        var failure: SpoolError?
        data.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let count = write(fd, raw.baseAddress! + written, raw.count - written)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { failure = .last("write", path); return }
                written += count
            }
        }
        // umask may have narrowed `mode`; fchmod sets it exactly (0600 for a rejected copy).
        if failure == nil, fchmod(fd, mode) != 0 { failure = .last("fchmod", path) }
        if failure == nil, fsync(fd) != 0 { failure = .last("fsync", path) }
        close(fd)
        if let failure {
            unlink(path)
            throw failure
        }
        return path
    }

    /// Creates `tmp/<fresh name>` mode 0600 and copies everything `source` holds into it, fsynced.
    /// Returns its path, for a rename. (An oversized spool file of another user, set aside.)
    func copyTmp(from source: Int32, path: String) throws(SpoolError) -> String {
        let target = tmp + "/" + Self.uniqueName()
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .last("open", target) }
        var failure: SpoolError?
        var buffer = [UInt8](repeating: 0, count: 65_536)
        copying: while failure == nil {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { failure = .last("read", path); break }
            if count == 0 { break }
            var written = 0
            while written < count {
                let step = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + written, count - written) }
                if step < 0, errno == EINTR { continue }
                guard step > 0 else { failure = .last("write", target); break copying }
                written += step
            }
        }
        if failure == nil, fchmod(fd, 0o600) != 0 { failure = .last("fchmod", target) }
        if failure == nil, fsync(fd) != 0 { failure = .last("fsync", target) }
        close(fd)
        if let failure {
            unlink(target)
            throw failure
        }
        return target
    }

    /// Renames a file made by `writeTmp` to `target`, removing it from `tmp/` if that fails: a
    /// retried reject must not leave a copy behind at each attempt.
    func renameTmp(_ path: String, to target: String) throws(SpoolError) {
        guard Glibc.rename(path, target) == 0 else {
            let error = SpoolError.last("rename", path)
            unlink(path)
            throw error
        }
    }
}
