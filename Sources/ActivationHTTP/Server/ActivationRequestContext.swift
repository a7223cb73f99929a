public import Hummingbird
public import NIOCore

/// The request context of every route: Hummingbird's core storage plus the client's address,
/// which the per-address rate limits key on.
public struct ActivationRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection (a reverse proxy's address when behind one).
    public let remoteAddress: SocketAddress?

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The client address without its port, the key of per-address limits.
    var clientKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
