import ActivationDaemon
import ArgumentParser

struct ServeSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: intake, courier, sweeper and HTTP, until SIGTERM.",
        discussion: """
            Run by systemd (Type=notify): READY=1 once the store is migrated, the spool scanned and \
            HTTP listening; SIGHUP reloads the configuration; SIGTERM drains and exits 0. A bad \
            configuration exits 78 with one line naming the key.

            Example:
              activationd serve --config /etc/activationd/activationd.yaml
            """
    )

    @OptionGroup var options: ConfigurationOptions

    func run() async throws {
        let status = await Daemon.serve(configPath: options.config)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
