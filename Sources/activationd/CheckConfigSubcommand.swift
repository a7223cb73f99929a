import ActivationDaemon
import ArgumentParser

struct CheckConfigSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the configuration file, the environment overrides and the secrets it names.",
        discussion: """
            Exits 0 when everything is usable; otherwise prints one line naming the key and the \
            problem, and exits 78.

            Example:
              activationd check-config --config /etc/activationd/activationd.yaml
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try await options.load()
        print("configuration OK: \(options.config): \(configuration.summary)")
    }
}
