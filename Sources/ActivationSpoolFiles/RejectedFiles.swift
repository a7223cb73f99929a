public import Foundation

/// Old files in the spool's `rejected/`: set-aside records may hold a password, so they do not
/// stay forever.
public enum RejectedFiles {
    /// Removes (or, with `dryRun`, counts) the entries of `directory` last modified before `cutoff`.
    /// Entries are judged by lstat (`attributesOfItem` does not follow links) and removed by name,
    /// so a symlink is removed, never followed.
    public static func purge(in directory: String, olderThan cutoff: Date, dryRun: Bool) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType != .typeDirectory,
                  let modified = attributes[.modificationDate] as? Date, modified < cutoff
            else { continue }
            if dryRun || unlink(path) == 0 { removed += 1 }
        }
        return removed
    }
}
