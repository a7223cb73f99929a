// Test peers shared by the test targets: free ports, temporary directories, smtp-sink and
// other server processes, Debian's Python.
public import Foundation
import Synchronization

/// A free loopback TCP port: bound to port 0, read back, closed.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw ServerError(description: "cannot bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts TCP connections on the loopback `port`.
public func isListening(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// A test server that would not start.
public struct ServerError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error.
    public init(description: String) { self.description = description }
}

/// A test's temporary directory, world-writable so that smtp-sink (which drops root for
/// `postfix`) can write its dumps there.
public final class TemporaryDirectory: Sendable {
    public let url: URL
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("activationd-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        chmod(url.path, 0o777)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A server process started by a test, stopped when the test ends.
public final class ServerProcess: @unchecked Sendable {
    // `process` is set once in init and only terminated afterwards.
    public let process: Process
    public let port: Int

    public init(_ executable: String, _ arguments: [String], port: Int, directory: TemporaryDirectory) throws {
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = FileHandle(forWritingAtPath: directory.path("server.log"))
            ?? { FileManager.default.createFile(atPath: directory.path("server.log"), contents: nil)
                 return FileHandle(forWritingAtPath: directory.path("server.log"))! }()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<200 where !isListening(port) {
            guard process.isRunning else { throw ServerError(description: "\(executable) exited at start") }
            usleep(20_000)
        }
        guard isListening(port) else { throw ServerError(description: "\(executable) does not listen on \(port)") }
    }

    /// smtp-sink on `port` with extra options (faults, delays, `-d` dumps).
    public static func smtpSink(port: Int, options: [String] = [], directory: TemporaryDirectory) throws -> ServerProcess {
        try ServerProcess("/usr/sbin/smtp-sink", ["-u", "postfix"] + options + ["127.0.0.1:\(port)", "64"],
                          port: port, directory: directory)
    }

    private let stopped = Mutex(false)

    /// Kills the server: smtp-sink, once it has dropped root, does not stop on SIGTERM.
    public func stop() {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        _ = waitForExit(process)
    }

    deinit { stop() }
}

/// Runs Debian's Python (where python3-aiosmtpd lives) on a script, returning its standard output.
public func runPython(_ script: String, arguments: [String] = []) async throws -> (status: Int32, output: String) {
    try await runProcess("/usr/bin/python3", ["-c", script] + arguments)
}

/// Runs `executable` to its end; its exit status and its standard output and error together.
public func runProcess(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let result = try await ChildProcess.run(executable, arguments, mergingOutput: true)
    return (result.status, result.stdout)
}

/// Waits for `process` to end and returns its exit status (128 + the signal when killed).
///
/// Not `waitUntilExit` alone: Foundation's child monitor was seen to miss an exit on this machine
/// under load, leaving the child a zombie and `waitUntilExit` waiting for ever (a whole `swift test`
/// hung on a killed aiosmtpd). A child that has been a zombie for 2 seconds without Foundation
/// noticing is reaped here.
public func waitForExit(_ process: Process) -> Int32 {
    let pid = process.processIdentifier
    var zombieSince: ContinuousClock.Instant?
    while process.isRunning {
        if isZombie(pid) {
            let since = zombieSince ?? ContinuousClock.now
            zombieSince = since
            if ContinuousClock.now - since > .seconds(2) {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid { return exitStatus(waitStatus: status) }
            }
        }
        usleep(10_000)
    }
    return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
}

/// A `waitpid` status as an exit status: the code, or 128 + the signal for a killed child.
/// (WIFEXITED and WEXITSTATUS are macros Swift does not import.)
func exitStatus(waitStatus status: Int32) -> Int32 {
    status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Whether `pid` has exited and waits to be reaped (state `Z` in `/proc/<pid>/stat`).
private func isZombie(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
}

/// The message files smtp-sink dumped into `directory` (`-d DIR/%H%M%S.`), oldest first.
public func dumpedMessages(in directory: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    return names.filter { $0 != "server.log" }.sorted()
        .compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
}
