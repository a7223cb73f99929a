package import ActivationCore
package import Foundation

/// The registration form as it comes back from the browser: every field optional, since a form
/// can arrive without any of them, and nothing here is trusted before `RegistrationRules`.
package struct RegistrationForm: Decodable, Sendable {
    package var username: String?
    package var firstName: String?
    package var lastName: String?
    package var email: String?
    package var confirmEmail: String?
    package var password: String?
    package var confirmPassword: String?
    package var passwordPhrase: String?
    package var challengeAnswer: String?
    package var challengeToken: String?
    package var acceptedConditions: String?
    /// The honeypot: hidden from people, filled only by form bots.
    package var website: String?
    /// `create` (the submit button) or `refresh` (the characters' Refresh button without script).
    package var action: String?

    /// The fields a person fills in, in the seed's order (what the page keeps of each when it
    /// shows the form again is `keptValue`'s).
    package static let fields = [
        "username", "firstName", "lastName", "email", "confirmEmail", "password", "confirmPassword", "passwordPhrase",
        "challengeAnswer", "acceptedConditions",
    ]

    /// Whether the person asked for new characters rather than to create the account.
    package var wantsRefresh: Bool { action == "refresh" }

    /// Whether the honeypot holds anything.
    package var isFilledByBot: Bool { !(website ?? "").isEmpty }

    /// The registration this form describes, with `id`, `submittedAt` and `locale` from the server.
    package func registration(id: UUID, submittedAt: Date, locale: String) -> Registration {
        Registration(
            id: id, submittedAt: submittedAt, username: username ?? "", firstName: firstName ?? "",
            lastName: lastName ?? "", email: email ?? "", confirmEmail: confirmEmail ?? "",
            password: Secret(password ?? ""), confirmPassword: Secret(confirmPassword ?? ""),
            passwordPhrase: Secret(passwordPhrase ?? ""), acceptedConditions: acceptedConditions == "yes",
            locale: locale)
    }

    /// The value the page shows again for field `name` (never a password or the characters).
    package func keptValue(_ name: String) -> String {
        switch name {
        case "username": username ?? ""
        case "firstName": firstName ?? ""
        case "lastName": lastName ?? ""
        case "email": email ?? ""
        case "confirmEmail": confirmEmail ?? ""
        case "passwordPhrase": passwordPhrase ?? ""
        case "acceptedConditions": acceptedConditions == "yes" ? "yes" : ""
        default: ""
        }
    }
}

/// The language of a registration from the browser's `Accept-Language`: its first tag that is a
/// simple language tag (`en`, `es-MX`), else `en`. Quality values are not weighed: browsers list
/// the person's first choice first.
package enum AcceptLanguage {
    package static func locale(from header: String?) -> String {
        guard let header else { return "en" }
        for entry in header.split(separator: ",").prefix(8) {
            let tag = entry.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if RegistrationDecoder.isLocaleTag(tag) { return tag }
        }
        return "en"
    }
}

/// What the form page shows: each field's value and its messages, and the challenge to solve.
struct RegistrationFormPage {
    /// Field name → messages beside it.
    var problems: [String: [String]] = [:]
    /// A message about the form as a whole (the honeypot).
    var formError: String?
    /// The form as it came back, for its kept values; nil for an empty form.
    var form: RegistrationForm?

    /// Adds `problems` beside their fields.
    mutating func add(_ problems: [RegistrationProblem]) {
        for problem in problems { add(problem.message, to: problem.field) }
    }

    /// Adds `message` beside `field`.
    mutating func add(_ message: String, to field: String) {
        problems[field, default: []].append(message)
    }

    /// The template's values: for each field `{name, value, errors, invalid, checked}`, the error
    /// summary, and the challenge's token and picture. The service's values come from the renderer.
    func values(token: String, image: String) -> [String: Any] {
        var values: [String: Any] = [:]
        var summary: [[String: String]] = []
        for name in RegistrationForm.fields {
            let messages = problems[name] ?? []
            values[name] = ["name": name, "value": form?.keptValue(name) ?? "", "errors": messages,
                            "invalid": !messages.isEmpty, "checked": form?.keptValue(name) == "yes"] as [String: Any]
            for message in messages { summary.append(["field": name, "message": message]) }
        }
        values["summary"] = summary
        values["hasSummary"] = !summary.isEmpty || formError != nil
        values["formError"] = formError ?? ""
        values["challengeToken"] = token
        values["challengeImage"] = image
        return values
    }
}
