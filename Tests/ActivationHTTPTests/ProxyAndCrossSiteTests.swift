@testable import ActivationHTTP
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Client address behind trusted proxies; cross-site form posts")
struct ProxyAndCrossSiteTests {
    static func header(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    @Test("the right-most untrusted hop is the client; a forged left part changes nothing; untrusted peers are believed never")
    func clientResolution() throws {
        let proxies = TrustedProxies(networks: [try #require(AddressBlock("10.0.0.0/8")), try #require(AddressBlock("::1"))],
                                     header: .xForwardedFor)
        let proxy = try #require(AddressBlock.bytes(of: "10.1.2.3"))
        #expect(proxies.client(peer: proxy, headerValues: ["198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: proxy, headerValues: ["1.2.3.4, 198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: proxy, headerValues: ["1.2.3.4", "198.51.100.7, 10.9.9.9"]) == "198.51.100.7")
        #expect(proxies.client(peer: proxy, headerValues: ["garbage, 10.9.9.9"]) == "10.9.9.9")
        #expect(proxies.client(peer: try #require(AddressBlock.bytes(of: "198.51.100.1")), headerValues: ["1.2.3.4"]) == nil)
        #expect(proxies.client(peer: try #require(AddressBlock.bytes(of: "::1")), headerValues: ["[2001:db8::5]:443"]) == "2001:db8::5")
        let rfc = TrustedProxies(networks: proxies.networks, header: .forwarded)
        #expect(rfc.client(peer: proxy, headerValues: [#"for=1.2.3.4, for="[2001:db8::9]:80";proto=https"#]) == "2001:db8::9")
        #expect(AddressBlock("10.0.0.0/33") == nil && AddressBlock("not an address") == nil)
        #expect(try #require(AddressBlock("192.0.2.0/24")).contains(try #require(AddressBlock.bytes(of: "192.0.2.200"))))
        #expect(!(try #require(AddressBlock("192.0.2.0/24")).contains(try #require(AddressBlock.bytes(of: "192.0.3.1")))))
    }

    @Test("behind a trusted proxy each client has its own bucket; without trust the header is ignored")
    func limitsPerForwardedClient() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        var options = HTTPOptions()
        options.limits.usernameChecksPerAddress = RateLimit(requests: 2, per: .seconds(60))
        options.trustedProxies = TrustedProxies(networks: [try #require(AddressBlock("127.0.0.1"))], header: .xForwardedFor)
        try await fixture.withServer(options) { client in
            func check(_ forwarded: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/usernames/abcdef", method: .get,
                                         headers: [Self.header("X-Forwarded-For"): forwarded]).status
            }
            let statuses = [try await check("198.51.100.1"), try await check("203.0.113.9, 198.51.100.1"),
                            try await check("198.51.100.1"), try await check("198.51.100.2")]
            #expect(statuses == [.ok, .ok, .tooManyRequests, .ok])
        }
        options.trustedProxies = .none
        try await fixture.withServer(options) { client in
            for (index, forwarded) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"].enumerated() {
                let status = try await client.execute(uri: "/api/v1/usernames/abcdef", method: .get,
                                                      headers: [Self.header("X-Forwarded-For"): forwarded]).status
                #expect(status == (index < 2 ? .ok : .tooManyRequests), "\(forwarded)")
            }
        }
    }

    @Test("POST /resend from another site is refused (Fetch Metadata, then Origin); same-origin and header-less posts pass")
    func crossSitePosts() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        var options = HTTPOptions(publicURL: "https://accounts.example.org")
        options.limits.resendPerAddress = RateLimit(requests: 100, per: .seconds(60))
        try await fixture.withServer(options) { client in
            func post(_ headers: [String: String]) async throws -> TestResponse {
                var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                for (name, value) in headers { fields[Self.header(name)] = value }
                return try await client.execute(uri: "/resend", method: .post, headers: fields,
                                                body: ByteBuffer(string: "login=nobody-here"))
            }
            for headers in [["Sec-Fetch-Site": "cross-site"], ["Sec-Fetch-Site": "same-site"],
                            ["Origin": "https://evil.example"], ["Origin": "null"],
                            ["Sec-Fetch-Site": "cross-site", "Origin": "https://accounts.example.org"]] {
                let answer = try await post(headers)
                #expect(answer.status == .forbidden, "\(headers)")
            }
            for headers in [["Sec-Fetch-Site": "same-origin"], ["Sec-Fetch-Site": "none"],
                            ["Origin": "https://accounts.example.org"], [:]] {
                let status = try await post(headers).status
                #expect(status != .forbidden, "\(headers)")
            }
        }
    }
}
