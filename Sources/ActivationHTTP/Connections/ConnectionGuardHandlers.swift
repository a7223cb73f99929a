import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// First in a connection's pipeline, before the HTTP decoder: tells the watch how many bytes
/// arrive, and lets it refuse a head that grows past the limit.
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let watch: ConnectionWatch

    init(watch: ConnectionWatch) {
        self.watch = watch
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { watch.start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        watch.stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        watch.start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.bytesArrived(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
        watch.checkHeadSize()
    }
}

/// After the HTTP codec: tells the watch when a request's head and end were read and when its
/// response ended.
final class RequestPartGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let watch: ConnectionWatch

    init(watch: ConnectionWatch) {
        self.watch = watch
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: watch.headRead()
        case .body: break
        case .end: watch.endRead()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { watch.responseEnded() }
        context.write(data, promise: promise)
    }
}
