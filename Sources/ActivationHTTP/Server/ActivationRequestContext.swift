public import Hummingbird
public import NIOCore
import Glibc
import CNIOLinux // owns sockaddr_in6's members under MemberImportVisibility in some compile batches

/// The request context of every route: Hummingbird's core storage plus the client's address,
/// which the per-address rate limits key on.
public struct ActivationRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The peer of the connection (a reverse proxy's address when behind one).
    public let remoteAddress: SocketAddress?
    /// The client: the peer, or the address a trusted proxy forwarded for (`ClientAddressMiddleware`).
    public var clientAddress: SocketAddress?

    /// Creates the context for a request on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.clientAddress = remoteAddress
    }

    /// The key of per-address limits: the client address without its port.
    var clientKey: String { clientAddress.map(Self.clientKey(for:)) ?? "unknown" }

    /// An IPv4 address whole; an IPv6 address by its /64 network, the block one subscriber or host
    /// is handed, so that one client cannot take a fresh bucket for each of its 2^64 addresses.
    static func clientKey(for address: SocketAddress) -> String {
        guard case .v6(let v6) = address else { return address.ipAddress ?? "unknown" }
        let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        let mappedIPv4 = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
        guard !mappedIPv4 else { return address.ipAddress ?? "unknown" }
        let hex = Array("0123456789abcdef")
        let network = bytes[0..<8].map { "\(hex[Int($0 >> 4)])\(hex[Int($0 & 0xF)])" }.joined()
        return network + "::/64"
    }
}
