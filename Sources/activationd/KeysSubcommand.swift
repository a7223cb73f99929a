import ActivationDaemon
import ArgumentParser

struct KeysSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the activation-link signing keys.",
        discussion: """
            Example:
              activationd keys generate
            """,
        subcommands: [Generate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one new line for the keys file: <key-id> <base64 secret>.",
            discussion: """
                The first line of the keys file signs new links; every line verifies. To rotate, put \
                the new line first and drop the old line once the activation lifetime has passed.

                Example:
                  activationd keys generate > /etc/activationd/signing.keys
                  chmod 0600 /etc/activationd/signing.keys
                """
        )

        func run() {
            print(KeysCommand.generateLine())
        }
    }
}
