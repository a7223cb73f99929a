import ActivationCore
public import Foundation

extension FuzzTargets {
    /// The spool record decoder and the registration rules: a record is whatever bytes a front
    /// dropped in `new/`.
    ///
    /// Properties: a refused record reports at least one problem, each with a reason-file-safe
    /// field name (printable ASCII, at most 64 characters); an accepted one has its names and
    /// phrase in NFC, and writing it back as a record (`spoolRecord()`) and reading that again
    /// gives the same registration (the timestamp to the millisecond the record keeps); the rules
    /// never report a problem outside the record's fields.
    public static func spoolRecord(_ data: Data) throws {
        let target = "spool-record"
        let registration: Registration
        do {
            registration = try RegistrationDecoder.decode(data)
        } catch {
            try require(!error.problems.isEmpty, target, "a refused record names a problem")
            for problem in error.problems {
                try require(problem.field.utf8.count <= 64
                            && problem.field.utf8.allSatisfy { (0x20..<0x7F).contains($0) },
                            target, "problem fields are printable ASCII, at most 64 characters")
            }
            fuzzSink(error)
            return
        }
        for text in [registration.firstName, registration.lastName, registration.passwordPhrase.value] {
            try require(RegistrationRules.normalized(text) == text, target, "names and phrase are kept in NFC")
        }
        let again: Registration
        do {
            again = try RegistrationDecoder.decode(try registration.spoolRecord())
        } catch {
            throw PropertyViolation(target, "a decoded record, written back, decodes again")
        }
        var expected = registration
        expected.submittedAt = again.submittedAt
        try require(expected == again, target, "a decoded record, written back, decodes to the same registration")
        try require(abs(again.submittedAt.timeIntervalSince(registration.submittedAt)) < 0.001, target,
                    "submittedAt survives a round trip to the millisecond")

        let fields = Set(Registration.fieldNames)
        let problems = RegistrationRules.check(registration)
        for problem in problems {
            try require(fields.contains(problem.field), target, "rule problems name a record field")
        }
        if problems.isEmpty {
            try require(EmailAddress.isValid(registration.email), target, "an accepted registration has a valid email")
            try require(RegistrationRules.usernameProblems(registration.username).isEmpty, target,
                        "an accepted registration has a valid username")
        }
        fuzzSink(problems)
    }
}
