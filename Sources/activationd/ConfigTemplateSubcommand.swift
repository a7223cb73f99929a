import ActivationDaemon
import ArgumentParser

/// `config-template`: the configuration file (or the man page's key list) written from the table of
/// keys, the source of `Config/activationd.yaml`. Hidden: a build step, not an operator's command.
struct ConfigTemplateSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-template",
        abstract: "Print the commented configuration file with every key at its default.",
        shouldDisplay: false
    )

    @Flag(help: "Print the key list of activationd(8) in troff instead.")
    var manual = false

    func run() {
        print(manual ? DaemonConfiguration.manualKeyList : DaemonConfiguration.configurationTemplate, terminator: "")
    }
}
