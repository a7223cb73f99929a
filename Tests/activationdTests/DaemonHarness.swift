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
    /// The daemon's HTTP port on 127.0.0.1.
    let httpPort: Int
    /// The daemon's operator listener port (`/metrics`) on 127.0.0.1.
    let metricsPort: Int
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
        httpPort = other.httpPort
        metricsPort = other.metricsPort
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
        httpPort = try freePort()
        metricsPort = try freePort()
        ownsDirectory = true
        for sub in ["tmp", "new", "rejected"] {
            try FileManager.default.createDirectory(atPath: spoolDirectory + "/" + sub, withIntermediateDirectories: true)
        }
        let keysPath = directory.appendingPathComponent("signing.keys").path
        let keys = try await CommandRunner.run(["keys", "generate"]).stdout
        try keys.write(toFile: keysPath, atomically: true, encoding: .utf8)
        chmod(keysPath, 0o600)
        try """
            public_url: "http://127.0.0.1:\(httpPort)"
            http:
              listen: "127.0.0.1:\(httpPort)"
            \(httpYAML)
            metrics:
              listen: "127.0.0.1:\(metricsPort)"
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

    /// Collects notifications until one contains `text`, or `timeout` passes.
    @discardableResult
    func waitForNotification(_ text: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if notifications.all.contains { $0.contains(text) } { return true }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(notifySocket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count <= 0 { try? await Task.sleep(for: .milliseconds(50)) }
            if count > 0 {
                notifications.append([String(decoding: buffer.prefix(count), as: UTF8.self)])
            }
        }
        return false
    }

    /// Waits until a log line contains `text`.
    @discardableResult
    func waitForLog(_ text: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if logLines.all.contains { $0.contains(text) } { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    var logs: [String] { logLines.all }
    /// The daemon's process id (a launcher execs it, so the id stays), nil before `start()`.
    var processID: Int32? { process?.processIdentifier }
    var allNotifications: [String] { notifications.all }

    /// Sends a signal to the daemon.
    func signal(_ number: Int32) {
        if let process { kill(process.processIdentifier, number) }
    }

    /// Waits for the daemon to exit; nil if it is still running after `timeout`.
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
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
