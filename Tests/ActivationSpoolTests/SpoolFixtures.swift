import ActivationCore
import ActivationSpool
import ActivationStoreSQLite
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

/// A fresh spool and SQLite store in a temporary directory, removed afterwards.
struct SpoolSandbox {
    let root: URL
    let spool: SpoolDirectory
    let storePath: String

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("intake-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        spool = SpoolDirectory(root.appendingPathComponent("spool").path)
        try spool.create()
        storePath = root.appendingPathComponent("store.sqlite").path
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Drops a record as a front does (tmp/, rename into new/) under `name`.
    @discardableResult
    func drop(_ data: Data, as name: String = "\(UUID().uuidString).json") throws -> String {
        let tmp = spool.tmp + "/" + name
        try data.write(to: URL(fileURLWithPath: tmp))
        guard rename(tmp, spool.new + "/" + name) == 0 else { throw SpoolError(operation: "rename", path: tmp, errno: errno) }
        return name
    }

    func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    func reason(for name: String) throws -> RejectionReason {
        let data = try Data(contentsOf: URL(fileURLWithPath: spool.rejected + "/" + name + ".reason.json"))
        return try JSONDecoder().decode(RejectionReason.self, from: data)
    }

    func rejectedCopy(_ name: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: spool.rejected + "/" + name))
    }
}

/// Spool records for tests: valid unless a field is changed.
enum Record {
    static func fields(
        id: UUID = UUID(), username: String, email: String? = nil, password: String = "Secr3tPass"
    ) -> [String: Any] {
        let email = email ?? "\(username)@example.org"
        return [
            "version": 1, "id": id.uuidString.lowercased(), "submittedAt": "2026-11-28T10:00:00Z",
            "username": username, "firstName": "Jane", "lastName": "Doe", "email": email,
            "confirmEmail": email, "password": password, "confirmPassword": password,
            "passwordPhrase": "blue heron at dawn", "acceptedConditions": true, "locale": "en",
        ]
    }

    static func data(_ fields: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    }

    static func valid(id: UUID = UUID(), username: String, email: String? = nil, password: String = "Secr3tPass") -> Data {
        data(fields(id: id, username: username, email: email, password: password))
    }
}

/// Test-speed scrypt: ln=4 keeps hashing to microseconds while running the real code path.
let testScrypt = ScryptParameters(logN: 4, r: 8, p: 1)
