import TestSupport
import ActivationCore
import ActivationSpool
import ActivationStoreSQLite
import Foundation
import Dispatch
import Glibc
import Testing

@Suite("Intake rejections: every kind of bad input is set aside, and intake goes on")
struct IntakeRejectionTests {
    /// Records that parse but break rules, with the codes each must be rejected with (all of them).
    static func invalidRecords() -> [(name: String, fields: [String: Any], codes: Set<String>)] {
        func record(_ username: String, _ change: (inout [String: Any]) -> Void) -> [String: Any] {
            let email = username.filter { $0.isLetter || $0.isNumber } + "@example.org"
            var fields = Record.fields(username: username, email: email, password: "Pw\(username)9Xy")
            change(&fields)
            return fields
        }
        return [
            ("short-username", record("abc") { _ in }, ["username.length"]),
            ("bad-username", record("bad user") { _ in }, ["username.characters"]),
            ("weak-password", record("weakpw1") { $0["password"] = "allsmallx"; $0["confirmPassword"] = "allsmallx" },
             ["password.uppercase", "password.digit"]),
            ("mismatch", record("mism1") { $0["confirmPassword"] = "Other123x"; $0["confirmEmail"] = "x@example.org" },
             ["confirmPassword.mismatch", "confirmEmail.mismatch"]),
            ("bad-email", record("bademail1") { $0["email"] = "no-at-sign"; $0["confirmEmail"] = "no-at-sign" },
             ["email.invalid"]),
            ("names-phrase-conditions", record("many1") {
                $0["firstName"] = ""; $0["passwordPhrase"] = ""; $0["acceptedConditions"] = false
            }, ["firstName.invalid", "passwordPhrase.invalid", "acceptedConditions.required"]),
            ("unknown-field", record("unknown1") { $0["admin"] = true }, ["record.unknownField"]),
            ("missing-field", record("missing1") { $0.removeValue(forKey: "lastName") }, ["lastName.missing"]),
            ("wrong-type", record("wrongtype1") { $0["acceptedConditions"] = "yes" }, ["acceptedConditions.type"]),
            ("version-2", record("version1") { $0["version"] = 2 }, ["version.unsupported"]),
            ("bad-id", record("badid1") { $0["id"] = "not-a-uuid" }, ["id.invalid"]),
            ("link-in-name", record("linkname1") {
                $0["firstName"] = "Jane. URGENT: verify at https://evil.example/login now"
            }, ["firstName.characters"]),
            ("domain-in-name", record("domainname1") { $0["lastName"] = "evil.example" }, ["lastName.characters"]),
            ("giant-grapheme", record("giant1") { $0["lastName"] = "a" + String(repeating: "\u{301}", count: 20_000) },
             ["lastName.invalid"]),
        ]
    }

    @Test("records that parse but break rules: every problem listed, the copy without password fields")
    func invalidRecords() async throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let recorder = LogRecorder()
        let records = Self.invalidRecords()
        try await withRunningIntake(sandbox, recorder: recorder) { store in
            for entry in records { try sandbox.drop(Record.data(entry.fields), as: entry.name + ".json") }
            // Alone this takes 0.2 s; beside the whole first run on 2 cores it finished 55–62 s after
            // the run's start, and the default 60 s bound was exceeded once on a fresh clone.
            try await waitUntil(timeout: .seconds(180), "every record is rejected") {
                recorder.events(EventName.registrationRejected).count == records.count
            }
            for entry in records {
                let name = entry.name + ".json"
                let reason = try sandbox.reason(for: name)
                #expect(Set(reason.problems.map(\.code)) == entry.codes, "\(name)")
                #expect(reason.problems.allSatisfy { !$0.field.isEmpty && !$0.message.isEmpty })
                #expect(reason.kept == "withoutPasswords")
                let copy = try sandbox.rejectedCopy(name)
                let object = try #require(try JSONSerialization.jsonObject(with: copy) as? [String: Any])
                #expect(object["password"] == nil && object["confirmPassword"] == nil, "\(name)")
                #expect(object["username"] as? String == entry.fields["username"] as? String)
                let password = try #require(entry.fields["password"] as? String)
                #expect(!String(decoding: copy, as: UTF8.self).contains(password))
                #expect(try permissions(sandbox.spool.rejected + "/" + name) == 0o600)
            }
            #expect(sandbox.names(in: sandbox.spool.new).isEmpty)
            #expect(try await store.counts().accounts[.pending] == 0)
            try await assertStillRunning(sandbox, store: store)
        }
        for entry in records {
            #expect(!recorder.allText.contains(entry.fields["password"] as? String ?? "-"))
        }
        #expect(recorder.events(EventName.registrationRejected).allSatisfy { $0.metadata["codes"] != nil })
    }

    @Test("unparseable files are kept byte for byte with mode 0600")
    func unparseable() async throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let truncated = Data(Record.valid(username: "trunc1").prefix(60))
        let badUTF8 = Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D])
        let array = Data("[1, 2, 3]".utf8)
        let files: [(String, Data, String)] = [
            ("truncated.json", truncated, "record.syntax"), ("bad-utf8.json", badUTF8, "record.encoding"),
            ("array.json", array, "record.notObject"), ("empty.json", Data(), "record.syntax"),
        ]
        try await withRunningIntake(sandbox) { store in
            for (name, data, _) in files { try sandbox.drop(data, as: name) }
            try await waitUntil("every file is rejected") {
                files.allSatisfy { FileManager.default.fileExists(atPath: sandbox.spool.rejected + "/" + $0.0 + ".reason.json") }
                    && sandbox.names(in: sandbox.spool.new).isEmpty
            }
            for (name, data, code) in files {
                #expect(try sandbox.rejectedCopy(name) == data, "\(name)")
                #expect(try permissions(sandbox.spool.rejected + "/" + name) == 0o600, "\(name)")
                let reason = try sandbox.reason(for: name)
                #expect(reason.problems.map(\.code) == [code], "\(name)")
                #expect(reason.kept == "verbatim")
            }
            try await assertStillRunning(sandbox, store: store)
        }
    }

    @Test("a symlink, a FIFO and an oversized file are set aside unread; a link's target is untouched")
    func notRecords() async throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        let target = sandbox.root.appendingPathComponent("outside.json").path
        let outside = Record.valid(username: "linked1")
        try outside.write(to: URL(fileURLWithPath: target))
        try await withRunningIntake(sandbox, configure: { $0.rescanInterval = .milliseconds(200) }) { store in
            #expect(symlink(target, sandbox.spool.new + "/link.json") == 0)
            #expect(mkfifo(sandbox.spool.new + "/fifo.json", 0o600) == 0)
            var big = Record.fields(username: "biggie1")
            big["firstName"] = String(repeating: "A", count: Registration.maximalRecordSize)
            try sandbox.drop(Record.data(big), as: "big.json")
            // Rescans are what find the link and the FIFO (neither is a rename or a close-after-write).
            try await waitUntil("all three are set aside") { sandbox.names(in: sandbox.spool.new).isEmpty }
            #expect(try sandbox.reason(for: "link.json").problems.map(\.code) == ["record.notRegularFile"])
            #expect(try sandbox.reason(for: "fifo.json").problems.map(\.code) == ["record.notRegularFile"])
            #expect(try sandbox.reason(for: "big.json").problems.map(\.code) == ["record.tooLarge"])
            #expect(try sandbox.reason(for: "big.json").kept == "entry")
            var info = stat()
            #expect(lstat(sandbox.spool.rejected + "/link.json", &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
            #expect(lstat(sandbox.spool.rejected + "/fifo.json", &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == outside)
            #expect(try await store.account(username: "linked1") == nil)
            try await assertStillRunning(sandbox, store: store)
        }
    }

    @Test("username.taken and email.taken are rejections like any other")
    func storeRejections() async throws {
        let sandbox = try SpoolSandbox()
        defer { sandbox.remove() }
        try await withRunningIntake(sandbox) { store in
            try sandbox.drop(Record.valid(username: "owner1", email: "owner@example.org"))
            try await waitForIntake(sandbox, store: store, accounts: 1)
            let owner = try #require(try await store.account(username: "owner1"))
            _ = try await store.activate(accountID: owner.id, nonce: owner.nonce, now: Date())
            try sandbox.drop(Record.valid(username: "OWNER1", email: "other@example.org"), as: "user-taken.json")
            try sandbox.drop(Record.valid(username: "another1", email: "Owner@example.org"), as: "mail-taken.json")
            try await waitUntil("both are rejected") { sandbox.names(in: sandbox.spool.new).isEmpty }
            #expect(try sandbox.reason(for: "user-taken.json").problems.map(\.code) == ["username.taken"])
            #expect(try sandbox.reason(for: "mail-taken.json").problems.map(\.code) == ["email.taken"])
            #expect(try sandbox.reason(for: "mail-taken.json").registration != nil)
            let copy = String(decoding: try sandbox.rejectedCopy("mail-taken.json"), as: UTF8.self)
            #expect(!copy.contains("Secr3tPass"))
            #expect(try await store.counts().accounts[.active] == 1)
        }
    }

    /// A valid record dropped after the bad ones is still taken in.
    private func assertStillRunning(_ sandbox: SpoolSandbox, store: SQLiteAccountStore) async throws {
        let id = UUID()
        try sandbox.drop(Record.valid(id: id, username: "alive" + String(id.uuidString.prefix(8)).filter(\.isHexDigit)))
        try await waitUntil(timeout: .seconds(30), "a valid record after the bad ones is accepted") {
            try await store.account(registrationID: id) != nil
        }
    }
}

func permissions(_ path: String) throws -> mode_t {
    var info = stat()
    guard lstat(path, &info) == 0 else { throw SpoolError(operation: "lstat", path: path, errno: errno) }
    return info.st_mode & 0o777
}
