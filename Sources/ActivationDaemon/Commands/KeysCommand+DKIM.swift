import ActivationMail
import Foundation
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches

extension KeysCommand {
    /// `activationd keys dkim`: writes a new DKIM private key to `path` (PEM, mode 0600) and
    /// returns the DNS TXT record to publish.
    ///
    /// A key already there is never replaced by accident: an existing file is refused unless it
    /// is empty (as the package's postinst leaves `/etc/activationd/dkim.key`, so that systemd's
    /// `LoadCredential=` finds it) or `force` is given; a symbolic link or anything but a regular
    /// file is always refused. A replacement is written beside the file and renamed over it, so
    /// the old key stays whole until the new one is.
    ///
    /// - Parameter algorithm: `rsa` (2048 bits) or `ed25519`.
    /// - Returns: exit status 0 with the zone line, 73 (EX_CANTCREAT) when the file exists and may
    ///   not be replaced, or cannot be written, 64 for a bad algorithm, domain or selector.
    public static func generateDKIM(domain: String, selector: String, algorithm name: String, path: String,
                                    force: Bool = false) -> CommandOutcome
    {
        let algorithm: DKIMKey.Algorithm
        switch name.lowercased() {
        case "rsa", "rsa-sha256": algorithm = .rsaSHA256
        case "ed25519", "ed25519-sha256": algorithm = .ed25519SHA256
        default: return CommandOutcome(status: .usage, error: "keys dkim: --algorithm must be rsa or ed25519")
        }
        let key: DKIMKey
        do {
            key = try DKIMKey.generate(algorithm, domain: domain, selector: selector)
        } catch {
            return CommandOutcome(status: .usage, error: "keys dkim: \(error.description)")
        }
        var existing = stat()
        let replacing = lstat(path, &existing) == 0
        if replacing {
            guard (existing.st_mode & S_IFMT) == S_IFREG else {
                return CommandOutcome(status: .cantCreate,
                                      error: "keys dkim: \(path): exists and is not a regular file; refusing to overwrite it")
            }
            guard existing.st_size == 0 || force else {
                return CommandOutcome(status: .cantCreate, error: """
                    keys dkim: \(path): exists and is not empty; refusing to overwrite it (--force replaces it: \
                    the published key stops verifying)
                    """)
            }
        }
        // O_EXCL: a file that appeared meanwhile is not replaced; O_NOFOLLOW: nor one a link points to.
        let target = replacing ? path + ".new-\(getpid())" : path
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "exists; refusing to overwrite it" : String(cString: strerror(errno))
            return CommandOutcome(status: .cantCreate, error: "keys dkim: \(target): \(reason)")
        }
        defer { close(fd) }
        // The umask may have narrowed the mode further, never widened it; set it exactly.
        fchmod(fd, 0o600)
        if replacing {
            // The empty file's owner (root, as postinst made it) stays the key's.
            _ = fchown(fd, existing.st_uid, existing.st_gid)
        }
        let bytes = Array(key.privateKeyPEM.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0, !replacing || rename(target, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(target)
            return CommandOutcome(status: .cantCreate, error: "keys dkim: \(path): \(reason)")
        }
        return CommandOutcome(output: """
            # Publish this TXT record, then set dkim.domain: \(key.domain), \
            \(algorithm == .ed25519SHA256 ? "dkim.ed25519_selector" : "dkim.selector"): \(key.selector)
            \(key.zoneLine)
            """)
    }
}
