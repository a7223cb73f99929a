import Foundation
import TestSupport

/// Runs the built `activationd` binary as an operator would.
struct CommandRunner {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `activationd` beside the test binary (where SwiftPM puts both), or `$ACTIVATIOND_BIN`.
    static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["ACTIVATIOND_BIN"] {
            return URL(fileURLWithPath: path)
        }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let beside = testBinary.deletingLastPathComponent().appendingPathComponent("activationd")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return packageRoot.appendingPathComponent(".build/debug/activationd")
    }()

    /// Runs `activationd arguments…` with `input` on standard input (`ChildProcess`: files, not
    /// pipes, and a wait off Swift concurrency's threads); `environment` is added to this process's.
    static func run(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) async throws -> Result {
        let result = try await ChildProcess.run(binary.path, arguments, environment: environment, directory: packageRoot.path,
                                                input: input)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
