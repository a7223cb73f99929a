// activationd — the command line: `serve` and the operator's subcommands.
//
// Owns only argument parsing; the work is in ActivationDaemon.
import ArgumentParser

@main
struct Activationd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activationd",
        abstract: "Turns registrations dropped in a spool directory into activated accounts.",
        discussion: """
            Exit statuses follow sysexits(3): 65 invalid data, 66 missing input, 78 bad configuration.
            """,
        version: BuildInfo.line,
        subcommands: [
            ServeSubcommand.self, SubmitSubcommand.self, ValidateSubcommand.self, StatusSubcommand.self, AccountSubcommand.self, ResendSubcommand.self,
            SweepSubcommand.self, SendTestSubcommand.self, OutboxSubcommand.self, CheckConfigSubcommand.self, ConfigTemplateSubcommand.self,
            KeysSubcommand.self, StoreSubcommand.self, BouncesSubcommand.self,
        ]
    )
}
