import ActivationHTTP
import Foundation
import Glibc
import HummingbirdTesting
import TestSupport
import Testing

/// The connection guard's body and idle timeouts over loopback (the header timeout and the
/// connection cap are exercised through the daemon: activationdTests' ListenerFloodTests).
@Suite("Connection timeouts over loopback")
struct ConnectionTimeoutTests {
    static func options() -> HTTPOptions {
        var options = HTTPOptions()
        options.connections.idleTimeout = .seconds(1)
        options.connections.headerTimeout = .seconds(1)
        options.connections.bodyTimeout = .seconds(1)
        return options
    }

    /// Seconds until the server closes `fd`; nil if it is still open after `limit`.
    static func secondsUntilClosed(_ fd: Int32, limit: Duration = .seconds(5)) async throws -> Double? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if RawClient.isClosedByPeer(fd) {
                let elapsed = ContinuousClock.now - start
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test("a body that stops half way is cut at body_timeout, a silent kept-alive connection at idle_timeout")
    func timeouts() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        try await fixture.withServer(Self.options()) { client in
            let port = try #require(client.port)
            let body = try #require(RawClient.connect(port: port))
            defer { close(body) }
            RawClient.send(body, "POST /api/v1/activations HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"tok")
            // The bound is loose: at the start of `make test` every suite starts at once on 2 cores,
            // and a 1 s timer fired after 5 s there. Without the guard the connection stays open.
            let bodyClosed = try await Self.secondsUntilClosed(body, limit: .seconds(15))
            #expect(bodyClosed.map { $0 < 10 } == true, "closed after \(String(describing: bodyClosed)) s")

            let idle = try #require(RawClient.connect(port: port))
            defer { close(idle) }
            RawClient.send(idle, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            try await Task.sleep(for: .milliseconds(100))
            #expect(!RawClient.isClosedByPeer(idle), "kept alive after the answer")
            let idleClosed = try await Self.secondsUntilClosed(idle)
            #expect(idleClosed.map { $0 < 3 } == true, "closed after \(String(describing: idleClosed)) s")
        }
    }

    @Test("a connection in use is not idle: a request every 200 ms for 2 s against idle_timeout 3 s")
    func busyConnectionStays() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        var options = Self.options()
        options.connections.idleTimeout = .seconds(3)
        try await fixture.withServer(options) { client in
            let port = try #require(client.port)
            let busy = try #require(RawClient.connect(port: port))
            defer { close(busy) }
            for _ in 0..<10 {
                #expect(RawClient.send(busy, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"), "errno \(errno)")
                try await Task.sleep(for: .milliseconds(200))
                #expect(!RawClient.isClosedByPeer(busy), "errno \(errno)")
            }
        }
    }
}
