import ActivationDaemon
import ActivationSpool
import ArgumentParser
import Foundation

struct SubmitSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate a registration record and drop it into the spool for intake.",
        discussion: """
            Writes the record into <spool>/tmp, fsyncs it, renames it into <spool>/new and prints \
            its registration id. An invalid record is not written: every problem is printed as a \
            JSON line {"field":…,"code":…,"message":…} and the exit status is 65.

            Example:
              activationd submit --spool /var/spool/activationd Config/examples/registration.json
            """
    )

    @Option(help: "The spool directory (holding tmp/, new/ and rejected/).")
    var spool: String = "/var/spool/activationd"

    @Argument(help: "The record file, or - for standard input.")
    var file: String

    func run() throws {
        let status = SubmitCommand.run(
            source: file, spool: SpoolDirectory(spool),
            output: { print($0) },
            errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
