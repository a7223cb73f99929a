import Foundation

/// The rules of the registration page (docs/contracts.md, "Registration rules"), checked all at once.
///
/// `check` reports every violated rule that can be decided from the record alone; the two rules
/// that need the store (`username.taken`, `email.taken`) are decided by `RegistrationDecision`.
///
/// Every length is counted in Unicode scalars (`length(_:)`), never in Characters: one Character
/// can hold any number of combining marks (`"a"` and 20,000 × U+0301 is one), so a limit in
/// Characters bounds nothing that a mail header or a page has to carry. Names and the phrase are
/// counted in Normalization Form C, the form `RegistrationDecoder` stores them in, so `é` typed as
/// `e` + U+0301 counts once, as the precomposed letter does.
public enum RegistrationRules {
    /// Username length, in Unicode scalars.
    public static let usernameLength = 5...16
    /// Password length, in Unicode scalars.
    public static let passwordLength = 8...16
    /// Longest first or last name, in Unicode scalars of its NFC form.
    public static let maximalNameLength = 64
    /// Longest password protection phrase, in Unicode scalars of its NFC form.
    public static let maximalPhraseLength = 100

    /// The length every rule counts: Unicode scalars.
    public static func length(_ text: String) -> Int { text.unicodeScalars.count }

    /// `text` in Unicode Normalization Form C: how names and the phrase are checked and stored.
    public static func normalized(_ text: String) -> String { text.precomposedStringWithCanonicalMapping }

    /// Every rule violated by `registration`, in field order.
    public static func check(_ registration: Registration) -> [RegistrationProblem] {
        var problems = usernameProblems(registration.username)
        problems += passwordProblems(registration.password.value, username: registration.username)
        if registration.confirmPassword.value.utf8.elementsEqual(registration.password.value.utf8) == false {
            problems.append(problem("confirmPassword", "mismatch", "The two passwords do not match."))
        }
        if !EmailAddress.isValid(registration.email) {
            problems.append(problem("email", "invalid", "Enter a valid email address, such as name@example.org."))
        }
        if registration.confirmEmail.lowercased() != registration.email.lowercased() {
            problems.append(problem("confirmEmail", "mismatch", "The two email addresses do not match."))
        }
        problems += nameProblems(registration.firstName, field: "firstName", label: "First name")
        problems += nameProblems(registration.lastName, field: "lastName", label: "Last name")
        problems += phraseProblems(registration.passwordPhrase.value)
        if !registration.acceptedConditions {
            problems.append(problem("acceptedConditions", "required",
                                    "You must agree to the conditions of use to create an account."))
        }
        return problems
    }

    /// The format problems of a username alone: what a registration form's live check shows.
    public static func usernameProblems(_ username: String) -> [RegistrationProblem] {
        var problems: [RegistrationProblem] = []
        if !usernameLength.contains(length(username)) {
            problems.append(problem("username", "length", "The username must be 5 to 16 characters long."))
        }
        if !username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            problems.append(problem("username", "characters",
                                    "The username can include letters and numbers only: no spaces, punctuation or special characters."))
        }
        return problems
    }

    /// The problems of a password, given the username it must differ from.
    ///
    /// Letters count by their Unicode case, so `É` is an uppercase letter; a digit is any Unicode
    /// number (`Character.isNumber`).
    public static func passwordProblems(_ password: String, username: String) -> [RegistrationProblem] {
        var problems: [RegistrationProblem] = []
        if !passwordLength.contains(length(password)) {
            problems.append(problem("password", "length", "The password must be 8 to 16 characters long."))
        }
        if !password.contains(where: \.isUppercase) {
            problems.append(problem("password", "uppercase", "The password must contain at least one uppercase letter."))
        }
        if !password.contains(where: \.isLowercase) {
            problems.append(problem("password", "lowercase", "The password must contain at least one lowercase letter."))
        }
        if !password.contains(where: \.isNumber) {
            problems.append(problem("password", "digit", "The password must contain at least one number."))
        }
        if !username.isEmpty, password.lowercased() == username.lowercased() {
            problems.append(problem("password", "sameAsUsername", "The password must be different from the username."))
        }
        return problems
    }

    /// The problems of a first or last name: `<field>.invalid` when it is blank, too long or holds
    /// a control character (the first of these only), else `<field>.characters` when it breaks
    /// `PersonName`'s rule.
    private static func nameProblems(_ name: String, field: String, label: String) -> [RegistrationProblem] {
        let name = normalized(name)
        if name.allSatisfy(\.isWhitespace) {
            return [problem(field, "invalid", "\(label) is required.")]
        }
        if length(name) > maximalNameLength {
            return [problem(field, "invalid", "\(label) must be at most \(maximalNameLength) characters.")]
        }
        if containsControlCharacter(name) {
            return [problem(field, "invalid", "\(label) must not contain control characters.")]
        }
        guard let flaw = PersonName.flaw(name) else { return [] }
        let message = switch flaw {
        case .character:
            "\(label) can include letters, spaces, apostrophes, hyphens and periods only."
        case .noLetter:
            "\(label) must contain at least one letter."
        case .hostLike:
            "\(label) can use a period only after a letter and before a space, as in J. R. or St. John."
        case .scheme:
            "\(label) must not contain a web address."
        }
        return [problem(field, "characters", message)]
    }

    private static func phraseProblems(_ phrase: String) -> [RegistrationProblem] {
        let phrase = normalized(phrase)
        if phrase.allSatisfy(\.isWhitespace) {
            return [problem("passwordPhrase", "invalid", "A password protection phrase is required.")]
        }
        if length(phrase) > maximalPhraseLength {
            return [problem("passwordPhrase", "invalid",
                            "The password protection phrase must be at most \(maximalPhraseLength) characters.")]
        }
        if containsControlCharacter(phrase) {
            return [problem("passwordPhrase", "invalid",
                            "The password protection phrase must not contain control characters.")]
        }
        return []
    }

    /// C0 and C1 controls, DEL, and the line and paragraph separators.
    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: true
            default: false
            }
        }
    }

    private static func problem(_ field: String, _ reason: String, _ message: String) -> RegistrationProblem {
        RegistrationProblem(field: field, code: "\(field).\(reason)", message: message)
    }
}
