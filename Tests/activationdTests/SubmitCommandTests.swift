import Foundation
import Testing

@Suite("activationd submit")
struct SubmitCommandTests {
    /// A fresh spool directory with its three subdirectories, as the daemon creates it.
    static func makeSpool() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("submit-\(UUID().uuidString.prefix(8))")
        for sub in ["tmp", "new", "rejected"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        return root
    }

    static func entries(_ url: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    }

    @Test("a valid record is renamed into new/ whole, and its registration id printed")
    func validRecord() async throws {
        let spool = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: spool) }
        let example = CommandRunner.packageRoot.appendingPathComponent("Config/examples/registration.json")
        let result = try await CommandRunner.run(["submit", "--spool", spool.path, example.path])
        #expect(result.status == 0)
        #expect(result.stdout == "6f1c2a8e-3b4d-4c5e-9f60-7a8b9c0d1e2f\n")
        let new = Self.entries(spool.appendingPathComponent("new"))
        #expect(new.count == 1 && new.first?.hasSuffix(".json") == true)
        #expect(Self.entries(spool.appendingPathComponent("tmp")).isEmpty)
        let written = try Data(contentsOf: spool.appendingPathComponent("new/\(new[0])"))
        #expect(written == (try Data(contentsOf: example)))
    }

    @Test("a record on standard input is read with -")
    func standardInput() async throws {
        let spool = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: spool) }
        let record = try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent("Config/examples/registration.json"))
        let result = try await CommandRunner.run(["submit", "--spool", spool.path, "-"], input: record)
        #expect(result.status == 0)
        #expect(Self.entries(spool.appendingPathComponent("new")).count == 1)
    }

    @Test("an invalid record exits 65 with its problems as JSON lines and writes nothing")
    func invalidRecord() async throws {
        let spool = try Self.makeSpool()
        defer { try? FileManager.default.removeItem(at: spool) }
        let result = try await CommandRunner.run(["submit", "--spool", spool.path, "Config/examples/invalid-confirmations.json"])
        #expect(result.status == 65)
        #expect(try ValidateCommandTests.codes(in: result.stdout)
                == ["confirmPassword.mismatch", "confirmEmail.mismatch", "passwordPhrase.invalid", "acceptedConditions.required"])
        #expect(Self.entries(spool.appendingPathComponent("new")).isEmpty)
        #expect(Self.entries(spool.appendingPathComponent("tmp")).isEmpty)
    }

    @Test("a spool that does not exist exits 74 (EX_IOERR)")
    func missingSpool() async throws {
        let result = try await CommandRunner.run(["submit", "--spool", "/nonexistent/spool", "Config/examples/registration.json"])
        #expect(result.status == 74)
        #expect(result.stdout.isEmpty)
    }
}
