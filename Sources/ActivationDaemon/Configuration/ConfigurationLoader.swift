public import Foundation
import Configuration
import SystemPackage
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
        try checkStructure(yaml: text, path: path)

        let reader: ConfigReader
        do {
            let file = try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
            let overrides = environment.filter { $0.key.hasPrefix("ACTIVATIOND_") }
            // `smtp.url` is looked up as ACTIVATIOND_SMTP_URL, then in the file.
            let environmentProvider = KeyMappingProvider(
                upstream: EnvironmentVariablesProvider(environmentVariables: overrides),
                keyMapper: { $0.prepending(["activationd"]) })
            reader = ConfigReader(providers: [environmentProvider, file])
        } catch {
            throw ConfigurationError(key: path, problem: "not valid YAML")
        }
        var values = ConfigurationValues()
        for entry in ConfigurationSchema.entries {
            values.raw[entry.key] = value(of: entry, reader: reader)
        }
        return try values.build(environment: environment)
    }

    /// Refuses a file that is not a mapping of known sections and keys with scalar values.
    static func checkStructure(yaml: String, path: String) throws(ConfigurationError) {
        let document: Any?
        do {
            document = try Yams.load(yaml: yaml)
        } catch {
            throw ConfigurationError(key: path, problem: "not valid YAML: \(Self.firstLine(of: error))")
        }
        guard let document else { return }
        guard let top = document as? [String: Any] else {
            throw ConfigurationError(key: path, problem: "expected a mapping of sections at the top level")
        }
        for (name, value) in top {
            if ConfigurationSchema.sections.contains(name) {
                guard let section = value as? [String: Any] else {
                    if value is NSNull { continue }
                    throw ConfigurationError(key: name, problem: "expected a mapping of keys")
                }
                for (key, scalar) in section {
                    let dotted = "\(name).\(key)"
                    guard ConfigurationSchema.byKey[dotted] != nil else {
                        throw ConfigurationError(key: dotted, problem: "unknown key")
                    }
                    guard !(scalar is [Any]) && !(scalar is [String: Any]) else {
                        throw ConfigurationError(key: dotted, problem: "expected a single value")
                    }
                }
            } else if ConfigurationSchema.byKey[name] != nil {
                guard !(value is [Any]) && !(value is [String: Any]) else {
                    throw ConfigurationError(key: name, problem: "expected a single value")
                }
            } else {
                throw ConfigurationError(key: name, problem: "unknown key")
            }
        }
    }

    /// The value of one key as text, from the environment or the file, else its default.
    /// (Nested and list values were refused by `checkStructure`, so every value present reads as text.)
    private static func value(of entry: ConfigurationSchema.Entry, reader: ConfigReader) -> String {
        let key = ConfigKey(entry.key.split(separator: ".").map(String.init))
        return reader.string(forKey: key) ?? entry.defaultValue
    }

    private static func firstLine(of error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "syntax error"
    }
}
