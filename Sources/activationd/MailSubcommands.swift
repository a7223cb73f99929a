import ActivationDaemon
import ArgumentParser

struct SendTestSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send one test mail through the configured relay and print the outcome and the server's reply.",
        discussion: """
            Exits 0 when the relay accepted it, 75 when it deferred (4xx, or unreachable), 69 when it \
            refused (5xx).

            Example:
              activationd send-test --to postmaster@example.org
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "The recipient address.") var to: String

    func run() async throws {
        try await options.run { try await OperatorCommands.sendTest(to: to, $0) }
    }
}

struct OutboxSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Manage outgoing mail.",
        discussion: """
            Example:
              activationd outbox retry
            """,
        subcommands: [Retry.self]
    )

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue every failed mail again (after fixing the relay or the address).",
            discussion: """
                Example:
                  activationd outbox retry
                  activationd status        # failed drops to 0, queued rises
                """
        )

        @OptionGroup var options: ConfigurationOptions

        func run() async throws {
            try await options.run { try await OperatorCommands.retryFailed($0) }
        }
    }
}
