import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel with the connection guards around its codec: a
/// `ConnectionGuardHandler` in front of the decoder and a `RequestPartGuardHandler` behind it,
/// sharing one `ConnectionWatch` per connection.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let inner: HTTP1Channel
    let limits: ConnectionLimits
    let closed: ConnectionCloseCounters

    /// The server builder for `Application(server:)`.
    static func builder(limits: ConnectionLimits, listener: String) -> HTTPServerBuilder {
        let closed = ConnectionCloseCounters(listener: listener)
        return HTTPServerBuilder { responder in
            // The decoder's own limits are the same size: they bound what it buffers even when a
            // single read carries more than the guard's limit.
            let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
                maxHeaderFieldSize: limits.maximalHeaderSize, maxHeaderListSize: limits.maximalHeaderSize)
            return GuardedHTTP1Channel(
                inner: HTTP1Channel(responder: responder,
                                    configuration: .init(idleTimeout: nil, httpDecoderConfiguration: decoder)),
                limits: limits, closed: closed)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            let watch = ConnectionWatch(limits: limits, closed: closed)
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(watch: watch), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let watch = try operations.handler(type: ConnectionGuardHandler.self).watch
            let state = try operations.handler(type: HTTPConnectionStateHandler.self)
            try operations.addHandler(RequestPartGuardHandler(watch: watch), position: .before(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
