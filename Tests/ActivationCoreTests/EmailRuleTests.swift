import Testing
@testable import ActivationCore

@Suite("Email rules")
struct EmailRuleTests {
    /// An address of exactly `length` octets: a 64-octet local part and a domain of LDH labels.
    static func address(length: Int) -> String {
        let local = String(repeating: "a", count: 64)
        var remaining = length - local.count - 1 - ".org".count
        var labels: [String] = []
        while remaining > 0 {
            // Keep at least 2 octets (a dot and a letter) for a further label, when one is needed.
            let size = min(63, remaining - (remaining > 64 ? 2 : 0))
            labels.append(String(repeating: "b", count: size))
            remaining -= size + 1
        }
        return local + "@" + labels.joined(separator: ".") + ".org"
    }

    @Test("usual addresses are valid", arguments: [
        "jane@example.org", "Jane.Doe@Example.ORG", "first.last+tag@sub.example.co.uk", "x@xn--bcher-kva.example",
        "o'brien@example.ie", "a!#$%&'*+-/=?^_`{|}~z@example.org", "1@2.io", "jane@my-host.example",
    ])
    func valid(address: String) {
        #expect(EmailAddress.isValid(address))
    }

    @Test("malformed or unsafe addresses are invalid", arguments: [
        "", "jane", "@example.org", "jane@", "jane@example", "jane@localhost",
        "jane@example.org\r\n", "jane\r@example.org", "jane@exa\nmple.org", "jane\n@example.org",
        "jane\u{0}@example.org", "jane@example.org\u{0}",
        "ja ne@example.org", " jane@example.org", "jane@example.org ", "jane@exam ple.org", "jane\t@example.org",
        "jane@@example.org", "ja@ne@example.org", "jane@example.org@",
        ".jane@example.org", "jane.@example.org", "ja..ne@example.org",
        "jane@.example.org", "jane@example.org.", "jane@example..org",
        "jane@-example.org", "jane@example-.org", "jane@exam_ple.org",
        "\"jane\"@example.org", "\"ja ne\"@example.org", "jane@[192.0.2.1]", "<jane@example.org>",
        "jöhn@example.org", "jane@exämple.org", "jane@example.org\u{2028}", "jane(comment)@example.org",
        "jane,joe@example.org", "jane;@example.org",
    ])
    func invalid(address: String) {
        #expect(!EmailAddress.isValid(address))
        var registration = Fixture.registration
        registration.email = address
        registration.confirmEmail = address
        #expect(Fixture.codes(registration) == ["email.invalid"])
    }

    @Test("the local part is at most 64 octets")
    func localPartLength() {
        let local64 = String(repeating: "a", count: 64)
        #expect(EmailAddress.isValid(local64 + "@example.org"))
        #expect(!EmailAddress.isValid(local64 + "a@example.org"))
    }

    @Test("a domain label is at most 63 octets")
    func labelLength() {
        let label63 = String(repeating: "b", count: 63)
        #expect(EmailAddress.isValid("jane@" + label63 + ".org"))
        #expect(!EmailAddress.isValid("jane@" + label63 + "b.org"))
        #expect(EmailAddress.isValid("jane@example." + label63))
        #expect(!EmailAddress.isValid("jane@example." + label63 + "b"))
    }

    @Test("the whole address is at most 254 octets")
    func wholeLength() throws {
        let longest = Self.address(length: 254)
        let tooLong = Self.address(length: 255)
        try #require(longest.utf8.count == 254)
        try #require(tooLong.utf8.count == 255)
        #expect(EmailAddress.isValid(longest))
        #expect(!EmailAddress.isValid(tooLong))
        var registration = Fixture.registration
        registration.email = tooLong
        registration.confirmEmail = tooLong
        #expect(Fixture.codes(registration) == ["email.invalid"])
    }

    @Test("confirmEmail must equal email, case aside", arguments: [
        ("jane@example.org", []), ("JANE@Example.Org", []),
        ("jane@example.com", ["confirmEmail.mismatch"]), ("jane@example.org ", ["confirmEmail.mismatch"]),
        ("", ["confirmEmail.mismatch"]),
    ])
    func confirmation(confirm: String, expected: [String]) {
        var registration = Fixture.registration
        registration.confirmEmail = confirm
        #expect(Fixture.codes(registration) == expected)
    }

    @Test("the domain shown in logs is the part after the last @, lowercased")
    func domain() {
        #expect(EmailAddress.domain(of: "Jane@Example.ORG") == "example.org")
        #expect(EmailAddress.domain(of: "no-at-sign") == "")
    }
}
