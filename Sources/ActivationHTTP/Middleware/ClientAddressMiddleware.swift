import HTTPTypes
import Hummingbird
import NIOCore
import Glibc
import CNIOLinux // owns sockaddr_in's and in_addr's members under MemberImportVisibility

/// Sets the request's client address from a trusted proxy's forwarding header
/// (`http.trusted_proxies`, `TrustedProxies`); without trusted proxies it changes nothing.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = ActivationRequestContext
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard !proxies.networks.isEmpty, let peer = context.remoteAddress.flatMap(Self.bytes(of:)) else {
            return try await next(request, context)
        }
        let name = HTTPField.Name(proxies.header.rawValue)!
        let values = request.headers[values: name]
        guard !values.isEmpty, let client = proxies.client(peer: peer, headerValues: values),
              let address = try? SocketAddress(ipAddress: client, port: 0)
        else { return try await next(request, context) }
        var context = context
        context.clientAddress = address
        return try await next(request, context)
    }

    /// The peer's 16 bytes (IPv4 mapped into IPv6), nil for a Unix socket.
    static func bytes(of address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            return [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }
}
