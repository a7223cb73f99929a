import ActivationHTTP
import Foundation
import Glibc
import HummingbirdTesting
import NIOCore
import NIOPosix
import Prometheus
import Synchronization
import TestSupport
import Testing

/// The connection guard's body and idle timeouts over loopback, against the real server (the
/// exact instants are ConnectionWatchTests', on a test event loop; the header timeout and the
/// connection cap are exercised through the daemon: activationdTests' ListenerFloodTests).
///
/// No wall-clock number here: what is asserted is that the server (not the client) closed the
/// connection, for the timeout's reason, not before the configured time, and within the configured
/// time plus the scheduling delay measured on the server's own event loops in the same run.
@Suite("Connection timeouts over loopback")
struct ConnectionTimeoutTests {
    static let timeout = Duration.seconds(1)

    static func options() -> HTTPOptions {
        var options = HTTPOptions()
        options.connections.idleTimeout = timeout
        options.connections.headerTimeout = timeout
        options.connections.bodyTimeout = timeout
        return options
    }

    /// `activationd_http_connections_closed_total` of the public listener for `reason`.
    static func closed(_ reason: String) -> Int {
        let line = testRegistry.emitToString().split(separator: "\n").first {
            $0.hasPrefix("activationd_http_connections_closed_total{")
                && $0.contains(#"listener="public""#) && $0.contains(#"reason="\#(reason)""#)
        }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 0
    }

    /// Reads one whole answer (head and `Content-Length` body) from the non-blocking `fd`.
    static func readAnswer(_ fd: Int32) async throws -> String {
        var received: [UInt8] = []
        return try await waitUntil("an answer arrives", observe: { () -> String in
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { received += buffer.prefix(count) }
            if count == 0 { throw ServerError(description: "closed by the server before the answer ended") }
            return String(decoding: received, as: UTF8.self)
        }) { text in
            guard let end = text.range(of: "\r\n\r\n") else { return false }
            let length = text[..<end.lowerBound].split(separator: "\r\n")
                .first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            return text.utf8.count - text[..<end.upperBound].utf8.count >= length
        }
    }

    /// Waits until the server closes `fd`; when it saw that, and the longest pause between two
    /// looks (the test's own scheduling delay).
    static func waitForClose(_ fd: Int32) async throws -> (at: ContinuousClock.Instant, longestPause: Duration) {
        var previous = ContinuousClock.now
        var longestPause = Duration.zero
        try await waitUntil("the server closes the connection") {
            let now = ContinuousClock.now
            longestPause = max(longestPause, now - previous)
            previous = now
            return RawClient.isClosedByPeer(fd)
        }
        return (ContinuousClock.now, longestPause)
    }

    /// Asserts the close at `closed` of a deadline armed after `armedAfter`: not early, and within
    /// the timeout plus the lateness measured on the server's loops and in the test's own polling.
    static func expectOnTime(_ name: String, armedAfter: ContinuousClock.Instant,
                             closed: (at: ContinuousClock.Instant, longestPause: Duration), lateness: LoopLateness) {
        let elapsed = closed.at - armedAfter
        let loopLate = lateness.worst
        // The slack covers the FIN's way through the kernel and the probes' own 10 ms period.
        let bound = timeout + loopLate + closed.longestPause + .milliseconds(500)
        #expect(elapsed >= timeout, "\(name): closed \(elapsed) after its deadline was armed, before \(timeout)")
        #expect(elapsed <= bound, """
            \(name): closed \(elapsed) after its deadline was armed; the bound was \(bound) \
            (\(timeout) + server loops late by up to \(loopLate) + test polling paused up to \(closed.longestPause) + 0.5 s)
            """)
    }

    @Test("a body that stops half way is cut at body_timeout, a silent kept-alive connection at idle_timeout")
    func timeouts() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let lateness = LoopLateness()
        defer { lateness.stop() }
        try await fixture.withServer(Self.options()) { client in
            let port = try #require(client.port)
            let bodyClosedBefore = Self.closed("body_timeout")
            let body = try #require(RawClient.connect(port: port))
            defer { close(body) }
            let bodySent = ContinuousClock.now
            RawClient.send(body, "POST /api/v1/activations HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"tok")
            let bodyClosed = try await Self.waitForClose(body)
            Self.expectOnTime("half a body", armedAfter: bodySent, closed: bodyClosed, lateness: lateness)
            #expect(Self.closed("body_timeout") > bodyClosedBefore, "closed by the server for body_timeout")

            let idleClosedBefore = Self.closed("idle_timeout")
            let idle = try #require(RawClient.connect(port: port))
            defer { close(idle) }
            RawClient.send(idle, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            #expect(try await Self.readAnswer(idle).hasPrefix("HTTP/1.1 200"))
            // Kept alive after the answer: a second request on the same connection is answered.
            let secondSent = ContinuousClock.now
            #expect(RawClient.send(idle, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"), "errno \(errno)")
            #expect(try await Self.readAnswer(idle).hasPrefix("HTTP/1.1 200"), "kept alive after the answer")
            let idleClosed = try await Self.waitForClose(idle)
            Self.expectOnTime("a silent kept-alive connection", armedAfter: secondSent, closed: idleClosed,
                              lateness: lateness)
            #expect(Self.closed("idle_timeout") > idleClosedBefore, "closed by the server for idle_timeout")
        }
    }
}

/// How late the server's event loops run what is due: a task on each loop of NIO's singleton group
/// (where Hummingbird's server runs) schedules itself 10 ms ahead again and again and keeps the
/// worst lateness seen. On an idle machine a few milliseconds; with every suite at once on 2 cores,
/// seconds — and then the server's timers are as late.
final class LoopLateness: Sendable {
    private let worstLateness = Mutex<Duration>(.zero)
    private let running = Atomic<Bool>(true)

    init() {
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { tick(on: loop) }
    }

    private func tick(on loop: any EventLoop) {
        let planned = NIODeadline.now() + .milliseconds(10)
        loop.scheduleTask(deadline: planned) { [self] in
            let late = Duration.nanoseconds((NIODeadline.now() - planned).nanoseconds)
            worstLateness.withLock { $0 = max($0, late) }
            if running.load(ordering: .relaxed) { tick(on: loop) }
        }
    }

    /// The worst lateness so far.
    var worst: Duration { worstLateness.withLock { $0 } }

    func stop() { running.store(false, ordering: .relaxed) }
}
