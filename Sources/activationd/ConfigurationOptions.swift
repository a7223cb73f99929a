import ActivationDaemon
import ArgumentParser
import Foundation

/// `--config FILE`, shared by every subcommand that needs the configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: "The configuration file.")
    var config: String = DaemonConfiguration.defaultPath

    /// Loads the configuration, or prints the problem on one line and exits 78 (EX_CONFIG).
    func load() async throws -> DaemonConfiguration {
        do {
            return try await DaemonConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("activationd: \(error)\n".utf8))
            throw ExitCode(ExitStatus.config.rawValue)
        }
    }
}
