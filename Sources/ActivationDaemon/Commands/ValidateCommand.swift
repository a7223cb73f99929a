public import ActivationCore
public import Foundation

/// `activationd validate FILE|-`: checks one record against the record format and the rules that
/// need no store, and prints every problem as a JSON line `{"field":…,"code":…,"message":…}`.
public enum ValidateCommand {
    /// The problems found in `data`; empty when the record is valid.
    public static func problems(in data: Data) -> [RegistrationProblem] {
        guard data.count <= Registration.maximalRecordSize else {
            return [RegistrationProblem(
                field: "record", code: "record.tooLarge",
                message: "The record is larger than \(Registration.maximalRecordSize) bytes.")]
        }
        do {
            return RegistrationRules.check(try RegistrationDecoder.decode(data))
        } catch {
            return error.problems
        }
    }

    /// Runs the command: writes the JSON lines to `output`, a diagnostic to `errors`, and returns
    /// the exit status (0 valid, 65 invalid, 66/74 unreadable).
    public static func run(source: String, output: (String) -> Void, errors: (String) -> Void) -> ExitStatus {
        let data: Data
        do {
            data = try RecordInput.read(source)
        } catch {
            errors("activationd validate: \(error.description)")
            return error.status
        }
        let found = problems(in: data)
        for problem in found { output(jsonLine(problem)) }
        if found.isEmpty {
            errors("\(source == "-" ? "standard input" : source): valid registration")
            return .ok
        }
        return .dataError
    }

    /// One problem as a JSON object on one line, keys in the order field, code, message.
    public static func jsonLine(_ problem: RegistrationProblem) -> String {
        "{\"field\":\(JSONText.quote(problem.field)),\"code\":\(JSONText.quote(problem.code)),"
            + "\"message\":\(JSONText.quote(problem.message))}"
    }
}
