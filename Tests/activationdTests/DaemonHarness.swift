import Foundation
import Synchronization
import TestSupport
import Testing

/// A daemon under test: a temporary directory with a configuration, signing keys, a spool and a
/// store; `activationd serve` as a child process; its notifications and log lines collected.
final class DaemonHarness: @unchecked Sendable {
    // Safe: `process` is set once in `start()` before any other thread reads it.
    let directory: URL
    var configPath: String { directory.appendingPathComponent("activationd.yaml").path }
    var spoolDirectory: String { directory.appendingPathComponent("spool").path }
    var storePath: String { directory.appendingPathComponent("var/activationd.sqlite").path }
    /// The daemon's HTTP port on 127.0.0.1, as the daemon reported it once ready: both listeners
    /// bind port 0, so no other process can take the port between its choice and the bind.
    /// Read after `READY=1` (or the `daemon.ready` log line).
    var httpPort: Int { boundPort("http") }
    /// The daemon's operator listener port (`/metrics`) on 127.0.0.1; as `httpPort`.
    var metricsPort: Int { boundPort("operator") }
    /// The `public_url` of the daemons under test. Their links cannot name the port (it is chosen
    /// when the daemon binds), so tests follow a link by its token, on `httpPort`.
    static let publicURL = "http://activationd.test"
    private let ownsDirectory: Bool
    private let notifySocket: Int32
    private let notifyPath: String
    private var process: Process?
    private let logLines = LockedLines()
    private let notifications = LockedLines()

    /// A second daemon on the first one's directory, configuration, spool and store (a restart).
    /// Only the first harness removes the directory.
    init(reusing other: DaemonHarness) throws {
        directory = other.directory
        ownsDirectory = false
        let notifyPath = directory.appendingPathComponent("notify-\(UUID().uuidString.prefix(6)).sock").path
        self.notifyPath = notifyPath
        notifySocket = Self.bindNotifySocket(notifyPath)
    }

    /// A datagram socket bound at `path`, with a short receive timeout.
    static func bindNotifySocket(_ path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Creates the directory and writes `extraYAML` into the configuration beside the essentials;
    /// `httpYAML` goes into the `http:` section (indented lines such as `  idle_timeout: "2s"`).
    ///
    /// - Parameter scryptLogN: the cost of password hashing; small by default, larger where a test
    ///   needs hashing to take real time (concurrent guesses).
    init(extraYAML: String = "", httpYAML: String = "", scryptLogN: Int = 4) async throws {
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("activationd-daemon-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let notifyPath = directory.appendingPathComponent("notify.sock").path
        self.notifyPath = notifyPath
        notifySocket = Self.bindNotifySocket(notifyPath)
        ownsDirectory = true
        for sub in ["tmp", "new", "rejected"] {
            try FileManager.default.createDirectory(atPath: spoolDirectory + "/" + sub, withIntermediateDirectories: true)
        }
        let keysPath = directory.appendingPathComponent("signing.keys").path
        let keys = try await CommandRunner.run(["keys", "generate"]).stdout
        try keys.write(toFile: keysPath, atomically: true, encoding: .utf8)
        chmod(keysPath, 0o600)
        try """
            public_url: "\(Self.publicURL)"
            http:
              listen: "127.0.0.1:0"
            \(httpYAML)
            metrics:
              listen: "127.0.0.1:0"
            spool:
              directory: "\(spoolDirectory)"
            store:
              url: "sqlite://\(storePath)"
            keys:
              file: "\(keysPath)"
            password_hash:
              scrypt_log_n: \(scryptLogN)
            \(extraYAML)
            """.write(toFile: configPath, atomically: true, encoding: .utf8)

    }

    /// Starts `activationd serve`; with `umask`, under that umask (through `sh -c 'umask …; exec …'`);
    /// `launcher` runs first and execs the rest (`prlimit --nofile=… --`), so the process id stays.
    func start(environment extra: [String: String] = [:], umask: String? = nil, launcher: [String] = []) throws {
        let process = Process()
        var command = [CommandRunner.binary.path, "serve", "--config", configPath]
        if let umask {
            command = ["/bin/sh", "-c", "umask \(umask) && exec \"$0\" \"$@\""] + command
        }
        command = launcher + command
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notifyPath
        environment["WATCHDOG_USEC"] = "2000000"
        environment.merge(extra) { $1 }
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        stderr.fileHandleForReading.readabilityHandler = { [logLines] handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            logLines.append(text.split(separator: "\n").map(String.init))
        }
        try process.run()
        self.process = process
    }

    /// Collects notifications until one contains `text`; true then.
    ///
    /// - Throws: `WaitTimeout` after `timeout`, with the notifications received so far.
    @discardableResult
    func waitForNotification(_ text: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitUntil(timeout: timeout, interval: .milliseconds(50), "a notification contains \(text)",
                            observe: receivedNotifications) { $0.contains { $0.contains(text) } }
        return true
    }

    /// Every notification received so far, those waiting in the socket included. After the daemon
    /// has exited, every notification it sent.
    func receivedNotifications() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while case let count = recv(notifySocket, &buffer, buffer.count, Int32(MSG_DONTWAIT)), count > 0 {
            notifications.append([String(decoding: buffer.prefix(count), as: UTF8.self)])
        }
        return notifications.all
    }

    /// Waits until a log line contains `text`; true then.
    ///
    /// - Throws: `WaitTimeout` after `timeout`, with the last log lines.
    @discardableResult
    func waitForLog(_ text: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        try await waitUntil(timeout: timeout, interval: .milliseconds(50), "a log line contains \(text)",
                            observe: { LastLines(lines: logLines.all) }) { $0.lines.contains { $0.contains(text) } }
        return true
    }

    /// The port `listener` (`http`, `operator`) is bound to, from the `READY=1` notification
    /// ("STATUS=ready; http on 127.0.0.1:41234; operator on …") or the `daemon.ready` log line
    /// ("http=127.0.0.1:41234"); 0, and a test issue, before the daemon said so.
    private func boundPort(_ listener: String) -> Int {
        for text in receivedNotifications() + logLines.all {
            guard let range = text.range(of: "; \(listener) on 127.0.0.1:") ?? text.range(of: " \(listener)=127.0.0.1:"),
                  let port = Int(text[range.upperBound...].prefix { $0.isNumber })
            else { continue }
            return port
        }
        Issue.record("the daemon has not reported its \(listener) port: read it after READY=1 or event=daemon.ready")
        return 0
    }

    /// A link of a mail (on `publicURL`, or localized for another daemon) as this test reaches
    /// this daemon: its origin replaced by 127.0.0.1:`httpPort`.
    func local(_ link: String) -> String {
        guard let scheme = link.range(of: "://"),
              let path = link[scheme.upperBound...].firstIndex(of: "/") else { return link }
        return "http://127.0.0.1:\(httpPort)" + link[path...]
    }

    var logs: [String] { logLines.all }
    /// The daemon's process id (a launcher execs it, so the id stays), nil before `start()`.
    var processID: Int32? { process?.processIdentifier }
    var allNotifications: [String] { notifications.all }

    /// Sends a signal to the daemon.
    func signal(_ number: Int32) {
        if let process { kill(process.processIdentifier, number) }
    }

    /// Waits for the daemon to exit and returns its exit status; nil before `start()`.
    ///
    /// - Throws: `WaitTimeout` if it still runs after `timeout`, with its last log lines.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32? {
        guard let process else { return nil }
        try await waitUntil(timeout: timeout, "the daemon exits",
                            observe: { (running: process.isRunning, LastLines(lines: logLines.all)) }) { !$0.running }
        return process.terminationStatus
    }

    /// Kills the daemon if it still runs and removes the directory.
    func cleanUp() {
        if let process, process.isRunning { process.terminate(); _ = TestSupport.waitForExit(process) }
        close(notifySocket)
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }
}

/// Lines appended from one thread and read from another.
final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ more: [String]) { lines.withLock { $0 += more } }
}

/// The last lines of a log, as a wait that timed out shows them.
struct LastLines: CustomStringConvertible {
    let lines: [String]
    var description: String { lines.suffix(20).joined(separator: "\n") }
}
