import Foundation

/// dkimpy (Debian's python3-dkim), run as a process on `Tests/dkim/verify_dkim.py`: verifies
/// every DKIM-Signature of a message file against the TXT records `activationd keys dkim` printed.
public enum DKIMVerifier {
    /// One signature's verdict.
    public struct Result: Decodable, Sendable {
        public let d: String
        public let s: String
        public let a: String
        public let ok: Bool
        public let error: String
    }

    /// The verdicts, one per DKIM-Signature field, top first.
    public static func verify(messageFile: String, recordsFile: String) async throws -> [Result] {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("dkim/verify_dkim.py").path
        let (status, output) = try await runProcess("/usr/bin/python3", [script, messageFile, recordsFile])
        guard status <= 1, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }) else {
            throw ServerError(description: "verify_dkim.py exited \(status): \(output)")
        }
        struct Report: Decodable { let results: [Result] }
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8)).results
    }

    /// `verify` for message bytes, written to a file in `directory` first.
    public static func verify(_ message: [UInt8], recordsFile: String, in directory: TemporaryDirectory)
        async throws -> [Result]
    {
        let path = directory.path("message-\(UUID().uuidString).eml")
        try Data(message).write(to: URL(fileURLWithPath: path))
        return try await verify(messageFile: path, recordsFile: recordsFile)
    }
}
