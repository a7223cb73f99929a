import ActivationCore
import ActivationMail
import Foundation

extension OperatorCommands {
    /// `bounces [--maildir DIR]`: reads the bounce mailbox once (`DIR`, else `bounces.maildir`) and
    /// prints what became of each message. Exits 0; 78 without `bounces.address` or a mailbox; 66
    /// when the mailbox cannot be read.
    public static func bounces(_ configuration: DaemonConfiguration, maildir: String?) async throws -> CommandOutcome {
        guard let address = configuration.bounceAddress else {
            return CommandOutcome(status: .config, error: """
                configuration: bounces.address: not set; reports name their mail by it (bounce+<row>@…)
                """)
        }
        guard let maildir = maildir ?? configuration.bounceMaildir else {
            return CommandOutcome(status: .config, error: "configuration: bounces.maildir: not set, and no --maildir given")
        }
        let summary: BounceReader.Summary
        do {
            summary = try await StoreOpener.withStore(configuration.store) { store in
                let reader = BounceReader(maildir: maildir, address: address,
                                          envelopeHeader: configuration.bounceEnvelopeHeader, store: store,
                                          logger: DaemonLogging.logger(for: configuration, label: "activationd.bounces"))
                return try await reader.readOnce()
            }
        } catch let error as BounceReader.MailboxError {
            return CommandOutcome(status: .noInput, error: "bounces: \(error)")
        }
        var lines = summary.setAside.map { "set aside: new/\($0.name) (\($0.reason))" }
        lines.append("bounced \(summary.bounced), delayed \(summary.delayed), already recorded \(summary.alreadyRecorded), "
            + "set aside \(summary.setAside.count), kept for later \(summary.keptForLater)")
        return CommandOutcome(output: lines.joined(separator: "\n"))
    }
}
