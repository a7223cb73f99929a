/// The rules of the registration page (DESIGN.md's table), checked all at once.
///
/// `check` reports every violated rule that can be decided from the record alone; the two rules
/// that need the store (`username.taken`, `email.taken`) are decided by `RegistrationDecision`.
public enum RegistrationRules {
    /// Username length, in characters.
    public static let usernameLength = 5...16
    /// Password length, in characters.
    public static let passwordLength = 8...16
    /// Longest first or last name, in characters.
    public static let maximalNameLength = 64
    /// Longest password protection phrase, in characters.
    public static let maximalPhraseLength = 100

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
        if !usernameLength.contains(username.count) {
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
        if !passwordLength.contains(password.count) {
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

    private static func nameProblems(_ name: String, field: String, label: String) -> [RegistrationProblem] {
        if name.allSatisfy(\.isWhitespace) {
            return [problem(field, "invalid", "\(label) is required.")]
        }
        if name.count > maximalNameLength {
            return [problem(field, "invalid", "\(label) must be at most \(maximalNameLength) characters.")]
        }
        if containsControlCharacter(name) {
            return [problem(field, "invalid", "\(label) must not contain control characters.")]
        }
        return []
    }

    private static func phraseProblems(_ phrase: String) -> [RegistrationProblem] {
        if phrase.allSatisfy(\.isWhitespace) {
            return [problem("passwordPhrase", "invalid", "A password protection phrase is required.")]
        }
        if phrase.count > maximalPhraseLength {
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
