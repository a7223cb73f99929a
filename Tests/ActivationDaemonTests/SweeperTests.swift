import AccountStoreContract
import ActivationCore
@testable import ActivationDaemon
import ActivationStoreSQLite
import Foundation
import Dispatch
import Glibc
import Logging
import Synchronization
import Testing

/// Log lines kept in memory, for checking what was logged.
final class LineRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func logger(label: String = "test", format: LineLogHandler.Format = .logfmt) -> Logger {
        let settings = LineLogHandler.Settings(level: .debug, format: format)
        return Logger(label: label) { label in
            LineLogHandler(label: label, settings: settings) { [self] line in lines.withLock { $0.append(line) } }
        }
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

@Suite("sweeper")
struct SweeperTests {
    @Test("reminders before expiry, expiry after it, with an injected clock")
    func remindThenExpire() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sweeper-\(UUID().uuidString)")
        let rejected = directory.appendingPathComponent("rejected")
        try FileManager.default.createDirectory(at: rejected, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteAccountStore(path: directory.appendingPathComponent("s.sqlite").path)
        try await store.migrate()
        let fixtures = ContractFixtures()
        let registration = fixtures.registration(username: "sweepme1", email: "sweep@example.org")
        guard case .created(let account, _, _) = try await store.register(
            registration, as: fixtures.account(for: registration), now: fixtures.now)
        else { Issue.record("not created"); return }

        // An old rejected file and a fresh one.
        let oldFile = rejected.appendingPathComponent("old.json").path
        let newFile = rejected.appendingPathComponent("new.json").path
        _ = FileManager.default.createFile(atPath: oldFile, contents: Data("{}".utf8))
        _ = FileManager.default.createFile(atPath: newFile, contents: Data("{}".utf8))
        var times = [timespec(tv_sec: Int(fixtures.now.timeIntervalSince1970) - 8 * 86_400, tv_nsec: 0),
                     timespec(tv_sec: Int(fixtures.now.timeIntervalSince1970) - 8 * 86_400, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, oldFile, &times, 0) == 0)
        var fresh = [timespec(tv_sec: Int(fixtures.now.timeIntervalSince1970), tv_nsec: 0),
                     timespec(tv_sec: Int(fixtures.now.timeIntervalSince1970), tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, newFile, &fresh, 0) == 0)

        let clock = ManualClock(fixtures.now)
        let recorder = LineRecorder()
        let sweeper = Sweeper(
            store: store,
            options: .init(interval: .seconds(600), reminderBefore: .seconds(3 * 86_400),
                           lifetime: fixtures.lifetime, rejectedDirectory: rejected.path),
            logger: recorder.logger(), now: { clock.now })

        // Day 1: nothing but the old rejected file.
        #expect(try await sweeper.preview() == Sweeper.Report(purgedRejected: 1))
        #expect(try await sweeper.sweep() == Sweeper.Report(purgedRejected: 1))
        #expect(!FileManager.default.fileExists(atPath: oldFile))
        #expect(FileManager.default.fileExists(atPath: newFile))

        // The registration page's used characters: forgotten once expired, not before.
        _ = try await store.useChallenge(id: UUID(), fingerprint: "f", submittedAt: fixtures.now,
                                         expiresAt: fixtures.now.addingTimeInterval(20 * 60))
        #expect(try await sweeper.sweep().purgedChallenges == 0)
        clock.set(fixtures.now.addingTimeInterval(20 * 60 + 1))
        #expect(try await sweeper.sweep().purgedChallenges == 1)
        #expect(recorder.all.last { $0.contains("event=sweep.done") }?.contains("purged_challenges=1") == true)

        // 27 days and 1 second later: inside the reminder window, once.
        clock.set(fixtures.now.addingTimeInterval(27 * 86_400 + 1))
        #expect(try await sweeper.sweep().reminders == 1)
        #expect(try await sweeper.sweep().reminders == 0)
        #expect(try await store.outbox(accountID: account.id).map(\.kind) == [.activation, .reminder])
        // Ids in lower case, as in the store and every other log line.
        let reminderLine = try #require(recorder.all.first { $0.contains("event=account.reminder_queued") })
        #expect(reminderLine.contains("account=\(account.id.lowercasedText)"))

        // At expiry: removed, username free, the log names the account but not the address.
        clock.set(account.expiresAt)
        #expect(try await sweeper.preview().expired == 1)
        #expect(try await sweeper.sweep().expired == 1)
        #expect(try await store.account(username: "sweepme1") == nil)
        let expiredLine = try #require(recorder.all.first { $0.contains("event=account.expired") })
        #expect(expiredLine.contains("account=\(account.id.lowercasedText)"))
        #expect(!recorder.all.joined().contains("sweep@example.org"))
    }
}

@Suite("log lines")
struct LineLogHandlerTests {
    @Test("logfmt quotes what needs quoting and redacts secret keys")
    func logfmt() {
        let recorder = LineRecorder()
        let logger = recorder.logger()
        logger.info("mail sent", metadata: ["event": "mail.sent", "reply": "250 2.0.0 Ok: queued as X",
                                            "password": "Secr3tPass", "rcpt_domain": "example.org"])
        let line = recorder.all[0]
        #expect(line.contains(" level=info event=mail.sent msg=\"mail sent\" "))
        #expect(line.contains("reply=\"250 2.0.0 Ok: queued as X\""))
        #expect(line.contains("rcpt_domain=example.org"))
        #expect(line.contains("password=<redacted>") && !line.contains("Secr3tPass"))
        #expect(line.hasPrefix("time=20"))
    }

    @Test("JSON lines parse and carry event")
    func json() throws {
        let recorder = LineRecorder()
        recorder.logger(format: .json).warning("deferred", metadata: ["event": "mail.deferred", "delay": "3.2",
                                                                       "token": "abc"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(recorder.all[0].utf8)) as? [String: String])
        #expect(object["event"] == "mail.deferred" && object["level"] == "warning" && object["msg"] == "deferred")
        #expect(object["token"] == "<redacted>")
    }

    @Test("the level filters, and changing the shared settings changes every logger")
    func levels() {
        let lines = Mutex<[String]>([])
        let settings = LineLogHandler.Settings(level: .warning, format: .logfmt)
        let logger = Logger(label: "t") { LineLogHandler(label: $0, settings: settings) { l in lines.withLock { $0.append(l) } } }
        logger.info("hidden")
        settings.update(level: .debug, format: .logfmt)
        logger.debug("shown")
        #expect(lines.withLock { $0.count } == 1)
    }
}

@Suite("sd_notify")
struct SystemdNotifierTests {
    @Test("datagrams reach the socket in NOTIFY_SOCKET; the watchdog interval is half of WATCHDOG_USEC")
    func notify() throws {
        let path = "/tmp/notify-\(UUID().uuidString.prefix(8)).sock"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000"])
        #expect(notifier.watchdogInterval == .seconds(2))
        #expect(notifier.notify("READY=1\nSTATUS=ready"))
        var buffer = [UInt8](repeating: 0, count: 256)
        let received = recv(fd, &buffer, buffer.count, 0)
        #expect(String(decoding: buffer.prefix(max(0, received)), as: UTF8.self) == "READY=1\nSTATUS=ready")
        #expect(SystemdNotifier(environment: [:]).notify("READY=1") == false)
        // Nobody reads: the socket's queue fills, and notify drops instead of blocking the daemon.
        let started = ContinuousClock.now
        let results = (0..<5_000).map { _ in notifier.notify("STATUS=busy") }
        #expect(results.contains(false), "the queue filled up")
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "100", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }
}
