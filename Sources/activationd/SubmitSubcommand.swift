import ActivationDaemon
import ArgumentParser
import Foundation

struct SubmitSubcommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate a registration record and drop it into the spool for intake.",
        discussion: """
            Writes the record into <spool>/tmp, fsyncs it, renames it into <spool>/new and prints \
            its registration id. An invalid record is not written: every problem is printed as a \
            JSON line {"field":…,"code":…,"message":…} and the exit status is 65.

            Example:
              activationd submit --config /etc/activationd/activationd.yaml Config/examples/registration.json
              activationd submit --spool /var/spool/activationd - < record.json
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(help: "The spool directory (holding tmp/, new/ and rejected/); overrides the configuration's spool.directory.")
    var spool: String?

    @Argument(help: "The record file, or - for standard input.")
    var file: String

    func run() async throws {
        let directory: String
        if let spool {
            directory = spool
        } else {
            directory = try await options.load().spool.directory
        }
        let status = SubmitCommand.run(
            source: file, spoolDirectory: directory,
            output: { print($0) },
            errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
