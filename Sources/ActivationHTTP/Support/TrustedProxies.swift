import Foundation
import Glibc
import CNIOLinux // owns sockaddr_in's and in_addr's members under MemberImportVisibility

/// `http.trusted_proxies`: the reverse proxies whose forwarding header is believed, and how the
/// client's address is read from it.
///
/// Without trusted proxies the client is the connection's peer, whatever a header says. With them,
/// a request whose peer is one of them is attributed to the right-most address of the header that
/// is not itself a trusted proxy (each proxy appends the address it received from; what is to the
/// left of the first untrusted hop was written by the client and may be forged).
public struct TrustedProxies: Sendable, Equatable {
    /// Which header the proxies write. Only that one is read: a proxy passes the other through
    /// from the client untouched, forged or not.
    public enum Header: String, Sendable, CaseIterable {
        /// `X-Forwarded-For: client, proxy1, proxy2` (nginx's `$proxy_add_x_forwarded_for`, Caddy, HAProxy).
        case xForwardedFor = "x-forwarded-for"
        /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
        case forwarded = "forwarded"
    }

    /// The trusted networks.
    public var networks: [AddressBlock]
    /// The header they write.
    public var header: Header

    /// No trusted proxy: the peer is the client.
    public static let none = TrustedProxies(networks: [], header: .xForwardedFor)

    /// Proxies in `networks` writing `header`.
    public init(networks: [AddressBlock], header: Header) {
        self.networks = networks
        self.header = header
    }

    /// Whether `address` (16 bytes, IPv4 mapped into IPv6) is a trusted proxy.
    public func trusts(_ address: [UInt8]) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client's address as text, given the peer's (16 bytes) and the header's values in the
    /// order they came (several header lines are one list). Nil: the peer itself is the client.
    public func client(peer: [UInt8], headerValues: [String]) -> String? {
        guard trusts(peer) else { return nil }
        var hops: [String] = []
        for value in headerValues {
            switch header {
            case .xForwardedFor: hops += value.split(separator: ",").map { String($0) }
            case .forwarded: hops += value.split(separator: ",").compactMap { Self.forwardedFor(String($0)) }
            }
        }
        var client: String? = nil
        for hop in hops.reversed() {
            let text = Self.stripPort(hop.trimmingCharacters(in: .whitespaces))
            guard let address = AddressBlock.bytes(of: text) else { return client }
            client = text
            if !trusts(address) { return text }
        }
        return client
    }

    /// The `for=` node of one `Forwarded` element (`for=192.0.2.1;proto=https`), unquoted.
    static func forwardedFor(_ element: String) -> String? {
        for pair in element.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "for" else { continue }
            var value = parts[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1`; anything else as it is.
    static func stripPort(_ text: String) -> String {
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            return String(text[text.index(after: text.startIndex)..<end])
        }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            return String(text[..<colon])
        }
        return text
    }
}

/// An IP network, `192.0.2.0/24`, `2001:db8::/32`, or one address; IPv4 is held mapped into IPv6.
public struct AddressBlock: Sendable, Equatable, CustomStringConvertible {
    /// The network's 16 bytes.
    public let address: [UInt8]
    /// Its prefix length over the 16 bytes (IPv4's /24 is 96 + 24).
    let prefix: Int
    /// As written.
    public let description: String

    /// Parses `address` or `address/prefix`; nil if it is neither.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = Self.bytes(of: first) else { return nil }
        let isIPv4 = !first.contains(":")
        var prefix = 128
        if parts.count == 2 {
            guard let length = Int(parts[1]), length >= 0, length <= (isIPv4 ? 32 : 128) else { return nil }
            prefix = isIPv4 ? 96 + length : length
        }
        self.address = bytes
        self.prefix = prefix
        self.description = text
    }

    /// Whether `bytes` (16) is in this network.
    public func contains(_ bytes: [UInt8]) -> Bool {
        var remaining = prefix
        for index in 0..<16 where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
            if (address[index] & mask) != (bytes[index] & mask) { return false }
            remaining -= bits
        }
        return true
    }

    /// The 16 bytes of an IPv6 address, or of an IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`).
    public static func bytes(of text: String) -> [UInt8]? {
        if !text.contains(":") {
            var v4 = in_addr()
            guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
            return [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF] + withUnsafeBytes(of: v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: v6) { Array($0) }
    }
}
