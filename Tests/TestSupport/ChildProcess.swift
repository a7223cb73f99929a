public import Foundation

/// A command run to its end: its exit status (128 + the signal when killed) and what it wrote.
public struct ChildResult: Sendable {
    public let status: Int32
    public let stdout: String
    /// Empty when the command's stderr went with its stdout.
    public let stderr: String
}

/// Runs commands to their end the one way that cannot hang on another test's child.
///
/// Why not `Process` with a `Pipe`: reading a pipe to its end waits until every copy of its write
/// end is closed, and a copy leaks into any child spawned by another thread in the same moment
/// (Foundation closes the descriptors it saw open a moment before spawning; a raw `posix_spawn`
/// closes none). A CI run hung for an hour that way: `activationd keys generate`'s output pipe had
/// leaked into the test cluster's PostgreSQL server, which lives until the test process exits.
///
/// So here the command's stdin, stdout and stderr are files, the child gets no other descriptor
/// (`closefrom(3)` in the spawn), the wait is for the process (`waitpid`, on a thread of its own,
/// never one of Swift concurrency's), and the files are read after it.
public enum ChildProcess {
    /// Runs `executable` (an absolute path) with `arguments`.
    /// - Parameters:
    ///   - environment: added to (and overriding) this process's environment.
    ///   - directory: the working directory; this process's when nil.
    ///   - input: the command's standard input; `/dev/null` when nil.
    ///   - mergingOutput: stderr goes into `stdout`, interleaved as written.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           directory: String? = nil, input: Data? = nil,
                           mergingOutput: Bool = false) async throws -> ChildResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try runBlocking(executable, arguments, environment: environment, directory: directory,
                                    input: input, mergingOutput: mergingOutput)
                })
            }.start()
        }
    }

    /// `run`'s work, blocking the calling thread (a thread of `run`'s own).
    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                                   directory: String? = nil, input: Data? = nil,
                                   mergingOutput: Bool = false) throws -> ChildResult {
        let base = "/tmp/activationd-child-\(getpid())-\(UUID().uuidString.prefix(12))"
        let inputPath = base + ".in", outputPath = base + ".out", errorPath = base + ".err"
        defer { for path in [inputPath, outputPath, errorPath] { unlink(path) } }
        if let input {
            // The input may hold a test's password: readable by the owner only, gone after the spawn.
            guard FileManager.default.createFile(atPath: inputPath, contents: input, attributes: [.posixPermissions: 0o600]) else {
                throw ServerError(description: "cannot write \(inputPath)")
            }
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input == nil ? "/dev/null" : inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if mergingOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        guard let closeFrom = SpawnExtensions.closeFrom else {
            throw ServerError(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later)")
        }
        _ = closeFrom(&actions, 3)
        if let directory {
            guard let changeDirectory = SpawnExtensions.changeDirectory else {
                throw ServerError(description: "posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later)")
            }
            _ = directory.withCString { changeDirectory(&actions, $0) }
        }

        // Signals as a fresh process has them: nothing blocked, SIGPIPE (ignored by some tests) default.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        unlink(inputPath)
        guard spawned == 0 else {
            throw ServerError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ServerError(description: "waitpid \(executable): errno \(errno)") }
        }
        let read = { (path: String) in (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        return ChildResult(status: exitStatus(waitStatus: status), stdout: read(outputPath),
                           stderr: mergingOutput ? "" : read(errorPath))
    }
}

/// glibc's posix_spawn extensions, which Swift's Glibc module does not import (they need
/// _GNU_SOURCE), looked up once by name.
private enum SpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let closeFrom: CloseFrom? = lookUp("posix_spawn_file_actions_addclosefrom_np")
    static let changeDirectory: ChangeDirectory? = lookUp("posix_spawn_file_actions_addchdir_np")

    private static func lookUp<F>(_ name: String) -> F? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }
}
