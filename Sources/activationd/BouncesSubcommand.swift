import ActivationDaemon
import ArgumentParser

struct BouncesSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounces",
        abstract: "Read the bounce mailbox once: mark bounced mail, set aside what is not a report.",
        discussion: """
            Reads every message in the Maildir's new/ (delivery status notifications sent back to \
            bounces.address's <local>+<row>@<domain>), marks each failed mail's row bounced with the \
            remote server's diagnostic, and moves the message to cur/: flag S when read, flag F when \
            set aside (not a report, or about no mail of ours). A report about a mail still being sent \
            stays in new/ for the next pass. `serve` does the same every bounces.scan_interval when \
            bounces.maildir is set.

            Example:
              activationd bounces --maildir /var/mail/activationd-bounces
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "The Maildir to read (default: bounces.maildir).") var maildir: String?

    func run() async throws {
        try await options.run { try await OperatorCommands.bounces($0, maildir: maildir) }
    }
}
