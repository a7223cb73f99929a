import Testing
@testable import ActivationCore

@Suite("Username rules")
struct UsernameRuleTests {
    @Test("5 to 16 characters", arguments: [
        (0, ["username.length"]), (4, ["username.length"]), (5, []), (16, []), (17, ["username.length"]),
    ])
    func length(count: Int, expected: [String]) {
        let username = String("jdoe2026jdoe2026x".prefix(count))
        #expect(username.count == count)
        #expect(RegistrationRules.usernameProblems(username).map(\.code) == expected)
        var registration = Fixture.registration
        registration.username = username
        #expect(Fixture.codes(registration) == expected)
    }

    @Test("length counts Unicode scalars, not characters")
    func lengthInScalars() {
        // 16 characters but 17 scalars: too long as well as not ASCII.
        let username = "jdoe2026jdoe202" + "e\u{301}"
        #expect(username.count == 16)
        #expect(RegistrationRules.usernameProblems(username).map(\.code) == ["username.length", "username.characters"])
        let giant = "jdoe" + String(repeating: "\u{301}", count: 20_000)
        #expect(giant.count == 4)
        #expect(RegistrationRules.usernameProblems(giant).map(\.code) == ["username.length", "username.characters"])
    }

    @Test("ASCII letters and digits only", arguments: [
        "jdoe.2026", "j-doe2026", "j_doe2026", "jane doe", " jdoe2026", "jdoe2026 ", "jdoe2026!", "jdoe@2026",
        "jdoe\t2026", "jdoe\u{7}2026", "jdoe\n2026", "jdoe\r\n2026", "jöhn1", "jo\u{308}hn1", "user１２３",
        "ｊｄｏｅ2026", "jdoe٢٠٢٦", "иван2026", "jdoe²026", "jdoeⅫ26", "jdoe2026🙂", "jdoe\u{200B}2026",
        "jdoe\u{0}2026",
    ])
    func characters(username: String) {
        #expect(RegistrationRules.usernameLength.contains(username.count), "only the character rule is tested")
        #expect(RegistrationRules.usernameProblems(username).map(\.code) == ["username.characters"])
    }

    @Test("letters of either case and digits pass", arguments: ["jdoe2026", "JDOE2026", "JDoe1", "12345", "abcde", "Zz09Zz09Zz09Zz09"])
    func accepted(username: String) {
        #expect(RegistrationRules.usernameProblems(username).isEmpty)
    }

    @Test("too short and with punctuation reports both")
    func bothProblems() {
        #expect(RegistrationRules.usernameProblems("ab!").map(\.code) == ["username.length", "username.characters"])
    }

    @Test("usernames fold case-insensitively")
    func folding() {
        #expect(Registration.usernameKey("JDoe2026") == Registration.usernameKey("jdoe2026"))
        var registration = Fixture.registration
        registration.username = "JDoe2026"
        #expect(registration.usernameKey == "jdoe2026")
    }
}
