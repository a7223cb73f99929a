/// A configuration problem: the key and what is wrong with it, never a secret's value.
/// `activationd` prints it on one line and exits 78 (EX_CONFIG).
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted key (`smtp.timeout`), or the file path for problems with the file as a whole.
    public let key: String
    /// What is wrong.
    public let problem: String

    /// Creates an error.
    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    /// `configuration: <key>: <problem>`.
    public var description: String { "configuration: \(key): \(problem)" }
}
