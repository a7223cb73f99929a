import Foundation

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

    /// Reads the file at `path` for `key`, after `FileSafety` found that no other user can have
    /// written it or can read it.
    static func read(key: String, path: String) throws(ConfigurationError) -> String {
        if let problem = FileSafety.problem(path: path, secret: true) {
            throw ConfigurationError(key: key, problem: problem)
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
