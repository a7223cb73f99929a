/// What an operator's subcommand prints and how it exits.
public struct CommandOutcome: Sendable, Equatable {
    /// Printed on standard output (nothing when empty).
    public var output: String
    /// The exit status.
    public var status: ExitStatus
    /// Printed on standard error, prefixed `activationd: `.
    public var error: String?

    /// Creates an outcome.
    public init(output: String = "", status: ExitStatus = .ok, error: String? = nil) {
        self.output = output
        self.status = status
        self.error = error
    }
}
