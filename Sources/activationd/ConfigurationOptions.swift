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

extension ConfigurationOptions {
    /// Loads the configuration and runs `body` with it; prints the outcome, and exits with its
    /// status when it is not 0 (78 for a configuration problem found while opening the store).
    func run(_ body: (DaemonConfiguration) async throws -> CommandOutcome) async throws {
        let configuration = try await load()
        let outcome: CommandOutcome
        do {
            outcome = try await body(configuration)
        } catch let error as ConfigurationError {
            outcome = CommandOutcome(status: .config, error: "\(error)")
        }
        if !outcome.output.isEmpty { print(outcome.output) }
        if let error = outcome.error { FileHandle.standardError.write(Data("activationd: \(error)\n".utf8)) }
        if outcome.status != .ok { throw ExitCode(outcome.status.rawValue) }
    }
}
