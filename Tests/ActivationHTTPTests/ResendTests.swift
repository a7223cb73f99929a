import ActivationCore
import ActivationHTTP
import Foundation
import Prometheus
import NIOCore
import ActivationStoreSQLite
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

@Suite("POST /resend")
struct ResendTests {
    /// Waits until the outbox of `account` holds `rows` activation rows (the queue works after the
    /// 202); returns how many it holds then.
    func waitForActivationRows(_ fixture: HTTPFixture, _ account: UUID, _ rows: Int) async throws -> Int {
        try await waitUntil("the outbox holds \(rows) activation rows", observe: {
            try await fixture.store.outbox(accountID: account).filter { $0.kind == .activation }.count
        }) { $0 >= rows }
    }

    @Test func sameAnswerWhateverTheLogin() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (pending, _) = try await fixture.register("pending01")
        let (active, _) = try await fixture.register("active01")
        let (sentinel, _) = try await fixture.register("sentinel1")
        _ = try await fixture.store.activate(accountID: active.id, nonce: active.nonce, now: HTTPFixture.registeredAt)
        fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(3600))
        var options = HTTPOptions()
        options.limits.resendPerAddress = RateLimit(requests: 100, per: .seconds(60))
        try await fixture.withRouter(options) { client in
            var forms: Set<String> = []
            var jsons: Set<String> = []
            for login in ["pending01", "active01", "nobody99", "pending01@example.org", "", "x@y"] {
                let form = try await client.postForm("/resend", ["login": login])
                #expect(form.status == .accepted)
                forms.insert(form.text)
                let json = try await client.postJSON("/resend", #"{"login":"\#(login)"}"#)
                #expect(json.status == .accepted)
                jsons.insert(json.text)
            }
            #expect(forms.count == 1)
            #expect(jsons == [#"{"status":"accepted"}"#])
            // The queue works in order: once the sentinel's row is there, every request before it
            // was handled, and what was not queued for the active account will not be.
            _ = try await client.postForm("/resend", ["login": "sentinel1"])
            #expect(try await waitForActivationRows(fixture, sentinel.id, 2) == 2)
        }
        #expect(try await fixture.store.outbox(accountID: pending.id).filter { $0.kind == .activation }.count == 2)
        #expect(try await fixture.store.outbox(accountID: active.id).filter { $0.kind == .activation }.count == 1)
    }

    @Test func cooldownAndDailyLimitAreHonoured() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, _) = try await fixture.register("jdoe2026")
        let (sentinel, _) = try await fixture.register("sentinel1")
        var options = HTTPOptions()
        options.activation.resendDailyLimit = 3
        try await fixture.withRouter(options) { client in
            // Within the cooldown of the first mail: refused.
            fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(60))
            _ = try await client.postForm("/resend", ["login": "jdoe2026"])
            // Past it: queued; at once again: refused (cooldown from the resend).
            fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(6 * 60))
            _ = try await client.postForm("/resend", ["login": "jdoe2026"])
            #expect(try await waitForActivationRows(fixture, account.id, 2) == 2)
            _ = try await client.postForm("/resend", ["login": "JDOE2026"])
            fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(12 * 60))
            _ = try await client.postForm("/resend", ["login": "jdoe2026@example.org"])
            #expect(try await waitForActivationRows(fixture, account.id, 3) == 3)
            // The daily limit (3, the first mail included) is reached.
            fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(20 * 60))
            _ = try await client.postForm("/resend", ["login": "jdoe2026"])
            // The queue works in order: once the sentinel's row is there, the request before it was handled.
            _ = try await client.postForm("/resend", ["login": "sentinel1"])
            #expect(try await waitForActivationRows(fixture, sentinel.id, 2) == 2)
        }
        #expect(try await fixture.store.outbox(accountID: account.id).filter { $0.kind == .activation }.count == 3)
    }

    @Test func perAddressLimitAnswers429() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        var options = HTTPOptions()
        options.limits.resendPerAddress = RateLimit(requests: 3, per: .seconds(3600))
        try await fixture.withRouter(options) { client in
            for _ in 0..<3 { #expect(try await client.postForm("/resend", ["login": "a"]).status == .accepted) }
            let limited = try await client.postForm("/resend", ["login": "a"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }
}
