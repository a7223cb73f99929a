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

    /// Runs `activationd arguments…` with `input` on standard input, on a thread of its own: the
    /// wait must not hold one of Swift concurrency's few threads while other tests need them.
    static func run(_ arguments: [String], input: Data = Data()) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try runBlocking(arguments, input: input) }) }.start()
        }
    }

    private static func runBlocking(_ arguments: [String], input: Data) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        // The command may stop reading early (an oversized record): a write to the closed pipe must
        // fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let err = PipeCollector(stderr.fileHandleForReading)
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        return Result(status: waitForExit(process), stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err.data, as: UTF8.self))
    }
}

/// Drains a pipe on its own thread, so that neither stdout nor stderr can fill up and block the child.
final class PipeCollector: @unchecked Sendable {
    // Safe: `collected` is written once by the thread and read only after `done` is signalled.
    private var collected = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            collected = handle.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    var data: Data {
        done.wait()
        return collected
    }
}
