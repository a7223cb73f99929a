import Foundation
import TestSupport
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

    /// The installed spool's layout (systemd/activationd.tmpfiles) with numeric owners: the daemon
    /// `daemonID`, the group `submitGroup`; tmp/ and new/ setgid, sticky, not listable by the group.
    static func installedSpool(daemonID: UInt32, submitGroup: UInt32) throws -> URL {
        let root = try makeSpool()
        for (path, mode) in [("", 0o750), ("/tmp", 0o3730), ("/new", 0o3730)] as [(String, mode_t)] {
            #expect(chown(root.path + path, daemonID, submitGroup) == 0)
            #expect(chmod(root.path + path, mode) == 0)
        }
        return root
    }

    /// `activationd submit` run as `uid` with only the supplementary `groups` (util-linux's setpriv).
    static func submit(as uid: UInt32, groups: [UInt32], spool: URL) async throws -> ChildResult {
        let record = try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent("Config/examples/registration.json"))
        let groupList = groups.isEmpty ? ["--clear-groups"] : ["--groups=" + groups.map(String.init).joined(separator: ",")]
        return try await ChildProcess.run("/usr/bin/setpriv", [
            "--reuid=\(uid)", "--regid=\(uid)"] + groupList + ["--inh-caps=-all", "--",
            CommandRunner.binary.path, "submit", "--spool", spool.path, "-"], directory: "/", input: record)
    }

    @Test("a web front in the submit group, which may not list new/, submits with exit 0; the record gets the spool's group, mode 0640")
    func frontInSubmitGroup() async throws {
        let (daemon, front, group) = (UInt32(61_236), UInt32(61_234), UInt32(61_235))
        let spool = try Self.installedSpool(daemonID: daemon, submitGroup: group)
        defer { try? FileManager.default.removeItem(at: spool) }
        let result = try await Self.submit(as: front, groups: [group], spool: spool)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "6f1c2a8e-3b4d-4c5e-9f60-7a8b9c0d1e2f\n")
        let new = Self.entries(spool.appendingPathComponent("new"))
        #expect(new.count == 1)
        var info = stat()
        #expect(stat(spool.appendingPathComponent("new/\(new.first ?? "-")").path, &info) == 0)
        #expect(info.st_uid == front && info.st_gid == group, "owner \(info.st_uid), group \(info.st_gid)")
        #expect(info.st_mode & 0o7777 == 0o640, "mode \(String(info.st_mode & 0o7777, radix: 8))")
    }

    @Test("a user outside the submit group cannot submit (exit 74), and nothing is written")
    func strangerRefused() async throws {
        let spool = try Self.installedSpool(daemonID: 61_236, submitGroup: 61_235)
        defer { try? FileManager.default.removeItem(at: spool) }
        let result = try await Self.submit(as: 61_237, groups: [], spool: spool)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(Self.entries(spool.appendingPathComponent("new")).isEmpty)
        #expect(Self.entries(spool.appendingPathComponent("tmp")).isEmpty)
    }
}
