import Testing
@testable import ActivationCore

@Suite("Password rules")
struct PasswordRuleTests {
    static func codes(_ password: String, username: String = "jdoe2026") -> [String] {
        RegistrationRules.passwordProblems(password, username: username).map(\.code)
    }

    @Test("8 to 16 characters", arguments: [
        (7, ["password.length"]), (8, []), (16, []), (17, ["password.length"]),
    ])
    func length(count: Int, expected: [String]) {
        let password = String("Secr3tPassword123456".prefix(count))
        #expect(password.count == count)
        #expect(Self.codes(password) == expected)
        var registration = Fixture.registration
        registration.password = Secret(password)
        registration.confirmPassword = Secret(password)
        #expect(Fixture.codes(registration) == expected)
    }

    @Test("length counts Unicode scalars, not characters")
    func lengthInScalars() {
        let password = "Secr3tPassword1" + "e\u{301}"
        #expect(password.count == 16)
        #expect(Self.codes(password) == ["password.length"])
        #expect(Self.codes("Secr3tPass" + String(repeating: "\u{301}", count: 20_000)) == ["password.length"])
    }

    @Test("each missing character class has its own code", arguments: [
        ("secr3tpass", ["password.uppercase"]),
        ("SECR3TPASS", ["password.lowercase"]),
        ("SecretPass", ["password.digit"]),
        ("12345678", ["password.uppercase", "password.lowercase"]),
        ("secretpass", ["password.uppercase", "password.digit"]),
        ("SECRETPASS", ["password.lowercase", "password.digit"]),
        ("!!!!!!!!", ["password.uppercase", "password.lowercase", "password.digit"]),
        ("", ["password.length", "password.uppercase", "password.lowercase", "password.digit"]),
    ])
    func classes(password: String, expected: [String]) {
        #expect(Self.codes(password) == expected)
    }

    @Test("punctuation, spaces and non-ASCII are allowed besides", arguments: ["Secr3t Pass!", "Pässwörd1", "Ünïcode9x"])
    func otherCharacters(password: String) {
        #expect(Self.codes(password).isEmpty)
    }

    @Test("a password equal to the username in any case is password.sameAsUsername", arguments: [
        ("jdoe2026X", "Jdoe2026x"), ("JDoe2026", "JDoe2026"), ("Abcdefg1", "aBCDEFG1"),
    ])
    func sameAsUsername(username: String, password: String) {
        #expect(Self.codes(password, username: username) == ["password.sameAsUsername"])
        var registration = Fixture.registration
        registration.username = username
        registration.password = Secret(password)
        registration.confirmPassword = Secret(password)
        #expect(Fixture.codes(registration) == ["password.sameAsUsername"])
    }

    @Test("a password only containing the username is fine")
    func containsUsername() {
        #expect(Self.codes("Jdoe20261", username: "jdoe2026").isEmpty)
        #expect(Self.codes("Secr3tPass", username: "").isEmpty)
    }

    @Test("confirmPassword must equal password exactly", arguments: [
        ("Secr3tPass", []), ("secr3tpass", ["confirmPassword.mismatch"]), ("Secr3tPas", ["confirmPassword.mismatch"]),
        ("Secr3tPass ", ["confirmPassword.mismatch"]), ("", ["confirmPassword.mismatch"]),
    ])
    func confirmation(confirm: String, expected: [String]) {
        var registration = Fixture.registration
        registration.confirmPassword = Secret(confirm)
        #expect(Fixture.codes(registration) == expected)
    }
}
