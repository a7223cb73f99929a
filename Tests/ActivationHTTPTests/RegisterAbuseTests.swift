import ActivationCore
@testable import ActivationHTTP
import ActivationSpoolFiles
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The page against abuse: the honeypot, the per-address limit, and the form cookie's name and flags.
extension RegisterPageTests {
    @Test("over https the form cookie is __Host- and Secure; a plain-named cookie (which a sibling subdomain could set) is not taken for it")
    func hostPrefixedCookieOverHTTPS() async throws {
        var secure = try await Page()
        secure.options.publicURL = "https://accounts.example.org"
        let page = secure
        defer { page.fixture.cleanUp() }
        try await page.fixture.withServer(page.options) { client in
            let first = try await client.execute(uri: "/register", method: .get)
            let setCookie = try #require(first.headers[.setCookie])
            #expect(setCookie.hasPrefix("__Host-activationd_form=") && setCookie.contains("; Secure")
                && setCookie.contains("Path=/;") && !setCookie.lowercased().contains("domain="))
            let value = String(setCookie.dropFirst("__Host-activationd_form=".count).prefix { $0 != ";" })
            let plain = try await client.execute(uri: "/register", method: .get, headers: [.cookie: "activationd_form=\(value)"])
            #expect(plain.headers[.setCookie] != nil, "a plain-named cookie was taken for the form cookie")
            let prefixed = try await client.execute(uri: "/register", method: .get, headers: [.cookie: "__Host-activationd_form=\(value)"])
            #expect(prefixed.headers[.setCookie] == nil)
        }
    }

    @Test func theHoneypotAndThePerAddressLimitRefuse() async throws {
        var limited = try await Page()
        limited.options.limits.registrationsPerAddress = RateLimit(requests: 3, per: .seconds(3600))
        let page = limited
        defer { page.fixture.cleanUp() }
        try await page.fixture.withRouter(page.options) { client in
            let form = try await client.execute(uri: "/register", method: .get).text
            let bot = try await client.postForm("/register", try Self.filled(form, seal: page.seal,
                                                                             now: page.fixture.clock.now,
                                                                             ["website": "http://spam.example"]))
            #expect(bot.status == .badRequest)
            #expect(bot.text.contains(RegisterController.honeypotMessage))
            #expect(try page.records().isEmpty)
            #expect(page.fixture.logs.all.joined(separator: "\n").contains("reason=honeypot"))
            // Refresh presses and posts without solved characters spend nothing.
            for _ in 0..<4 {
                #expect(try await client.postForm("/register", ["action": "refresh"]).status == .ok)
                #expect(try await client.postForm("/register", ["username": "junk"]).status == .unprocessableContent)
            }
            // Posts with solved characters count: three are allowed (3 an hour), the fourth is refused.
            for _ in 0..<3 {
                let fresh = try await client.execute(uri: "/register", method: .get).text
                let answer = try await client.postForm("/register", try Self.filled(fresh, seal: page.seal,
                                                                                    now: page.fixture.clock.now,
                                                                                    ["confirmEmail": "other@example.org"]))
                #expect(answer.status == .unprocessableContent)
            }
            let limited = try await client.postForm("/register", try Self.filled(form, seal: page.seal,
                                                                                 now: page.fixture.clock.now))
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(try page.records().isEmpty)
        }
    }
}
