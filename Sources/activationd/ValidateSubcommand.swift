import ActivationDaemon
import ArgumentParser
import Foundation

struct ValidateSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a registration record against the record format and the registration rules.",
        discussion: """
            Prints every problem as one JSON line {"field":…,"code":…,"message":…} and exits 65; \
            exits 0 when the record is valid. Rules that need the store (username.taken, \
            email.taken, id.reused) are not checked here.

            Example:
              activationd validate Config/examples/registration.json
              cat record.json | activationd validate -
            """
    )

    @Argument(help: "The record file, or - for standard input.")
    var file: String

    func run() throws {
        let status = ValidateCommand.run(
            source: file,
            output: { print($0) },
            errors: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
