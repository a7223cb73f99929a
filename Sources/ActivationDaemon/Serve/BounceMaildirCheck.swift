import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `serve`'s check of `bounces.maildir` at start: each report read is moved from `new/` to `cur/`,
/// so both must be writable. Outside the unit's `ReadWritePaths=` (`ProtectSystem=strict`) they
/// are read-only: every report would stay in `new/`, read again each pass and never filed.
enum BounceMaildirCheck {
    enum Outcome: Equatable {
        case writable
        /// Not there yet: the delivery agent makes the Maildir at its first delivery.
        case missing
        /// There, but `new/` or `cur/` cannot be written: what and why.
        case notWritable(String)
    }

    static func check(_ maildir: String) -> Outcome {
        for sub in ["new", "cur"] {
            let path = maildir + "/" + sub
            if access(path, W_OK) != 0 {
                if errno == ENOENT { return .missing }
                return .notWritable("\(path): \(String(cString: strerror(errno)))")
            }
        }
        return .writable
    }
}
