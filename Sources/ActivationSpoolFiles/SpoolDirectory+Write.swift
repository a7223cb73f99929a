package import Foundation
package import Glibc
package import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

extension SpoolDirectory {
    /// A name no other writer uses, after Maildir: `<seconds>.M<microseconds>P<pid>R<random>.<host>`.
    package static func uniqueName() -> String {
        var now = timeval()
        gettimeofday(&now, nil)
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        var host = ProcessInfo.processInfo.hostName
        host = host.replacingOccurrences(of: "/", with: "\\057").replacingOccurrences(of: ":", with: "\\072")
        return "\(now.tv_sec).M\(now.tv_usec)P\(getpid())R\(random).\(host)"
    }

    /// Creates `tmp/<fresh name>` (never an existing file, never through a link) with `mode`,
    /// writes `data` and fsyncs it. Returns its path, for a rename.
    package func writeTmp(_ data: Data, mode: mode_t) throws(SpoolError) -> String {
        try makeTmp(mode: mode) { fd, path in
            data.withUnsafeBytes { raw in Self.writeAll(fd, raw, count: raw.count, path: path) }
        }
    }

    /// Creates `tmp/<fresh name>` mode 0600 and copies everything `source` holds into it, fsynced.
    /// Returns its path, for a rename. (An oversized spool file of another user, set aside.)
    package func copyTmp(from source: Int32, path: String) throws(SpoolError) -> String {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        return try makeTmp(mode: 0o600) { fd, target in
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count < 0 { return .last("read", path) }
                if count == 0 { return nil }
                if let failure = buffer.withUnsafeBytes({ Self.writeAll(fd, $0, count: count, path: target) }) {
                    return failure
                }
            }
        }
    }

    /// Creates a fresh file in `tmp/` with `mode`, lets `fill` write it, then sets the mode exactly
    /// (umask may have narrowed it: 0600 for a rejected copy) and fsyncs; on any failure the file
    /// is removed. Returns its path.
    private func makeTmp(
        mode: mode_t, fill: (_ fd: Int32, _ path: String) -> SpoolError?
    ) throws(SpoolError) -> String {
        let path = tmp + "/" + Self.uniqueName()
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .last("open", path) }
        var failure = fill(fd, path)
        if failure == nil, fchmod(fd, mode) != 0 { failure = .last("fchmod", path) }
        if failure == nil, fsync(fd) != 0 { failure = .last("fsync", path) }
        close(fd)
        if let failure {
            unlink(path)
            throw failure
        }
        return path
    }

    /// Writes the first `count` bytes of `raw` to `fd`, through short writes and EINTR.
    private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, count: Int, path: String) -> SpoolError? {
        var written = 0
        while written < count {
            let step = write(fd, raw.baseAddress! + written, count - written)
            if step < 0, errno == EINTR { continue }
            guard step > 0 else { return .last("write", path) }
            written += step
        }
        return nil
    }

    /// Renames a file made by `writeTmp` to `target`, removing it from `tmp/` if that fails: a
    /// retried reject must not leave a copy behind at each attempt.
    package func renameTmp(_ path: String, to target: String) throws(SpoolError) {
        guard Glibc.rename(path, target) == 0 else {
            let error = SpoolError.last("rename", path)
            unlink(path)
            throw error
        }
    }
}
