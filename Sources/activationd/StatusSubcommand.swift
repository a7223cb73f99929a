import ActivationDaemon
import ArgumentParser

struct StatusSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show accounts by state, mail by status, the oldest unsent mail and the spool backlog.",
        discussion: """
            Example:
              activationd status --config /etc/activationd/activationd.yaml
              activationd status --json | jq .outbox.failed
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() async throws {
        try await options.run { try await OperatorCommands.status($0, json: json) }
    }
}
