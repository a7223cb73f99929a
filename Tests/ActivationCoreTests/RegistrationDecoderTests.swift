import Foundation
import Testing
@testable import ActivationCore

@Suite("RegistrationDecoder")
struct RegistrationDecoderTests {
    @Test("a valid record decodes to every field")
    func validRecord() throws {
        let registration = try RegistrationDecoder.decode(Fixture.record())
        #expect(registration == Fixture.registration)
        #expect(registration.id == Fixture.id)
        #expect(registration.submittedAt == Fixture.submittedAt)
        #expect(registration.password.value == "Secr3tPass")
        #expect(registration.confirmPassword.value == "Secr3tPass")
        #expect(registration.passwordPhrase.value == "blue heron at dawn")
        #expect(registration.acceptedConditions)
    }

    @Test("names and the phrase are kept in NFC, the form the rules check")
    func normalized() throws {
        let registration = try RegistrationDecoder.decode(Fixture.record(replacing: [
            "firstName": Fixture.quoted("Jose\u{301}"), "lastName": Fixture.quoted("Nguye\u{302}\u{303}n"),
            "passwordPhrase": Fixture.quoted("cafe\u{301} au lait"),
        ]))
        #expect(Array(registration.firstName.unicodeScalars) == Array("Jos\u{E9}".unicodeScalars))
        #expect(Array(registration.lastName.unicodeScalars) == Array("Nguy\u{1EC5}n".unicodeScalars))
        #expect(Array(registration.passwordPhrase.value.unicodeScalars) == Array("caf\u{E9} au lait".unicodeScalars))
    }

    @Test("locale is optional and defaults to en")
    func localeDefault() throws {
        let registration = try RegistrationDecoder.decode(Fixture.record(removing: ["locale"]))
        #expect(registration.locale == "en")
    }

    @Test("a given locale tag is kept", arguments: ["es", "es-MX", "zh-Hant-TW", "fil"])
    func localeKept(tag: String) throws {
        let registration = try RegistrationDecoder.decode(Fixture.record(replacing: ["locale": Fixture.quoted(tag)]))
        #expect(registration.locale == tag)
    }

    @Test("submittedAt with fractional seconds or an offset decodes")
    func timestampForms() throws {
        let fractional = try RegistrationDecoder.decode(
            Fixture.record(replacing: ["submittedAt": #""2026-11-28T10:00:00.250Z""#]))
        #expect(fractional.submittedAt == Fixture.submittedAt.addingTimeInterval(0.25))
        let offset = try RegistrationDecoder.decode(
            Fixture.record(replacing: ["submittedAt": #""2026-11-28T11:00:00+01:00""#]))
        #expect(offset.submittedAt == Fixture.submittedAt)
    }

    @Test("a field of the wrong JSON type is <field>.type", arguments: [
        ("username", "42"),
        ("firstName", "{}"),
        ("email", "null"),
        ("password", #"["Secr3tPass"]"#),
        ("passwordPhrase", "false"),
        ("id", "123"),
        ("submittedAt", "1795860000"),
        ("acceptedConditions", #""true""#),
        ("acceptedConditions", "1"),
        ("acceptedConditions", "null"),
        ("version", #""1""#),
        ("version", "true"),
        ("version", "1.5"),
        ("locale", "7"),
        ("locale", "null"),
    ])
    func wrongType(field: String, json: String) throws {
        let failure = try #require(Fixture.decodeFailure(Fixture.record(replacing: [field: json])))
        #expect(failure.problems.map(\.code) == ["\(field).type"])
        #expect(failure.problems.map(\.field) == [field])
        #expect(failure.recordParsed)
    }

    @Test("a missing required field is <field>.missing",
          arguments: Registration.fieldNames.filter { $0 != "locale" })
    func missingField(field: String) throws {
        let failure = try #require(Fixture.decodeFailure(Fixture.record(removing: [field])))
        #expect(failure.problems.map(\.code) == ["\(field).missing"])
        #expect(failure.recordParsed)
    }

    @Test("a field version 1 does not define is record.unknownField")
    func unknownField() throws {
        let failure = try #require(Fixture.decodeFailure(Fixture.record(adding: [("isAdmin", "true")])))
        #expect(failure.problems.map(\.code) == ["record.unknownField"])
        #expect(failure.problems.map(\.field) == ["isAdmin"])
        #expect(failure.recordParsed)
    }

    @Test("an unknown field's name is reported printable and short")
    func unknownFieldNameSanitised() throws {
        let name = "pass\u{7}word\n" + String(repeating: "x", count: 100)
        let failure = try #require(Fixture.decodeFailure(Fixture.record(adding: [(name, "1")])))
        let field = try #require(failure.problems.first?.field)
        #expect(failure.problems.map(\.code) == ["record.unknownField"])
        #expect(field.hasPrefix("pass?word?xxx"))
        #expect(field.count == 64)
        #expect(field.unicodeScalars.allSatisfy { (0x20..<0x7F).contains($0.value) })
    }

    @Test("a version other than 1 is version.unsupported", arguments: ["0", "2", "-1", "100"])
    func unsupportedVersion(json: String) throws {
        let failure = try #require(Fixture.decodeFailure(Fixture.record(replacing: ["version": json])))
        #expect(failure.problems.map(\.code) == ["version.unsupported"])
        #expect(failure.recordParsed)
    }

    @Test("an id that is not a UUID is id.invalid", arguments: [
        "", "not-a-uuid", "6f1c0b9e3d2a4c559e610a1b2c3d4e5f", "6f1c0b9e-3d2a-4c55-9e61-0a1b2c3d4e5", "{6f1c0b9e-3d2a-4c55-9e61-0a1b2c3d4e5f}",
    ])
    func invalidID(text: String) throws {
        let failure = try #require(Fixture.decodeFailure(Fixture.record(replacing: ["id": Fixture.quoted(text)])))
        #expect(failure.problems.map(\.code) == ["id.invalid"])
    }

    @Test("a submittedAt that is not RFC 3339 is submittedAt.invalid", arguments: [
        "", "yesterday", "2026-11-28", "2026-11-28 10:00:00Z", "2026-11-28T10:00:00", "2026-13-28T10:00:00Z",
        "28/11/2026 10:00",
    ])
    func invalidTimestamp(text: String) throws {
        let failure = try #require(
            Fixture.decodeFailure(Fixture.record(replacing: ["submittedAt": Fixture.quoted(text)])))
        #expect(failure.problems.map(\.code) == ["submittedAt.invalid"])
    }

    @Test("a locale that is not a simple language tag is locale.invalid", arguments: [
        "", "e", "english", "en_US", "en-", "-en", "en--US", "en US", "ën", "en-123456789", "e1",
    ])
    func invalidLocale(text: String) throws {
        let failure = try #require(
            Fixture.decodeFailure(Fixture.record(replacing: ["locale": Fixture.quoted(text)])))
        #expect(failure.problems.map(\.code) == ["locale.invalid"])
    }

    @Test("bytes that are not UTF-8 are record.encoding and not parsed", arguments: [
        [0xFF],
        [0xC3, 0x28],            // a lead byte without its continuation
        [0xC0, 0xAF],            // an overlong "/"
        [0xED, 0xA0, 0x80],      // a UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80], // beyond U+10FFFF
    ] as [[UInt8]])
    func invalidUTF8(bad: [UInt8]) throws {
        // A whole record, valid but for the bad bytes inside the first name.
        var bytes = Array(Fixture.record(replacing: ["firstName": #""Ja__ne""#]))
        let marker = try #require(bytes.firstRange(of: Array("__".utf8)))
        bytes.replaceSubrange(marker, with: bad)
        let failure = try #require(Fixture.decodeFailure(Data(bytes)))
        #expect(failure.problems.map(\.code) == ["record.encoding"])
        #expect(failure.recordParsed == false)
    }

    @Test("truncated or broken JSON is record.syntax and not parsed")
    func syntax() throws {
        let whole = Fixture.record()
        let cases: [Data] = [
            Data(), whole.prefix(whole.count / 2), whole.dropLast(), Data("{ version: 1 }".utf8), Data("not json".utf8),
        ]
        for data in cases {
            let failure = try #require(Fixture.decodeFailure(data))
            #expect(failure.problems.map(\.code) == ["record.syntax"], "\(String(decoding: data, as: UTF8.self))")
            #expect(failure.recordParsed == false)
        }
    }

    @Test("JSON that is not an object is record.notObject", arguments: [
        "[1, 2, 3]", #"[{"version": 1}]"#, #""a string""#, "42", "true",
    ])
    func notObject(json: String) throws {
        let failure = try #require(Fixture.decodeFailure(Data(json.utf8)))
        #expect(failure.problems.map(\.code) == ["record.notObject"])
        #expect(failure.recordParsed == false)
    }

    @Test("every problem of a record is reported, in field order")
    func severalProblems() throws {
        let data = Fixture.record(
            replacing: ["version": "2", "id": #""nope""#, "acceptedConditions": "1", "locale": #""x""#],
            removing: ["email", "password"],
            adding: [("extra", "null")])
        let failure = try #require(Fixture.decodeFailure(data))
        #expect(failure.problems.map(\.code) == [
            "record.unknownField", "version.unsupported", "id.invalid", "email.missing", "password.missing",
            "acceptedConditions.type", "locale.invalid",
        ])
        #expect(failure.recordParsed)
        #expect(failure.description == failure.problems.map(\.code).joined(separator: ","))
    }

    @Test("problem messages and the failure description never quote a value")
    func noValuesInMessages() throws {
        let secret = "Hunter2Secret"
        let data = Fixture.record(
            replacing: ["password": "17", "id": Fixture.quoted(secret), "submittedAt": Fixture.quoted(secret),
                        "locale": Fixture.quoted(secret), "version": "99"],
            adding: [("note", Fixture.quoted(secret))])
        let failure = try #require(Fixture.decodeFailure(data))
        #expect(failure.problems.count == 6)
        for problem in failure.problems {
            #expect(!problem.message.contains(secret))
            #expect(!problem.description.contains(secret))
        }
        #expect(!failure.description.contains(secret))
        #expect(!String(describing: failure).contains(secret))
    }
}
