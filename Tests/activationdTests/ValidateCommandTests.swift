import Foundation
import Testing

@Suite("activationd validate")
struct ValidateCommandTests {
    /// The codes of the JSON lines a run printed, checking that each line has exactly the three keys.
    static func codes(in output: String) throws -> [String] {
        try output.split(separator: "\n").map { line in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            #expect(Set(object.keys) == ["field", "code", "message"])
            return try #require(object["code"])
        }
    }

    @Test("the shipped valid example exits 0 and prints nothing on stdout")
    func validExample() async throws {
        let result = try await CommandRunner.run(["validate", "Config/examples/registration.json"])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
    }

    @Test("each invalid example exits 65 with its codes", arguments: [
        ("invalid-username-and-password.json",
         ["username.characters", "password.length", "password.uppercase", "password.digit"]),
        ("invalid-confirmations.json",
         ["confirmPassword.mismatch", "confirmEmail.mismatch", "passwordPhrase.invalid", "acceptedConditions.required"]),
        ("invalid-shape.json",
         ["record.unknownField", "version.unsupported", "id.invalid", "submittedAt.invalid", "username.type",
          "lastName.missing", "acceptedConditions.type"]),
    ])
    func invalidExamples(file: String, expected: [String]) async throws {
        let result = try await CommandRunner.run(["validate", "Config/examples/\(file)"])
        #expect(result.status == 65)
        #expect(try Self.codes(in: result.stdout) == expected)
    }

    @Test("a record on standard input is read with -")
    func standardInput() async throws {
        let record = try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent(
            "Config/examples/registration.json"))
        #expect(try await CommandRunner.run(["validate", "-"], input: record).status == 0)
        let broken = try await CommandRunner.run(["validate", "-"], input: Data("{\"version\": 1,".utf8))
        #expect(broken.status == 65)
        #expect(try Self.codes(in: broken.stdout) == ["record.syntax"])
    }

    @Test("bad UTF-8 and oversized input are reported, not crashed on")
    func hostileInput() async throws {
        let badUTF8 = try await CommandRunner.run(["validate", "-"], input: Data([0x7B, 0xFF, 0xFE, 0x7D]))
        #expect(badUTF8.status == 65)
        #expect(try Self.codes(in: badUTF8.stdout) == ["record.encoding"])
        let huge = try await CommandRunner.run(["validate", "-"], input: Data(repeating: 0x20, count: 200_000))
        #expect(huge.status == 65)
        #expect(try Self.codes(in: huge.stdout) == ["record.tooLarge"])
    }

    @Test("no password or phrase is echoed back")
    func secretsStaySecret() async throws {
        let record = """
            {"version":1,"id":"6f1c2a8e-3b4d-4c5e-9f60-7a8b9c0d1e2f","submittedAt":"2026-11-28T10:00:00Z",
             "username":"x","firstName":"Jane","lastName":"Doe","email":"jane@example.org",
             "confirmEmail":"jane@example.org","password":"Pw1longsecretXYZ","confirmPassword":"Pw1longsecretXYQ",
             "passwordPhrase":"violet kestrel","acceptedConditions":true}
            """
        let result = try await CommandRunner.run(["validate", "-"], input: Data(record.utf8))
        #expect(result.status == 65)
        for secret in ["Pw1longsecretXYZ", "Pw1longsecretXYQ", "violet kestrel"] {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        }
    }

    @Test("a missing file exits 66")
    func missingFile() async throws {
        #expect(try await CommandRunner.run(["validate", "/nonexistent/record.json"]).status == 66)
    }
}

@Suite("activationd keys generate")
struct KeysCommandTests {
    @Test("prints a keys-file line with an id and a 32-byte base64 secret, different each time")
    func generate() async throws {
        let first = try await CommandRunner.run(["keys", "generate"])
        let second = try await CommandRunner.run(["keys", "generate"])
        #expect(first.status == 0)
        let fields = first.stdout.trimmingCharacters(in: .newlines).split(separator: " ")
        #expect(fields.count == 2)
        #expect(Data(base64Encoded: String(fields.last ?? ""))?.count == 32)
        #expect(first.stdout != second.stdout)
    }
}
