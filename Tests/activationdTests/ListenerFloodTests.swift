import Foundation
import Glibc
import TestSupport
import Testing

/// The public listener under a connection flood, against the real `activationd serve` with a file
/// limit of 1024 (systemd's default soft limit): thousands of idle connections, headers trickled
/// 8 bytes at a time, heads that never end, while registrations arrive.
@Suite("activationd serve under a connection flood", .serialized)
struct ListenerFloodTests {
    static let idleConnections = 2000
    static let slowConnections = 10
    static let oversizedConnections = 50
    static let partialConnections = 300
    static let registrations = 30

    @Test("health answers, every registration is taken in, slow heads are cut, memory comes back")
    func flood() async throws {
        // The test's own clients need ~2,400 descriptors: raise its soft limit to the hard one.
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        try #require(limit.rlim_cur > 3000, "the test needs a file limit above 3000 (hard limit \(limit.rlim_max))")
        let daemon = try await DaemonHarness(httpYAML: """
              maximal_connections: 600
              idle_timeout: "2s"
              header_timeout: "2s"
              body_timeout: "2s"
            """)
        defer { daemon.cleanUp() }
        try daemon.start(launcher: ["/usr/bin/prlimit", "--nofile=1024:1024", "--"])
        #expect(try await daemon.waitForNotification("READY=1"))
        let pid = try #require(daemon.processID)
        let descriptorsAtReady = ProcessFacts.openDescriptors(pid)
        for _ in 0..<20 { _ = RawClient.request(port: daemon.httpPort, path: "/healthz", timeout: .seconds(5)) }
        // The warm-up's 20 connections are gone (closed after each answer) before the baseline; a
        // few descriptors of the daemon's own may have opened since READY.
        let descriptorsBefore = try await waitUntil(interval: .milliseconds(50),
                                                    "the warm-up connections close (\(descriptorsAtReady) at READY)",
                                                    observe: { ProcessFacts.openDescriptors(pid) }) { $0 <= descriptorsAtReady + 4 }
        let rssBefore = try #require(ProcessFacts.residentKiB(pid))

        // Heads that arrive 8 bytes a second, and heads larger than http.maximal_header_size.
        let started = ContinuousClock.now
        let slow = (0..<Self.slowConnections).compactMap { _ in RawClient.connect(port: daemon.httpPort) }
        for fd in slow { _ = RawClient.send(fd, "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: ") }
        let oversized = (0..<Self.oversizedConnections).compactMap { _ in RawClient.connect(port: daemon.httpPort) }
        let bigHead = "GET /healthz HTTP/1.1\r\nHost: a\r\n" + String(repeating: "X-Pad: \(String(repeating: "p", count: 70))\r\n", count: 1000)
        for fd in oversized { _ = RawClient.send(fd, bigHead) }
        // Heads just under the limit, held open, and connections that say nothing at all.
        let partial = (0..<Self.partialConnections).map { _ in RawClient.openIdle(port: daemon.httpPort) }
        let partialHead = String(bigHead.prefix(12 * 1024))
        // In batches, so that the kernel's accept queue (256) does not overflow: every connection
        // reaches the daemon, as a flood from many hosts would, rather than waiting in SYN retries.
        var idle: [Int32] = []
        for _ in 0..<(Self.idleConnections / 100) {
            idle += (0..<100).map { _ in RawClient.openIdle(port: daemon.httpPort) }
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { for fd in partial + idle + slow + oversized { close(fd) } }

        for index in 0..<Self.registrations { try writeRegistration(index, spool: daemon.spoolDirectory) }

        let operatorHealth = ContinuousClock.now
        let operatorAnswer = RawClient.request(port: daemon.metricsPort, path: "/healthz", timeout: .seconds(5))
        #expect(operatorAnswer?.hasPrefix("HTTP/1.1 200") == true, "the operator listener answers during the flood")
        let operatorSeconds = (ContinuousClock.now - operatorHealth).seconds

        var slowClosedAfter: [Double] = []
        var slowOpen = Set(slow)
        var maximalDescriptors = 0
        var partialSent = Set<Int32>()
        var lastTrickle = ContinuousClock.now
        let publicHealth = Task.detached { () -> (String?, Double) in
            let asked = ContinuousClock.now
            let answer = RawClient.request(port: daemon.httpPort, path: "/healthz", timeout: .seconds(40))
            return (answer, (ContinuousClock.now - asked).seconds)
        }
        let deadline = ContinuousClock.now + .seconds(40)
        while ContinuousClock.now < deadline {
            maximalDescriptors = max(maximalDescriptors, ProcessFacts.openDescriptors(pid))
            for fd in partial where !partialSent.contains(fd) && RawClient.isWritable(fd) {
                _ = RawClient.send(fd, partialHead)
                partialSent.insert(fd)
            }
            for fd in slowOpen where RawClient.isClosedByPeer(fd) {
                slowClosedAfter.append((ContinuousClock.now - started).seconds)
                slowOpen.remove(fd)
            }
            if ContinuousClock.now - lastTrickle > .seconds(1) {
                for fd in slowOpen { _ = RawClient.send(fd, "aaaaaaaa") }
                lastTrickle = ContinuousClock.now
            }
            let backlog = (try? FileManager.default.contentsOfDirectory(atPath: daemon.spoolDirectory + "/new"))?.count ?? -1
            if backlog == 0, slowOpen.isEmpty, ContinuousClock.now - started > .seconds(8) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let (publicAnswer, publicSeconds) = await publicHealth.value
        let newFiles = try FileManager.default.contentsOfDirectory(atPath: daemon.spoolDirectory + "/new")
        #expect(newFiles.isEmpty, "every registration left new/ while the flood lasted (\(newFiles.count) left)")
        let status = try await CommandRunner.run(["status", "--json", "--config", daemon.configPath])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect((object?["accounts"] as? [String: Int])?["pending"] == Self.registrations)
        #expect(publicAnswer?.hasPrefix("HTTP/1.1 200") == true, "the public /healthz answers during the flood")
        #expect(slowClosedAfter.count == Self.slowConnections, "every trickled head was cut")
        // Counted from before the flood is set up (2,300 connections and the registrations, seconds
        // on a loaded machine: the first look at them comes after that). A head that is never cut
        // stays open for the whole 40 s watch, as it did before the header timeout.
        #expect(slowClosedAfter.allSatisfy { $0 < 15 }, "within header_timeout 2s (+ set-up time): \(slowClosedAfter)")
        #expect(oversized.allSatisfy { RawClient.isClosedByPeer($0) }, "heads past 16 KiB are refused and closed")
        let logs = daemon.logs.joined(separator: "\n")
        #expect(!logs.contains("Too many open files"))
        #expect(logs.contains("event=http.connections_full"))

        // The connections go; the memory they held comes back.
        for fd in partial + idle + slow + oversized { shutdown(fd, Int32(SHUT_RDWR)) }
        // Thousands of connections came and went: a leak would leave hundreds. What the daemon may
        // open for itself meanwhile is bounded: up to smtp.connections (4) relay connections for the
        // registrations' mail, SQLite's WAL and shared-memory files, libcurl's resolver, and an
        // event or timer descriptor or two (one run ended at the baseline + 9). On failure the
        // daemon's descriptors are listed.
        try await waitUntil(interval: .milliseconds(200), "the daemon's descriptors come back to \(descriptorsBefore) + 16",
                            observe: { ProcessFacts.descriptorTargets(pid) }) { targets in
            targets.count <= descriptorsBefore + 16
        }
        // The trim runs off the event loop once the connections are below an eighth of the peak:
        // polled, not waited for a second (measured here: +8 to +10 MiB with malloc_trim, +24 MiB
        // without it, +28 to +42 MiB with main's daemon, which also never closed the trickled heads).
        let rssAfter = try await waitUntil(interval: .milliseconds(200), "RSS comes back within 20 MiB of \(rssBefore) KiB",
                                           observe: { ProcessFacts.residentKiB(pid) ?? .max }) { $0 < rssBefore + 20 * 1024 }
        print("""
            flood: RSS before \(rssBefore) KiB, after \(rssAfter) KiB; descriptors before \(descriptorsBefore), \
            most during \(maximalDescriptors), after \(ProcessFacts.openDescriptors(pid)); operator /healthz \
            \(String(format: "%.2f", operatorSeconds)) s, public /healthz \(String(format: "%.2f", publicSeconds)) s; \
            trickled heads cut after \(slowClosedAfter.map { String(format: "%.1f", $0) }) s
            """)
        #expect(maximalDescriptors < 1024)
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit() == 0)
    }

    /// A registration record written as a web front writes it: into tmp/, then renamed into new/.
    func writeRegistration(_ index: Int, spool: String) throws {
        let record = """
            {"version":1,"id":"\(UUID().uuidString)","submittedAt":"2026-11-28T10:00:00Z",
             "username":"flood\(index)user","firstName":"Jane","lastName":"Doe",
             "email":"flood\(index)@example.org","confirmEmail":"flood\(index)@example.org",
             "password":"Secr3tPass","confirmPassword":"Secr3tPass","passwordPhrase":"heron",
             "acceptedConditions":true}
            """
        let name = "flood-\(index).json"
        try record.write(toFile: spool + "/tmp/" + name, atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: spool + "/tmp/" + name, toPath: spool + "/new/" + name)
    }
}

/// What /proc says of a process.
enum ProcessFacts {
    /// VmRSS in KiB.
    static func residentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first
    }

    /// What each open descriptor refers to (`socket:[…]`, a path, `anon_inode:[eventfd]`), sorted.
    static func descriptorTargets(_ pid: Int32) -> [String] {
        let directory = "/proc/\(pid)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.map { (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0)) ?? "?" }.sorted()
    }

    /// Open file descriptors.
    static func openDescriptors(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? 0
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
