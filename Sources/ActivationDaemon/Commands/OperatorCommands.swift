import ActivationCore
import Foundation

/// The operator's subcommands that read or change the store, given a loaded configuration.
public enum OperatorCommands {
    /// `status [--json]`.
    public static func status(_ configuration: DaemonConfiguration, json: Bool) async throws -> CommandOutcome {
        let store = try await StoreOpener.open(configuration.store)
        let snapshot = try await StatusCommand.snapshot(store: store, spoolDirectory: configuration.spool.directory)
        return CommandOutcome(output: json ? StatusCommand.json(snapshot) : StatusCommand.text(snapshot))
    }

    /// `account show LOGIN`; exits 67 (EX_NOUSER) when there is no such account.
    public static func showAccount(_ login: String, _ configuration: DaemonConfiguration) async throws -> CommandOutcome {
        let store = try await StoreOpener.open(configuration.store)
        guard let account = try await AccountCommands.find(login, in: store) else {
            return CommandOutcome(status: .noUser, error: "no account for \(login)")
        }
        return CommandOutcome(output: AccountCommands.describe(account, outbox: try await store.outbox(accountID: account.id)))
    }

    /// `resend LOGIN`; 67 when there is no such account, 65 when it is already active.
    public static func resend(_ login: String, _ configuration: DaemonConfiguration) async throws -> CommandOutcome {
        let store = try await StoreOpener.open(configuration.store)
        switch try await AccountCommands.resend(login, in: store) {
        case .queued(let message):
            return CommandOutcome(output: "queued activation mail \(message.id)")
        case .alreadyActive:
            return CommandOutcome(status: .dataError, error: "\(login) is already active")
        case .notFound:
            return CommandOutcome(status: .noUser, error: "no account for \(login)")
        }
    }

    /// `sweep [--dry-run]`.
    public static func sweep(_ configuration: DaemonConfiguration, dryRun: Bool) async throws -> CommandOutcome {
        let store = try await StoreOpener.open(configuration.store)
        let sweeper = Sweeper(store: store, options: configuration.sweeperOptions,
                              logger: DaemonLogging.logger(for: configuration, label: "activationd.sweep"))
        if dryRun { return CommandOutcome(output: "would do: \(try await sweeper.preview())") }
        return CommandOutcome(output: "done: \(try await sweeper.sweep())")
    }
}
