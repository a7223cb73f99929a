import Foundation
import Testing
@testable import ActivationCore

@Suite("RegistrationRules.check")
struct RegistrationRulesTests {
    @Test("the fixture registration breaks no rule")
    func validPasses() {
        #expect(RegistrationRules.check(Fixture.registration).isEmpty)
    }

    @Test("a record breaking every rule reports every code, in field order")
    func everythingWrong() {
        var registration = Fixture.registration
        registration.username = "ab!"
        registration.password = Secret("zqxw")
        registration.confirmPassword = Secret("zqxv")
        registration.email = "not an address"
        registration.confirmEmail = "other@example.org"
        registration.firstName = ""
        registration.lastName = "Doe\u{7}"
        registration.passwordPhrase = Secret(" ")
        registration.acceptedConditions = false

        let problems = RegistrationRules.check(registration)
        #expect(problems.map(\.code) == [
            "username.length", "username.characters",
            "password.length", "password.uppercase", "password.digit",
            "confirmPassword.mismatch",
            "email.invalid", "confirmEmail.mismatch",
            "firstName.invalid", "lastName.invalid",
            "passwordPhrase.invalid",
            "acceptedConditions.required",
        ])
        #expect(problems.allSatisfy { $0.code.hasPrefix($0.field + ".") })
        for problem in problems {
            #expect(!problem.message.contains("zqxw"))
            #expect(!problem.message.contains("not an address"))
        }
    }

    @Test("conditions not accepted is acceptedConditions.required")
    func conditions() {
        var registration = Fixture.registration
        registration.acceptedConditions = false
        #expect(Fixture.codes(registration) == ["acceptedConditions.required"])
    }

    @Test("the rule constants match docs/contracts.md")
    func constants() {
        #expect(RegistrationRules.usernameLength == 5...16)
        #expect(RegistrationRules.passwordLength == 8...16)
        #expect(RegistrationRules.maximalNameLength == 64)
        #expect(RegistrationRules.maximalPhraseLength == 100)
    }
}
