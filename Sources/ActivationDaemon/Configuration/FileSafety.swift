import Foundation
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

/// Whether a file the daemon trusts (its configuration, a secret) could have been written by
/// someone other than root or the daemon's own user.
///
/// A configuration or keys file that another user can write lets that user choose the signing key,
/// the relay or the store; so does a directory on its path that they can write, since they can
/// rename the file away and put their own in its place. This is OpenSSH's `safe_path` rule: the
/// file and every directory above it must be owned by root or by us and writable by no one else;
/// a sticky directory (`/tmp`, mode 1777) is safe to pass through, because only the owner of an
/// entry may rename or remove it there.
enum FileSafety {
    /// What is wrong with `path` and the directories above it, or nil when it is safe.
    ///
    /// - Parameters:
    ///   - path: the file; a symbolic link is followed, and the directories checked are those of
    ///     the file it resolves to.
    ///   - secret: also refuse a file that users outside its group may read.
    static func problem(path: String, secret: Bool) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return "cannot read \(path): \(String(cString: strerror(errno)))" }
        guard info.st_mode & S_IFMT == S_IFREG else { return "\(path) is not a regular file" }
        let me = geteuid()
        if let owner = foreignOwner(info, me: me) { return "\(path) is owned by uid \(owner), not by root or uid \(me)" }
        if info.st_mode & 0o022 != 0 {
            return "\(path) is writable by other users (mode \(octal(info.st_mode))); chmod go-w it (0600 or 0640)"
        }
        if secret, info.st_mode & 0o007 != 0 {
            return "\(path) is accessible to other users (mode \(octal(info.st_mode))); chmod o-rwx it (0600 or 0640)"
        }
        guard let resolved = realpath(path, nil) else { return "cannot resolve \(path)" }
        defer { free(resolved) }
        var directory = (String(cString: resolved) as NSString).deletingLastPathComponent
        while true {
            guard stat(directory, &info) == 0 else {
                return "cannot read \(directory): \(String(cString: strerror(errno)))"
            }
            if let owner = foreignOwner(info, me: me) {
                return "\(path) is in \(directory), owned by uid \(owner), not by root or uid \(me)"
            }
            if info.st_mode & 0o022 != 0, info.st_mode & S_ISVTX == 0 {
                return "\(path) is in \(directory), which other users can write (mode \(octal(info.st_mode))); "
                    + "move the file or chmod go-w the directory"
            }
            if directory == "/" { return nil }
            directory = (directory as NSString).deletingLastPathComponent
        }
    }

    /// The owner of `info` when it is neither root nor `me`.
    private static func foreignOwner(_ info: stat, me: uid_t) -> uid_t? {
        info.st_uid == 0 || info.st_uid == me ? nil : info.st_uid
    }

    private static func octal(_ mode: mode_t) -> String {
        let text = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
