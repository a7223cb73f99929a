import Foundation
@testable import ActivationCore

/// Shared test data: one valid registration, and the spool record that decodes to it.
enum Fixture {
    static let id = UUID(uuidString: "6F1C0B9E-3D2A-4C55-9E61-0A1B2C3D4E5F")!
    /// 2026-11-28T10:00:00Z.
    static let submittedAt = Date(timeIntervalSince1970: 1_795_860_000)

    /// A registration that breaks no rule. Tests copy it and change one field.
    static var registration: Registration {
        Registration(
            id: id, submittedAt: submittedAt, username: "jdoe2026", firstName: "Jane", lastName: "Doe",
            email: "jane@example.org", confirmEmail: "jane@example.org",
            password: Secret("Secr3tPass"), confirmPassword: Secret("Secr3tPass"),
            passwordPhrase: Secret("blue heron at dawn"), acceptedConditions: true, locale: "en")
    }

    /// The fields of a valid spool record, each value as raw JSON text, in the order of
    /// docs/contracts.md, "Spool records".
    static let recordFields: [(name: String, json: String)] = [
        ("version", "1"),
        ("id", #""6f1c0b9e-3d2a-4c55-9e61-0a1b2c3d4e5f""#),
        ("submittedAt", #""2026-11-28T10:00:00Z""#),
        ("username", #""jdoe2026""#),
        ("firstName", #""Jane""#),
        ("lastName", #""Doe""#),
        ("email", #""jane@example.org""#),
        ("confirmEmail", #""jane@example.org""#),
        ("password", #""Secr3tPass""#),
        ("confirmPassword", #""Secr3tPass""#),
        ("passwordPhrase", #""blue heron at dawn""#),
        ("acceptedConditions", "true"),
        ("locale", #""en""#),
    ]

    /// A spool record: the valid fields, with `replacing` values (raw JSON) swapped in, `removing`
    /// fields left out, and `adding` fields appended.
    static func record(
        replacing: [String: String] = [:], removing: Set<String> = [], adding: [(String, String)] = []
    ) -> Data {
        var members: [String] = []
        for (name, json) in recordFields where !removing.contains(name) {
            members.append("\(quoted(name)): \(replacing[name] ?? json)")
        }
        for (name, json) in adding {
            members.append("\(quoted(name)): \(json)")
        }
        return Data("{ \(members.joined(separator: ", ")) }".utf8)
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }

    /// The problem codes `RegistrationRules.check` reports for `registration`.
    static func codes(_ registration: Registration) -> [String] {
        RegistrationRules.check(registration).map(\.code)
    }

    /// The problem codes of a decoding failure, or nil when `data` decodes.
    static func decodeFailure(_ data: Data) -> RegistrationDecoder.Failure? {
        do {
            _ = try RegistrationDecoder.decode(data)
            return nil
        } catch {
            return error
        }
    }
}
