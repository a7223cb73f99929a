import Foundation
import Glibc

/// Old files in the spool's `rejected/`: set-aside records may hold a password, so they do not
/// stay forever.
enum RejectedFiles {
    /// Removes (or, with `dryRun`, counts) the entries of `directory` last modified before `cutoff`.
    /// Entries are judged by lstat and removed by name, so a symlink is removed, never followed.
    static func purge(in directory: String, olderThan cutoff: Date, dryRun: Bool) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR else { continue }
            let modified = Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
            guard modified < cutoff else { continue }
            if dryRun || unlink(path) == 0 { removed += 1 }
        }
        return removed
    }
}
