import ActivationCore
import ActivationHTTP
import Foundation
import Prometheus
import NIOCore
import ActivationStoreSQLite
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("GET /activate: the landing page and its answers")
struct LandingPageTests {
    @Test func validLinkGreetsShowsPhraseAndAsksForPassword() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        try await fixture.withRouter { client in
            let response = try await client.execute(uri: "/activate?token=\(token)", method: .get)
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains("Welcome, Jane"))
            #expect(html.contains(HTTPFixture.phrase))
            #expect(html.contains("If you don&#39;t see your phrase, don&#39;t provide your password!")
                || html.contains("If you don't see your phrase, don't provide your password!"))
            #expect(html.contains(#"type="password""#))
            #expect(html.contains(#"<label for="password">"#))
            #expect(html.contains("Activate my account"))
            #expect(html.contains(#"<html lang="en">"#))
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            let csp = try #require(response.headers[.contentSecurityPolicy])
            #expect(csp.hasPrefix("default-src 'none'; style-src 'sha256-"))
            #expect(csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"))
            #expect(!html.contains("<script"))
        }
    }

    @Test func getAndHeadTwentyTimesLeaveTheAccountPending() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        try await fixture.withRouter { client in
            for _ in 0..<20 {
                let get = try await client.execute(uri: "/activate?token=\(token)", method: .get)
                #expect(get.status == .ok)
                let head = try await client.execute(uri: "/activate?token=\(token)", method: .head)
                #expect(head.status == .ok)
                #expect(head.body.readableBytes == 0)
            }
        }
        #expect(try await fixture.store.account(id: account.id)?.state == .pending)
    }

    @Test(arguments: [
        ("", HTTPResponse.Status.badRequest), ("?token=", .badRequest), ("?token=abc", .badRequest),
        // Long, but within http.maximal_header_size (16 KiB); a longer head is refused with 431
        // before routing (BadInputTests).
        ("?token=" + String(repeating: "A", count: 12_000), .badRequest),
    ])
    func brokenLinksGetTheInvalidPage(query: String, status: HTTPResponse.Status) async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        try await fixture.withRouter { client in
            let response = try await client.execute(uri: "/activate\(query)", method: .get)
            #expect(response.status == status)
            #expect(response.text.contains("This activation link does not work"))
        }
    }

    @Test func forgedSignatureIsInvalid() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        let forged = String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
        try await fixture.withRouter { client in
            let response = try await client.execute(uri: "/activate?token=\(forged)", method: .get)
            #expect(response.status == .badRequest)
        }
    }

    @Test func expiredLinkExplainsTheThirtyDaysAndOffersBothWays() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        fixture.clock.set(account.expiresAt.addingTimeInterval(1))
        try await fixture.withRouter { client in
            let response = try await client.execute(uri: "/activate?token=\(token)", method: .get)
            #expect(response.status == .gone)
            #expect(response.text.contains("within 30 days"))
            #expect(response.text.contains("http://127.0.0.1:8080/register"))
            #expect(response.text.contains(#"action="resend""#))
        }
    }

    @Test func removedAccountsLinkIsGone() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        // Removed, and the reason forgotten (as the purge does), or superseded by an earlier
        // version: the link's account no longer exists, and that is all the page can say.
        let (_, oldToken) = try await fixture.register("jdoe2026", email: "jane@example.org")
        let (other, _) = try await fixture.register("janedoe1", email: "Jane@example.org")
        _ = try await fixture.store.activate(accountID: other.id, nonce: other.nonce, now: HTTPFixture.registeredAt)
        _ = try await fixture.store.purge(finishedBefore: HTTPFixture.registeredAt,
                                          registrationsBefore: HTTPFixture.registeredAt.addingTimeInterval(1))
        try await fixture.withRouter { client in
            let page = try await client.execute(uri: "/activate?token=\(oldToken)", method: .get)
            #expect(page.status == .gone)
            #expect(page.text.contains("no longer exists"))
            let api = try await client.postJSON("/api/v1/activations",
                                                #"{"token":"\#(oldToken)","password":"\#(HTTPFixture.password)"}"#)
            #expect(api.status == .gone)
            #expect(api.json["outcome"] as? String == "gone")
        }
    }

    @Test func replacedAccountsLinkSaysWhy() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (jane, janesToken) = try await fixture.register("jdoe2026", email: "jane@example.org")
        let (_, otherToken) = try await fixture.register("mallory1", email: "JANE@example.org")
        try await fixture.withRouter { client in
            #expect(try await client.execute(uri: "/activate?token=\(otherToken)", method: .get).status == .ok)
            let activated = try await client.postForm("/activate", ["token": janesToken, "password": HTTPFixture.password])
            #expect(activated.status == .ok)
            let page = try await client.execute(uri: "/activate?token=\(otherToken)", method: .get)
            #expect(page.status == .gone)
            #expect(page.text.contains("This registration was replaced: another account with this email address was activated."))
            #expect(!page.text.contains(#"action="resend""#))
            let api = try await client.postJSON("/api/v1/activations",
                                                #"{"token":"\#(otherToken)","password":"\#(HTTPFixture.password)"}"#)
            #expect(api.status == .gone)
            #expect(api.json["outcome"] as? String == "replaced")
        }
        #expect(fixture.logs.all.contains { $0.contains("event=account.replaced") })
        #expect(try await fixture.store.account(id: jane.id)?.state == .active)
    }

    @Test func activeAccountSaysSo() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        _ = try await fixture.store.activate(accountID: account.id, nonce: account.nonce, now: HTTPFixture.registeredAt)
        try await fixture.withRouter { client in
            let response = try await client.execute(uri: "/activate?token=\(token)", method: .get)
            #expect(response.status == .ok)
            #expect(response.text.contains("Your account is already active"))
            #expect(!response.text.contains(HTTPFixture.phrase))
        }
    }

    @Test func buttonModeAsksNoPassword() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        try await fixture.withRouter(HTTPOptions(activation: ActivationOptions(confirm: .button))) { client in
            let response = try await client.execute(uri: "/activate?token=\(token)", method: .get)
            #expect(response.status == .ok)
            #expect(!response.text.contains(#"type="password""#))
            #expect(response.text.contains("Activate my account"))
        }
    }

    @Test func theTokenNeverReachesALogLine() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        try await fixture.withRouter { client in
            _ = try await client.execute(uri: "/activate?token=\(token)", method: .get)
            _ = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
        }
        let lines = fixture.logs.all
        #expect(lines.contains { $0.contains("path=/activate") })
        #expect(lines.contains { $0.contains("event=account.activated") })
        #expect(!lines.contains { $0.contains(token) || $0.contains(HTTPFixture.password) })
    }
}
