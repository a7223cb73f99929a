import ActivationDaemon
import ArgumentParser

struct SweepSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run one sweep now: reminders, expiry of pending accounts, purges.",
        discussion: """
            The daemon sweeps every sweeper.interval by itself; this runs one pass at once. With \
            --dry-run it only says what it would do.

            Example:
              activationd sweep --dry-run
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Flag(help: "Count what would be done; change nothing.") var dryRun = false

    func run() async throws {
        try await options.run { try await OperatorCommands.sweep($0, dryRun: dryRun) }
    }
}
