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

    /// Names from many cultures, some typed with combining marks (NFD), some with joiners.
    static let worldNames: [String] = [
        "José", "Jose\u{301}", "Zoë", "Zoe\u{308}", "O'Brien", "O’Connor", "Anne-Marie", "Nguyễn Văn",
        "Nguye\u{302}\u{303}n Va\u{306}n", "Björk", "Ólafur", "张伟", "محمد", "Παπαδόπουλος", "Шевченко",
        "श्रीनिवास", "D'Angelo", "J. R. R.", "St. John", "Mary Jo", "Saoirse", "Jr.", "Ngũgĩ wa Thiong'o",
        "Nkosazana Dlamini-Zuma", "Søren", "Łukasz", "Dvořák", "Đặng Thị", "Hawaiʻi", "山田\u{3000}太郎",
        "김민준", "ישראלי", "Kʼicheʼ", "مهر\u{200C}انگیز", "ਗੁਰਪ੍ਰੀਤ", "Ṭhākur", "A\u{30A}sa", "Çelik", "Nuñez",
        "Smith‐Jones", "ʻOlelo", "Ø. Berg", "ﾀﾛｳ",
    ]

    @Test("names of many cultures pass", arguments: NameField.allCases, worldNames)
    func worldName(field: NameField, value: String) {
        #expect(Self.codes(field, value).isEmpty, "\(value.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    /// Text that would carry a link, an address, a domain or a reversed reading into our mail.
    static let linkLike: [String] = [
        "evil.example", "https://x", "a@b", "www.x.y", "Jane. URGENT: verify at https://evil.example/login now",
        "Jane\u{202E}eoD", "\u{202D}Jane", "\u{2066}Jane\u{2069}", "\u{2067}Jane", "\u{2068}Jane", "Jane\u{202A}",
        "x/y", "a.b.c", "J.R.R.", "St.John", "EVIL.EXAMPLE", "évil.exämple", "ｅｖｉｌ.ｅｘａｍｐｌｅ", "Jane http",
        "Jane ｈｔｔｐｓ", "Jane www. evil", "evil\u{2024}example", "evil。example", "evil．example", "Jane <jane@x>",
        ". Jane", "Jane..", "Jane .x", "x.-y", "x.\u{200C}y", "evil. \u{200B}", "\u{200B}", "\u{200C}\u{200D}",
        "\u{200B}\u{200B}", "\u{FEFF}Jane", "'-.", "\u{301}\u{301}", "Jane2", "Jane!", "Jane:", "Jane\u{200E}",
        "evil . example", "Jane\u{E0041}",
    ]

    @Test("link-like and direction-changing text is <field>.characters", arguments: NameField.allCases, linkLike)
    func linkLikeName(field: NameField, value: String) {
        #expect(Self.codes(field, value) == ["\(field.rawValue).characters"], "\(value.debugDescription)")
    }

    @Test("one grapheme of 20,000 combining marks is too long: lengths count Unicode scalars",
          arguments: NameField.allCases)
    func giantGrapheme(field: NameField) {
        let giant = "a" + String(repeating: "\u{301}", count: 20_000)
        #expect(giant.count == 1)
        #expect(Self.codes(field, giant) == ["\(field.rawValue).invalid"])
        // U+0334 composes with nothing, so NFC keeps every scalar: 64 pass, 65 do not.
        #expect(Self.codes(field, "x" + String(repeating: "\u{334}", count: 63)).isEmpty)
        #expect(Self.codes(field, "x" + String(repeating: "\u{334}", count: 64)) == ["\(field.rawValue).invalid"])
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

    @Test("the phrase's length counts Unicode scalars of its NFC form")
    func phraseScalars() {
        #expect(Self.phraseCodes("a" + String(repeating: "\u{301}", count: 20_000)) == ["passwordPhrase.invalid"])
        #expect(Self.phraseCodes(String(repeating: "e\u{301}", count: 100)).isEmpty, "NFC: 100 scalars")
        #expect(Self.phraseCodes("x" + String(repeating: "\u{334}", count: 100)) == ["passwordPhrase.invalid"])
    }

    @Test("a control character in the phrase is passwordPhrase.invalid", arguments: controls)
    func phraseControl(control: String) {
        #expect(Self.phraseCodes("blue heron" + control + "at dawn") == ["passwordPhrase.invalid"])
    }
}
