import ActivationCore
import ActivationMail
import Foundation

/// The operator's subcommands that read or change the store, given a loaded configuration.
public enum OperatorCommands {
    /// `status [--json]`.
    public static func status(_ configuration: DaemonConfiguration, json: Bool) async throws -> CommandOutcome {
        try await StoreOpener.withStore(configuration.store) { store in
            let snapshot = try await StatusCommand.snapshot(store: store, spoolDirectory: configuration.spool.directory)
            return CommandOutcome(output: json ? StatusCommand.json(snapshot) : StatusCommand.text(snapshot))
        }
    }

    /// `account show LOGIN`; exits 67 (EX_NOUSER) when there is no such account.
    public static func showAccount(_ login: String, _ configuration: DaemonConfiguration) async throws -> CommandOutcome {
        try await StoreOpener.withStore(configuration.store) { store in
            guard let account = try await AccountCommands.find(login, in: store) else {
                return CommandOutcome(status: .noUser, error: "no account for \(login)")
            }
            return CommandOutcome(output: AccountCommands.describe(account, outbox: try await store.outbox(accountID: account.id)))
        }
    }

    /// `resend LOGIN`; 67 when there is no such account, 65 when it is already active or its mail
    /// bounced.
    public static func resend(_ login: String, _ configuration: DaemonConfiguration) async throws -> CommandOutcome {
        let result = try await StoreOpener.withStore(configuration.store) { store in
            try await AccountCommands.resend(login, in: store)
        }
        switch result {
        case .queued(let message):
            return CommandOutcome(output: "queued activation mail \(message.id.lowercasedText)")
        case .alreadyActive:
            return CommandOutcome(status: .dataError, error: "\(login) is already active")
        case .bounced:
            return CommandOutcome(status: .dataError, error: """
                not resent: mail to \(login)'s address bounced (see `activationd account show`); \
                the person registers again with a working address
                """)
        case .notFound:
            return CommandOutcome(status: .noUser, error: "no account for \(login)")
        }
    }

    /// `sweep [--dry-run]`.
    public static func sweep(_ configuration: DaemonConfiguration, dryRun: Bool) async throws -> CommandOutcome {
        try await StoreOpener.withStore(configuration.store) { store in
            let sweeper = Sweeper(store: store, options: configuration.sweeperOptions,
                                  logger: DaemonLogging.logger(for: configuration, label: "activationd.sweep"))
            if dryRun { return CommandOutcome(output: "would do: \(try await sweeper.preview())") }
            return CommandOutcome(output: "done: \(try await sweeper.sweep())")
        }
    }
}

extension OperatorCommands {
    /// `send-test --to ADDRESS`: one test mail through the configured relay; prints the outcome and
    /// the server's reply. Exits 0 sent, 75 deferred (EX_TEMPFAIL), 69 refused (EX_UNAVAILABLE).
    public static func sendTest(to address: String, _ configuration: DaemonConfiguration) async throws -> CommandOutcome {
        let transport: CurlSMTPTransport
        let sender: Mailbox
        do {
            transport = try CurlSMTPTransport(options: configuration.smtpOptions)
            sender = try Mailbox(parsing: configuration.smtp.from)
        } catch {
            return CommandOutcome(status: .config, error: "configuration: smtp: \(error)")
        }
        var lines: [String] = []
        let status = await SendTestCommand.run(to: address, from: sender, transport: transport,
                                                dkim: DKIMSigner(keys: configuration.dkim)) { lines.append($0) }
        await transport.shutdown()
        return CommandOutcome(output: lines.joined(separator: "\n"), status: ExitStatus(rawValue: status) ?? .software)
    }

    /// `outbox retry`: queues every failed mail again.
    public static func retryFailed(_ configuration: DaemonConfiguration) async throws -> CommandOutcome {
        try await StoreOpener.withStore(configuration.store) { store in
            var output: [String] = []
            var errors: [String] = []
            let status = await OutboxRetryCommand.run(store: store, output: { output.append($0) }, errors: { errors.append($0) })
            return CommandOutcome(output: output.joined(separator: "\n"), status: status,
                                  error: errors.isEmpty ? nil : errors.joined(separator: "\n"))
        }
    }
}
