import ActivationDaemon
import ArgumentParser
import Foundation

struct CheckConfigSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check the configuration file, the environment overrides and the secrets it names.",
        discussion: """
            Exits 0 when everything is usable; otherwise prints one line naming the key and the \
            problem, and exits 78. Settings that work but hurt delivery (no DKIM key, a DKIM domain \
            that does not align with the From domain) are warned about on standard error, still exit 0.

            Example:
              activationd check-config --config /etc/activationd/activationd.yaml
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let configuration = try await options.load()
        for warning in configuration.warnings {
            FileHandle.standardError.write(Data("activationd: warning: \(warning)\n".utf8))
        }
        print("configuration OK: \(options.config): \(configuration.summary)")
    }
}
