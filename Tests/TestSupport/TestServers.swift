// Test peers shared by the test targets: free ports, temporary directories, smtp-sink and
// other server processes, Debian's Python.
public import Foundation
import Synchronization

/// A loopback TCP port for an external program that must be told its port before it starts
/// (smtp-sink, aiosmtpd, Postfix, PostgreSQL, or a relay address that nothing listens on): bound
/// to port 0, read back, closed.
///
/// The port is free when this returns, but another process may take it before the program binds
/// it (bind, close, reuse: a race). So it is not for our own servers, which bind port 0 themselves
/// and report the port they got (HTTPFixture's Hummingbird servers: `client.port`). A caller that
/// starts a program on it must notice the program's bind failing with EADDRINUSE and retry on
/// another port: `ServerProcess.start(_:directory:attempts:arguments:)` does, and
/// `ServerProcess.smtpSink(options:directory:)` with it. Where a test needs the same port twice (a
/// relay restarted on the port the courier is configured with), a taken port fails the test with
/// smtp-sink's "Address already in use" instead.
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

/// The whole of a /proc file. Not `String(contentsOfFile:)`: it stops after the kernel's first
/// chunk (~4 KiB, 27 lines of /proc/net/tcp), and with other tests' thousands of sockets the line
/// sought was often past it.
func readProcFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(fd, &buffer, buffer.count)
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { return count == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
        bytes += buffer.prefix(count)
    }
}

/// Whether process `pid` itself has a socket listening on TCP `port` (from /proc/net/tcp{,6} and
/// /proc/<pid>/fd). nil when its descriptors cannot be read (not root).
func processListens(_ pid: Int32, port: Int) -> Bool? {
    guard let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd") else { return nil }
    let sockets = Set(descriptors.compactMap { name -> Substring? in
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(name)"),
              target.hasPrefix("socket:[") else { return nil }
        return target.dropFirst("socket:[".count).dropLast()
    })
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        guard let text = readProcFile(table) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A: LISTEN.
            guard fields.count > 9, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                  Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port else { continue }
            if sockets.contains(fields[9]) { return true }
        }
    }
    return false
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
    /// The server could not bind its port: another process took it (see `freePort()`).
    public let addressInUse: Bool
    /// Creates an error.
    public init(description: String, addressInUse: Bool = false) {
        self.description = description
        self.addressInUse = addressInUse
    }
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

    /// Starts `executable` and waits until it listens on `port` itself (another process
    /// listening there does not count).
    ///
    /// - Throws: `ServerError` if it exits first (with `addressInUse` when its log says so) or
    ///   does not listen within 30 s.
    public init(_ executable: String, _ arguments: [String], port: Int, directory: TemporaryDirectory) async throws {
        self.port = port
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let logPath = directory.path("server.log")
        if !FileManager.default.fileExists(atPath: logPath) {
            FileManager.default.createFile(atPath: logPath, contents: nil)
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let logStart = try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let process = process
        let state = try await waitUntil(timeout: .seconds(30), "\(name) listens on \(port)", observe: {
            let listens = processListens(process.processIdentifier, port: port) ?? (process.isRunning && isListening(port))
            return (listening: listens, running: process.isRunning)
        }) { $0.listening || !$0.running }
        guard state.listening else {
            let handle = FileHandle(forReadingAtPath: logPath)
            try? handle?.seek(toOffset: logStart)
            let text = String(decoding: handle?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
            throw ServerError(description: "\(name) exited at start on port \(port): \(text.suffix(600))",
                              addressInUse: text.lowercased().contains("address already in use"))
        }
    }

    /// Starts `executable` with `arguments(port)` on a port from `freePort()`, and again on
    /// another port, up to `attempts` times, when that one was taken before it could bind it.
    public static func start(_ executable: String, directory: TemporaryDirectory, attempts: Int = 5,
                             arguments: (Int) -> [String]) async throws -> ServerProcess {
        var attempt = 1
        while true {
            let port = try freePort()
            do {
                return try await ServerProcess(executable, arguments(port), port: port, directory: directory)
            } catch let error as ServerError where error.addressInUse && attempt < attempts {
                attempt += 1
            }
        }
    }

    /// smtp-sink on `port` with extra options (faults, delays, `-d` dumps): for a port chosen
    /// before (a relay restarted on the port a courier was configured with). Otherwise
    /// `smtpSink(options:directory:)`, which chooses the port and retries a taken one.
    public static func smtpSink(port: Int, options: [String] = [], directory: TemporaryDirectory) async throws
        -> ServerProcess
    {
        try await ServerProcess("/usr/sbin/smtp-sink", smtpSinkArguments(port: port, options: options),
                                port: port, directory: directory)
    }

    /// smtp-sink with extra options on a port of its own: `sink.port`.
    public static func smtpSink(options: [String] = [], directory: TemporaryDirectory) async throws -> ServerProcess {
        try await start("/usr/sbin/smtp-sink", directory: directory) { smtpSinkArguments(port: $0, options: options) }
    }

    private static func smtpSinkArguments(port: Int, options: [String]) -> [String] {
        ["-u", "postfix"] + options + ["127.0.0.1:\(port)", "64"]
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
