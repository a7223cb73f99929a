import ActivationCore
import ActivationSpool
import Foundation

/// `activationd submit FILE|-`: validates a record as `validate` does and, if it is valid, writes
/// it into the spool atomically (tmp/, fsync, rename into new/, fsync new/).
public enum SubmitCommand {
    /// Runs the command: the registration id on `output` when the record is spooled, the problems
    /// as `validate`'s JSON lines (and nothing written) when it is invalid. Returns the exit status:
    /// 0 spooled, 65 invalid, 66 unreadable input, 74 the spool could not be written.
    public static func run(
        source: String, spoolDirectory: String, output: (String) -> Void, errors: (String) -> Void
    ) -> ExitStatus {
        let spool = SpoolDirectory(spoolDirectory)
        let data: Data
        do {
            data = try RecordInput.read(source)
        } catch {
            errors("activationd submit: \(error.description)")
            return error.status
        }
        let problems = ValidateCommand.problems(in: data)
        guard problems.isEmpty, let registration = try? RegistrationDecoder.decode(data) else {
            for problem in problems { output(ValidateCommand.jsonLine(problem)) }
            return .dataError
        }
        do {
            let name = try SpoolWriter.write(data, to: spool)
            output(registration.id.lowercasedText)
            errors("spooled as \(spool.new)/\(name)")
            return .ok
        } catch {
            errors("activationd submit: \(error)")
            return .ioError
        }
    }
}
