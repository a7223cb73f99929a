import ActivationMail
import Foundation
import Glibc

extension KeysCommand {
    /// `activationd keys dkim`: writes a new DKIM private key to `path` (PEM, mode 0600; an
    /// existing file is never overwritten) and returns the DNS TXT record to publish.
    ///
    /// - Parameter algorithm: `rsa` (2048 bits) or `ed25519`.
    /// - Returns: exit status 0 with the zone line, 73 (EX_CANTCREAT) when the file exists or
    ///   cannot be written, 64 for a bad algorithm, domain or selector.
    public static func generateDKIM(domain: String, selector: String, algorithm name: String, path: String)
        -> CommandOutcome
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
        // O_EXCL: a key already published must not be replaced by accident; O_NOFOLLOW: nor a
        // file a symbolic link points to.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = errno == EEXIST ? "exists; refusing to overwrite it" : String(cString: strerror(errno))
            return CommandOutcome(status: .cantCreate, error: "keys dkim: \(path): \(reason)")
        }
        defer { close(fd) }
        // The umask may have narrowed the mode further, never widened it; set it exactly.
        fchmod(fd, 0o600)
        let bytes = Array(key.privateKeyPEM.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            return CommandOutcome(status: .cantCreate, error: "keys dkim: \(path): \(reason)")
        }
        return CommandOutcome(output: """
            # Publish this TXT record, then set dkim.domain: \(key.domain), \
            \(algorithm == .ed25519SHA256 ? "dkim.ed25519_selector" : "dkim.selector"): \(key.selector)
            \(key.zoneLine)
            """)
    }
}
