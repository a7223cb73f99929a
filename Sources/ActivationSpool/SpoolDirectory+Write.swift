import Foundation
import Glibc

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

    /// Renames `from` to `to`, replacing `to`.
    static func rename(_ from: String, _ to: String) throws(SpoolError) {
        guard Glibc.rename(from, to) == 0 else { throw .last("rename", from) }
    }
}
