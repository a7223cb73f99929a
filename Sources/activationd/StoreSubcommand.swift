import ActivationDaemon
import ArgumentParser

struct StoreSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Work on the store as a whole.",
        subcommands: [StoreCopySubcommand.self]
    )
}

struct StoreCopySubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy every account, mail and registration id into another, empty store.",
        discussion: """
            Moves an installation, for example from SQLite to PostgreSQL: stop the daemons, point \
            store.url at the new store, copy, start them again. --to defaults to the configured \
            store.url; a postgres:// URL takes its password and TLS settings from the configuration's \
            store.* keys. The target must be empty (exit 65, nothing written, when it is not); at the end \
            both stores are read back and compared (exit 70 when they differ).

            Example:
              activationd store copy --from sqlite:///var/lib/activationd/activationd.sqlite
            """
    )

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "The store to copy from: sqlite:///path or postgres://user@host:port/db.") var from: String
    @Option(help: "The store to copy into (default: the configured store.url).") var to: String?

    func run() async throws {
        try await options.run { try await OperatorCommands.storeCopy(from: from, to: to, $0) }
    }
}
