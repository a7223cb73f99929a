import Testing
@testable import ActivationCore

@Suite("Name and phrase rules")
struct NameAndPhraseRuleTests {
    enum NameField: String, CaseIterable, Sendable {
        case firstName, lastName
    }

    static func codes(_ field: NameField, _ value: String) -> [String] {
        var registration = Fixture.registration
        switch field {
        case .firstName: registration.firstName = value
        case .lastName: registration.lastName = value
        }
        return Fixture.codes(registration)
    }

    static func phraseCodes(_ phrase: String) -> [String] {
        var registration = Fixture.registration
        registration.passwordPhrase = Secret(phrase)
        return Fixture.codes(registration)
    }

    static let controls: [String] = [
        "\u{0}", "\u{7}", "\u{8}", "\t", "\n", "\r", "\u{1B}", "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9B}",
        "\u{9F}", "\u{2028}", "\u{2029}", "\r\n",
    ]

    @Test("a control character in a name is <field>.invalid", arguments: NameField.allCases, controls)
    func controlCharacter(field: NameField, control: String) {
        #expect(Self.codes(field, "Ja" + control + "ne") == ["\(field.rawValue).invalid"])
        #expect(Self.codes(field, "Jane" + control) == ["\(field.rawValue).invalid"])
    }

    @Test("an empty or blank name is <field>.invalid",
          arguments: NameField.allCases, ["", " ", "   ", "\t", " \u{3000} ", "\u{A0}"])
    func blank(field: NameField, value: String) {
        #expect(Self.codes(field, value) == ["\(field.rawValue).invalid"])
    }

    @Test("a name is at most 64 characters", arguments: NameField.allCases)
    func length(field: NameField) {
        #expect(Self.codes(field, String(repeating: "J", count: 64)).isEmpty)
        #expect(Self.codes(field, String(repeating: "J", count: 65)) == ["\(field.rawValue).invalid"])
        // Counted in characters: 64 two-byte letters and 64 letters with a combining mark pass.
        #expect(Self.codes(field, String(repeating: "é", count: 64)).isEmpty)
        #expect(Self.codes(field, String(repeating: "e\u{301}", count: 64)).isEmpty)
        #expect(Self.codes(field, String(repeating: "é", count: 65)) == ["\(field.rawValue).invalid"])
    }

    @Test("real names pass", arguments: NameField.allCases,
          ["O'Brien", "José-María", "Zoë", "李", "van der Berg", "Nguyễn", "Ngũgĩ wa Thiong'o", "Ōta"])
    func realNames(field: NameField, value: String) {
        #expect(Self.codes(field, value).isEmpty)
    }

    @Test("both names wrong are both reported")
    func bothNames() {
        var registration = Fixture.registration
        registration.firstName = ""
        registration.lastName = String(repeating: "D", count: 65)
        #expect(Fixture.codes(registration) == ["firstName.invalid", "lastName.invalid"])
    }

    @Test("the phrase is required", arguments: ["", " ", "\t\t", "\n"])
    func phraseMissing(phrase: String) {
        #expect(Self.phraseCodes(phrase) == ["passwordPhrase.invalid"])
    }

    @Test("the phrase is at most 100 characters")
    func phraseLength() {
        #expect(Self.phraseCodes(String(repeating: "p", count: 100)).isEmpty)
        #expect(Self.phraseCodes(String(repeating: "p", count: 101)) == ["passwordPhrase.invalid"])
        #expect(Self.phraseCodes(String(repeating: "ü", count: 100)).isEmpty)
    }

    @Test("a control character in the phrase is passwordPhrase.invalid", arguments: controls)
    func phraseControl(control: String) {
        #expect(Self.phraseCodes("blue heron" + control + "at dawn") == ["passwordPhrase.invalid"])
    }
}
