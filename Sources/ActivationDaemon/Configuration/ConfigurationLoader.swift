public import Foundation
import Yams

extension DaemonConfiguration {
    /// The default configuration file.
    public static let defaultPath = "/etc/activationd/activationd.yaml"

    /// Loads and checks the configuration: the YAML file at `path`, then environment overrides,
    /// then the secrets the keys point at. The first problem is thrown, naming the key.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        async throws(ConfigurationError) -> DaemonConfiguration
    {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: path, problem: "cannot read the configuration file")
        }
        // The file names the keys, the relay and the store: whoever can write it runs the service.
        if let problem = FileSafety.problem(path: path, secret: false) {
            throw ConfigurationError(key: path, problem: problem)
        }
        var values = ConfigurationValues()
        values.raw = try fileValues(yaml: text, path: path)
        // `smtp.url` is looked up as ACTIVATIOND_SMTP_URL, then in the file, then its default.
        for entry in ConfigurationSchema.entries {
            if let value = environment[environmentName(of: entry.key)] { values.raw[entry.key] = value }
        }
        return try values.build(environment: environment)
    }

    /// The environment variable that overrides `key`: `ACTIVATIOND_SMTP_URL` for `smtp.url`.
    static func environmentName(of key: String) -> String {
        "ACTIVATIOND_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The file parsed once: each key's value as written (`8192`, `30s`, `yes` stay text; the
    /// kinds are checked by `ConfigurationValues`). Refuses a file that is not a mapping of known
    /// sections and keys with single values.
    static func fileValues(yaml: String, path: String) throws(ConfigurationError) -> [String: String] {
        let document: Node?
        do {
            document = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(key: path, problem: "not valid YAML: \(Self.firstLine(of: error))")
        }
        guard let document, document.null == nil else { return [:] }
        guard let top = document.mapping else {
            throw ConfigurationError(key: path, problem: "expected a mapping of sections at the top level")
        }
        var values: [String: String] = [:]
        for (nameNode, value) in top {
            let name = nameNode.string ?? ""
            if ConfigurationSchema.sections.contains(name) {
                if value.null != nil { continue }
                guard let section = value.mapping else {
                    throw ConfigurationError(key: name, problem: "expected a mapping of keys")
                }
                for (leafNode, scalar) in section {
                    let dotted = "\(name).\(leafNode.string ?? "")"
                    guard ConfigurationSchema.byKey[dotted] != nil else {
                        throw ConfigurationError(key: dotted, problem: "unknown key")
                    }
                    guard let text = scalar.scalar?.string else {
                        throw ConfigurationError(key: dotted, problem: "expected a single value")
                    }
                    values[dotted] = text
                }
            } else if ConfigurationSchema.byKey[name] != nil {
                guard let text = value.scalar?.string else {
                    throw ConfigurationError(key: name, problem: "expected a single value")
                }
                values[name] = text
            } else {
                throw ConfigurationError(key: name, problem: "unknown key")
            }
        }
        return values
    }

    private static func firstLine(of error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "syntax error"
    }
}
