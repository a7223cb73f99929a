import ActivationMail

extension ConfigurationValues {
    /// The DKIM keys: `dkim.private_key_file` (or the `dkim-key` credential) signs with
    /// `dkim.algorithm` under `dkim.selector`; `dkim.ed25519_private_key_file` (or the
    /// `dkim-ed25519-key` credential) adds an Ed25519 signature under `dkim.ed25519_selector`.
    ///
    /// An empty key file means no key, as the unit's empty `dkim.key` does. Each key is parsed
    /// here, once: a bad key stops the daemon at start (exit 78), naming the key, instead of
    /// failing every mail.
    func dkimKeys(environment: [String: String]) throws(ConfigurationError) -> [DKIMKey] {
        let domain = text("dkim.domain")
        guard domain.isEmpty || DKIMKey.isDNSName(domain) else {
            throw ConfigurationError(key: "dkim.domain", problem: "expected a domain name such as example.org, got \"\(domain)\"")
        }
        for key in ["dkim.selector", "dkim.ed25519_selector"] where !text(key).isEmpty && !DKIMKey.isDNSName(text(key)) {
            throw ConfigurationError(key: key, problem: "expected a DNS label such as mail2026, got \"\(text(key))\"")
        }
        var keys: [DKIMKey] = []
        if let key = try dkimKey(fileKey: "dkim.private_key_file", credential: "dkim-key",
                                 algorithm: try choice("dkim.algorithm"), selectorKey: "dkim.selector", environment: environment) {
            keys.append(key)
        }
        if let key = try dkimKey(fileKey: "dkim.ed25519_private_key_file", credential: "dkim-ed25519-key",
                                 algorithm: .ed25519SHA256, selectorKey: "dkim.ed25519_selector",
                                 environment: environment) {
            guard keys.first?.algorithm != .ed25519SHA256 else {
                throw ConfigurationError(key: "dkim.ed25519_private_key_file", problem:
                    "is a second Ed25519 key; with dkim.algorithm: ed25519-sha256 leave it empty")
            }
            keys.append(key)
        }
        if keys.isEmpty, !domain.isEmpty {
            throw ConfigurationError(key: "dkim.private_key_file", problem:
                "dkim.domain is set but no key is configured (dkim.private_key_file or the dkim-key credential is empty)")
        }
        return keys
    }

    /// One key, or nil when its file is not configured or empty.
    private func dkimKey(fileKey: String, credential: String, algorithm: DKIMKey.Algorithm, selectorKey: String,
                         environment: [String: String]) throws(ConfigurationError) -> DKIMKey? {
        guard let path = SecretFile.locate(key: fileKey, configuredPath: text(fileKey), credential: credential,
                                           environment: environment)
        else { return nil }
        let pem = try SecretFile.read(key: fileKey, path: path)
        if pem.allSatisfy(\.isWhitespace) { return nil }
        let domain = text("dkim.domain")
        guard !domain.isEmpty else {
            throw ConfigurationError(key: "dkim.domain", problem: "\(fileKey) holds a key but dkim.domain is empty")
        }
        let selector = text(selectorKey)
        guard !selector.isEmpty else {
            throw ConfigurationError(key: selectorKey, problem: "\(fileKey) holds a key but \(selectorKey) is empty")
        }
        do {
            return try DKIMKey(pem: pem, algorithm: algorithm, domain: domain, selector: selector)
        } catch {
            throw ConfigurationError(key: fileKey, problem: "\(path): \(error.description) (\(algorithm.rawValue))")
        }
    }
}
