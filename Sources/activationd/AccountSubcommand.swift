import ActivationDaemon
import ArgumentParser

struct AccountSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Look at one account.",
        discussion: """
            Example:
              activationd account show jdoe2026
            """,
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account's state, dates, and every mail with its attempts and the server's last reply.",
            discussion: """
                LOGIN is a username or an email address. Exits 67 when there is no such account.

                Example:
                  activationd account show jdoe2026
                  activationd account show jane@example.org
                """
        )

        @OptionGroup var options: ConfigurationOptions
        @Argument(help: "A username or an email address.") var login: String

        func run() async throws {
            try await options.run { try await OperatorCommands.showAccount(login, $0) }
        }
    }
}

struct ResendSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resend",
        abstract: "Queue the activation link of a pending account again.",
        discussion: """
            LOGIN is a username or an email address. The same link is sent again (it expires at the \
            same time). Exits 67 when there is no such account, 65 when it is already active.

            Example:
              activationd resend jdoe2026
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Argument(help: "A username or an email address.") var login: String

    func run() async throws {
        try await options.run { try await OperatorCommands.resend(login, $0) }
    }
}
