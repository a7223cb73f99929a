import Foundation
import Dispatch
import Glibc

/// Reads secrets: from a configured path, or from systemd's `$CREDENTIALS_DIRECTORY` when the
/// service was started with `LoadCredential=<name>:…` (the credential wins: it is what the unit
/// deliberately handed over).
enum SecretFile {
    /// Where the secret for `key` is, or nil when none is configured and no credential exists.
    static func locate(key: String, configuredPath: String, credential: String, environment: [String: String])
        -> String?
    {
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            let path = (directory as NSString).appendingPathComponent(credential)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return configuredPath.isEmpty ? nil : configuredPath
    }

    /// Reads the file at `path` for `key`.
    ///
    /// - Parameter privateToOwner: refuse a file that others (not owner, not group) may read.
    static func read(key: String, path: String, privateToOwner: Bool) throws(ConfigurationError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ConfigurationError(key: key, problem: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw ConfigurationError(key: key, problem: "\(path) is not a regular file")
        }
        if privateToOwner, info.st_mode & 0o007 != 0 {
            throw ConfigurationError(
                key: key, problem: "\(path) is accessible to other users; chmod o-rwx it (0600 or 0640)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: key, problem: "cannot read \(path): permission denied")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(key: key, problem: "\(path) is not UTF-8 text")
        }
        return text
    }
}
