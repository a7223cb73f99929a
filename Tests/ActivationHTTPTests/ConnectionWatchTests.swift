@testable import ActivationHTTP
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Prometheus
import Testing

/// The connection guard's deadlines on NIO's `EmbeddedEventLoop`, whose time moves only when the
/// test moves it: the exact instant each timeout fires, on any machine under any load. The guard
/// handlers sit around a real HTTP/1 decoder as in `GuardedHTTP1Channel`; only the socket is
/// missing (ConnectionTimeoutTests has one).
@Suite("Connection deadlines on a test event loop")
struct ConnectionWatchTests {
    /// An active channel with the guard around an HTTP/1 decoder; every timeout is `timeout`
    /// unless given.
    static func channel(listener: String, timeout: Duration = .seconds(1), idle: Duration? = nil) throws
        -> EmbeddedChannel
    {
        let limits = ConnectionLimits(idleTimeout: idle ?? timeout, headerTimeout: timeout, bodyTimeout: timeout)
        let watch = ConnectionWatch(limits: limits, closed: ConnectionCloseCounters(listener: listener))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ConnectionGuardHandler(watch: watch),
            ByteToMessageHandler(HTTPRequestDecoder()),
            HTTP1ToHTTPServerCodec(secure: false),
            RequestPartGuardHandler(watch: watch),
        ])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        return channel
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
        while try channel.readInbound(as: HTTPRequestPart.self) != nil {}
    }

    /// The server's answer to the request read last: head and end, as the responder writes them.
    static func answer(_ channel: EmbeddedChannel) throws {
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
    }

    /// `activationd_http_connections_closed_total` for `listener` and `reason`.
    static func closed(_ listener: String, _ reason: String) -> Int {
        let line = testRegistry.emitToString().split(separator: "\n").first {
            $0.hasPrefix("activationd_http_connections_closed_total{")
                && $0.contains(#"listener="\#(listener)""#) && $0.contains(#"reason="\#(reason)""#)
        }
        return line.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 0
    }

    init() { _ = testRegistry }

    @Test("a fresh connection that says nothing is closed at idle_timeout, not a millisecond before")
    func freshIdle() throws {
        let channel = try Self.channel(listener: "watch-fresh")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(Self.closed("watch-fresh", "idle_timeout") == 1)
    }

    @Test("a head sent half way is closed at header_timeout")
    func halfHead() throws {
        let channel = try Self.channel(listener: "watch-head")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        try Self.send(channel, "GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(Self.closed("watch-head", "header_timeout") == 1)
    }

    @Test("a body that stops half way is closed at body_timeout after its head")
    func halfBody() throws {
        let channel = try Self.channel(listener: "watch-body")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(300))
        try Self.send(channel, "POST /api/v1/activations HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n{\"tok")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(Self.closed("watch-body", "body_timeout") == 1)
    }

    @Test("a kept-alive connection is idle from its answer's end: closed idle_timeout after it, not before")
    func keptAlive() throws {
        let channel = try Self.channel(listener: "watch-kept")
        try Self.send(channel, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
        // The answer takes 5 s (scrypt queued under load): no deadline while it is being made.
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(channel.isActive)
        try Self.answer(channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(Self.closed("watch-kept", "idle_timeout") == 1)
    }

    @Test("a connection in use is not idle: a request every 900 ms for 9 s against idle_timeout 1 s")
    func busy() throws {
        let channel = try Self.channel(listener: "watch-busy")
        for _ in 0..<10 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
            #expect(channel.isActive)
            try Self.send(channel, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
            try Self.answer(channel)
        }
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(Self.closed("watch-busy", "idle_timeout") == 1)
    }

    @Test("a longer idle_timeout beside shorter head and body timeouts still closes on time")
    func longIdle() throws {
        let channel = try Self.channel(listener: "watch-long", timeout: .seconds(1), idle: .seconds(3))
        try Self.send(channel, "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n")
        try Self.answer(channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2999))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
        #expect(Self.closed("watch-long", "idle_timeout") == 1)
    }
}
