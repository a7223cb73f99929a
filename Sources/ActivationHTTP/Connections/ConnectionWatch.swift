import Metrics
import NIOCore

/// The clock of one connection: which deadline applies now, and closing the connection when it
/// passes. Shared by the connection's two guard handlers (`ConnectionGuardHandler` sees the raw
/// bytes, `RequestPartGuardHandler` the decoded request parts and the response's end) and only
/// ever touched on the connection's event loop.
///
/// - Before a request's first byte, on a fresh connection or after a response: `idleTimeout`.
/// - From a request's first byte: the head must be complete within `headerTimeout`, and within
///   `maximalHeaderSize` bytes (else 431 and close).
/// - After a head: the body must end within `bodyTimeout`.
/// - While the response is being made: no deadline (scrypt may queue under load).
final class ConnectionWatch {
    /// Why the watch closed a connection: the `reason` of `activationd_http_connections_closed_total`.
    enum Reason: String, CaseIterable, Sendable {
        case headerTimeout = "header_timeout"
        case bodyTimeout = "body_timeout"
        case idleTimeout = "idle_timeout"
        case headerTooLarge = "header_too_large"
    }

    private let limits: ConnectionLimits
    private let closed: ConnectionCloseCounters
    private var context: ChannelHandlerContext?
    private var readingHead = false
    private var headBytes = 0
    private var readingBody = false
    private var requestsInProgress = 0
    /// When the current phase ends the connection, and why; nil while a response is being made.
    private var deadline: (at: NIODeadline, reason: Reason)?
    /// The one timer of the connection; a phase change only moves `deadline` (see `arm`).
    private var timer: Scheduled<Void>?
    /// The shortest of the three timeouts: no deadline can be set nearer than this to now.
    private let shortest: TimeAmount

    init(limits: ConnectionLimits, closed: ConnectionCloseCounters) {
        self.limits = limits
        self.closed = closed
        shortest = TimeAmount(min(limits.headerTimeout, limits.bodyTimeout, limits.idleTimeout))
    }

    /// The connection is active: it is idle until its first byte (a browser's preconnection says
    /// nothing for a while). Called again, does nothing.
    func start(_ context: ChannelHandlerContext) {
        guard self.context == nil else { return }
        self.context = context
        arm(limits.idleTimeout, reason: .idleTimeout)
    }

    /// The connection is gone: no timer may outlive it.
    func stop() {
        timer?.cancel()
        timer = nil
        deadline = nil
        context = nil
    }

    /// `count` bytes arrived, before the HTTP decoder sees them.
    func bytesArrived(_ count: Int) {
        if !readingHead, !readingBody, requestsInProgress == 0 {
            // The first byte of a request.
            readingHead = true
            headBytes = 0
            arm(limits.headerTimeout, reason: .headerTimeout)
        }
        if readingHead { headBytes += count }
    }

    /// After the decoder has seen the bytes: a head still incomplete past the size limit is refused.
    func checkHeadSize() {
        guard readingHead, headBytes > limits.maximalHeaderSize, let context else { return }
        let answer = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: answer)), promise: nil)
        close(.headerTooLarge)
    }

    /// A request head was decoded.
    func headRead() {
        readingHead = false
        readingBody = true
        requestsInProgress += 1
        arm(limits.bodyTimeout, reason: .bodyTimeout)
    }

    /// A request's end was decoded.
    func endRead() {
        readingBody = false
        settle()
    }

    /// A response's end is being written.
    func responseEnded() {
        requestsInProgress = max(0, requestsInProgress - 1)
        settle()
    }

    /// Between a request's end and the next request's first byte: no deadline while a response is
    /// being made, the idle timeout once none is.
    private func settle() {
        guard !readingHead, !readingBody else { return }
        if requestsInProgress > 0 {
            deadline = nil
        } else {
            arm(limits.idleTimeout, reason: .idleTimeout)
        }
    }

    /// Sets the phase's deadline. A request changes phase three or four times, so this does not
    /// reschedule the timer each time (a scheduled task costs allocations that showed in the HTTP
    /// benchmark): the timer wakes at the deadline or `shortest` after it was scheduled, whichever
    /// is first, and then looks at the deadline in force. Any deadline set meanwhile is at least
    /// `shortest` away from when it was set, so the timer is never late for it.
    private func arm(_ timeout: Duration, reason: Reason) {
        let now = self.now()
        deadline = (now + TimeAmount(timeout), reason)
        if timer == nil { schedule(now: now) }
    }

    private func schedule(now: NIODeadline) {
        guard let context, let deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: min(deadline.at, now + shortest)) { [self] in
            timer = nil
            guard let deadline = self.deadline else { return }
            let now = self.now()
            if deadline.at <= now { close(deadline.reason) } else { schedule(now: now) }
        }
    }

    /// The event loop's time: a test's `EmbeddedEventLoop` moves it by hand (ConnectionWatchTests),
    /// a real loop reads the monotonic clock.
    private func now() -> NIODeadline {
        context?.eventLoop.now ?? .now()
    }

    private func close(_ reason: Reason) {
        guard let context else { return }
        closed.closed(reason)
        stop()
        context.close(promise: nil)
    }
}
