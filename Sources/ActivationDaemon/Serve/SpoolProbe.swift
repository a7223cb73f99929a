import Foundation

/// Whether the spool can take and hand over files: `/readyz`'s spool check.
enum SpoolProbe {
    /// True when `tmp/`, `new/` and `rejected/` exist and this process may write to them.
    static func isWritable(_ directory: String) -> Bool {
        ["tmp", "new", "rejected"].allSatisfy { access(directory + "/" + $0, W_OK | X_OK) == 0 }
    }
}
