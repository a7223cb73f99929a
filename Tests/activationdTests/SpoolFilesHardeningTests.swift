import Foundation
import TestSupport
import Testing

/// Hostile spool files, through the real daemon and real spool files: names that are not UTF-8,
/// names too long for a reason file beside them, and the modes of the daemon's own files whatever
/// umask it was started with.
@Suite("spool names and file modes", .serialized)
struct SpoolFilesHardeningTests {
    /// A daemon relaying to a closed port (no mail needed here), started under `umask`.
    static func started(umask: String? = nil) async throws -> DaemonHarness {
        let daemon = try await DaemonHarness(extraYAML: """
            smtp:
              url: "smtp://127.0.0.1:\(try freePort())"
              starttls: "never"
            """)
        try daemon.start(umask: umask)
        #expect(try await daemon.waitForNotification("READY=1"))
        return daemon
    }

    /// Creates `directory/<name bytes>` holding `data` with `mode`, whatever the name's bytes.
    static func write(_ data: Data, name: [UInt8], in directory: String, mode: mode_t = 0o640) throws {
        let path = (Array(directory.utf8) + [UInt8(ascii: "/")] + name + [0]).map { CChar(bitPattern: $0) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        _ = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, mode)
        close(fd)
    }

    /// The names in `directory`, as bytes.
    static func names(in directory: String) -> [[UInt8]] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(while: { $0 != 0 })) }
            if name != [0x2E], name != [0x2E, 0x2E] { names.append(name) }
        }
        return names
    }

    static func mode(of path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    @Test("a spool file whose name is not UTF-8 is set aside with record.fileName, not left in new/ for ever")
    func undecodableName() async throws {
        let daemon = try await Self.started()
        defer { daemon.cleanUp() }
        let new = daemon.spoolDirectory + "/new", rejected = daemon.spoolDirectory + "/rejected"
        let name = Array("bad".utf8) + [0xFF, 0xFE] + Array("name.json".utf8)
        let record = try Data(contentsOf: CommandRunner.packageRoot.appendingPathComponent("Config/examples/registration.json"))
        try Self.write(record, name: name, in: new)
        try await waitUntil("the file left new/", observe: { Self.names(in: new).map { String(decoding: $0, as: UTF8.self) } }) { $0.isEmpty }
        #expect(try await daemon.waitForLog("codes=record.fileName"))
        let kept = Self.names(in: rejected).compactMap { String(validating: $0, as: UTF8.self) }
        let copy = try #require(kept.first { $0.hasPrefix("bad%FF%FEname~") && $0.hasSuffix(".json") }, "\(kept)")
        #expect(Self.mode(of: rejected + "/" + copy) == 0o600, "the unread copy (it may hold a password) is private")
        let reason = try String(contentsOfFile: rejected + "/" + copy + ".reason.json", encoding: .utf8)
        #expect(reason.contains("record.fileName") && reason.contains("bad%FF%FEname.json"))
        let status = try await CommandRunner.run(["status", "--json", "--config", daemon.configPath])
        #expect(status.status == 0)
        #expect(!daemon.logs.joined().contains("Secr3tPass"))
    }

    @Test("an invalid file with a 250-byte name is rejected once, its reason beside it, and nothing is left in tmp/")
    func longName() async throws {
        let daemon = try await Self.started()
        defer { daemon.cleanUp() }
        let new = daemon.spoolDirectory + "/new", rejected = daemon.spoolDirectory + "/rejected"
        let long = String(repeating: "r", count: 245) + ".json"
        #expect(long.utf8.count == 250)
        try Self.write(Data("{\"version\":1}".utf8), name: Array(long.utf8), in: new)
        // Also the longest name Linux allows, in a multi-byte script.
        let longest = String(repeating: "é", count: 125) + ".json"
        #expect(longest.utf8.count == 255)
        try Self.write(Data("not json".utf8), name: Array(longest.utf8), in: new)
        try await waitUntil("both files left new/", observe: { Self.names(in: new).map { String(decoding: $0, as: UTF8.self) } }) { $0.isEmpty }
        let kept = Self.names(in: rejected).compactMap { String(validating: $0, as: UTF8.self) }.sorted()
        #expect(kept.count == 4, "two copies and two reasons: \(kept)")
        for copy in kept where !copy.hasSuffix(".reason.json") {
            #expect(copy.utf8.count + ".reason.json".utf8.count <= 255)
            #expect(kept.contains(copy + ".reason.json"))
        }
        let reasons = try kept.filter { $0.hasSuffix(".reason.json") }
            .map { try String(contentsOfFile: rejected + "/" + $0, encoding: .utf8) }
        #expect(reasons.contains { $0.contains(long) } && reasons.contains { $0.contains(longest) })
        // Nothing rejects the same files again, nor leaves reason files in tmp/: shown once a record
        // dropped after them has been taken in (the intake has handled everything before it).
        #expect(try await CommandRunner.run(["submit", "--config", daemon.configPath, "Config/examples/registration.json"])
            .status == 0)
        #expect(try await daemon.waitForLog("event=registration.accepted"))
        #expect(Self.names(in: daemon.spoolDirectory + "/tmp").isEmpty)
        #expect(daemon.logs.filter { $0.contains("event=registration.rejected") }.count == 2)
    }

    @Test("started under umask 022, the store and rejected copies are still 0600")
    func modesUnderUmask() async throws {
        let daemon = try await Self.started(umask: "022")
        defer { daemon.cleanUp() }
        #expect(try await CommandRunner.run(["submit", "--config", daemon.configPath, "Config/examples/registration.json"])
            .status == 0)
        #expect(try await daemon.waitForLog("event=registration.accepted"))
        for suffix in ["", "-wal", "-shm"] {
            let mode = Self.mode(of: daemon.storePath + suffix)
            #expect(mode == 0o600, "activationd.sqlite\(suffix) is \(mode.map { String($0, radix: 8) } ?? "missing")")
        }
        // An oversized file is moved as it is, unread: its 0644 must not follow it into rejected/.
        let new = daemon.spoolDirectory + "/new"
        try Self.write(Data(repeating: 0x20, count: 70_000), name: Array("oversized.json".utf8), in: new, mode: 0o644)
        #expect(try await daemon.waitForLog("codes=record.tooLarge"))
        #expect(Self.mode(of: daemon.spoolDirectory + "/rejected/oversized.json") == 0o600)
        #expect(Self.mode(of: daemon.spoolDirectory + "/rejected/oversized.json.reason.json") == 0o600)
    }

    @Test("a store made 0644 by an earlier version is narrowed to 0600 at start")
    func existingStoreNarrowed() async throws {
        let daemon = try await DaemonHarness()
        defer { daemon.cleanUp() }
        try FileManager.default.createDirectory(atPath: (daemon.storePath as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: daemon.storePath, contents: nil)
        chmod(daemon.storePath, 0o644)
        let status = try await CommandRunner.run(["status", "--config", daemon.configPath])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(Self.mode(of: daemon.storePath) == 0o600)
    }
}
