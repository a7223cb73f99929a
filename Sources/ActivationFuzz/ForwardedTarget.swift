import ActivationHTTP
public import Foundation

extension FuzzTargets {
    /// `http.trusted_proxies` and the forwarding headers a trusted proxy writes (`TrustedProxies`).
    /// Input: a length-prefixed list of trusted networks, one byte choosing the header
    /// (`X-Forwarded-For` or `Forwarded`) and where the peer comes from, then the header's value.
    ///
    /// Properties: a network that parses keeps its text and contains its own address; a peer that
    /// is not trusted makes the header unread (nil); a client found is an IP address; and what a
    /// client writes to the left of the first untrusted hop changes nothing — prefixing the header
    /// with a forged hop gives the same client whenever that client is not a trusted proxy.
    public static func forwardedHeader(_ data: Data) throws {
        let target = "forwarded-header"
        var input = FuzzInput(data)
        let networksText = input.field()
        let choice = input.byte()
        let value = input.rest()
        var networks: [AddressBlock] = []
        for item in networksText.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let block = AddressBlock(String(item)) else { continue }
            try require(block.description == String(item), target, "a parsed network keeps its text")
            if let own = AddressBlock.bytes(of: String(item.split(separator: "/").first ?? "")) {
                try require(block.contains(own), target, "a network contains its own address")
            }
            networks.append(block)
        }
        let proxies = TrustedProxies(networks: networks, header: choice & 1 == 0 ? .xForwardedFor : .forwarded)
        // The peer: the first trusted network's address when there is one and the choice says so,
        // else a documentation address no test network names.
        let trustedPeer = (choice & 2 == 0) ? networks.first.map(\.address) : nil
        let peer = trustedPeer ?? AddressBlock.bytes(of: "192.0.2.254")!
        let client = proxies.client(peer: peer, headerValues: [value])
        if !proxies.trusts(peer) {
            try require(client == nil, target, "an untrusted peer's header is never read")
        }
        guard let client else { return }
        try require(AddressBlock.bytes(of: client) != nil, target, "the client is an IP address")
        if let clientBytes = AddressBlock.bytes(of: client), !proxies.trusts(clientBytes) {
            let forged = proxies.header == .xForwardedFor ? "203.0.113.66, " + value : "for=203.0.113.66, " + value
            try require(proxies.client(peer: peer, headerValues: [forged]) == client, target,
                        "a hop forged to the left of the client changes nothing")
        }
        fuzzSink(client)
    }
}
