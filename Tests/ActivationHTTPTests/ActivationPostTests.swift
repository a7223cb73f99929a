import ActivationCore
import ActivationHTTP
import Foundation
import Prometheus
import NIOCore
import ActivationStoreSQLite
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("POST /activate and /api/v1/activations")
struct ActivationPostTests {
    @Test func rightPasswordActivatesOnceThenAlreadyActive() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        try await fixture.withServer { client in
            let first = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(first.status == .ok)
            #expect(first.text.contains("Your account is active"))
            let second = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(second.status == .ok)
            #expect(second.text.contains("Your account is already active"))
        }
        #expect(try await fixture.store.account(id: account.id)?.state == .active)
        #expect(fixture.logs.all.filter { $0.contains("event=account.activated") && $0.contains("account=\(account.id.lowercasedText)") }
            .count == 1)
        #expect(testRegistry.emitToString().contains(#"activationd_activations_total{outcome="activated"}"#))
    }

    @Test func fiveWrongPasswordsLockTheLinkEvenForTheRightOne() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        try await fixture.withServer { client in
            for left in (1...4).reversed() {
                let wrong = try await client.postForm("/activate", ["token": token, "password": "Wrong1pass"])
                #expect(wrong.status == .forbidden)
                #expect(wrong.text.contains("\(left) attempt"))
                #expect(wrong.text.contains(HTTPFixture.phrase))
            }
            let fifth = try await client.postForm("/activate", ["token": token, "password": "Wrong1pass"])
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.headers[.retryAfter] == "900")
            let right = try await client.postJSON("/api/v1/activations",
                                                  #"{"token":"\#(token)","password":"\#(HTTPFixture.password)"}"#)
            #expect(right.status == .tooManyRequests)
            #expect(right.json["outcome"] as? String == "locked")
            let page = try await client.execute(uri: "/activate?token=\(token)", method: .get)
            #expect(page.status == .tooManyRequests)
            #expect(page.text.contains("locked for 15 minutes"))
        }
        #expect(try await fixture.store.account(id: account.id)?.state == .pending)
        #expect(fixture.logs.all.filter { $0.contains("event=activation.locked") }.count == 1)
        // The lock is in the store: a new server on the same store keeps it …
        try await fixture.withServer { client in
            let right = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(right.status == .tooManyRequests)
        }
        // … and the account still activates once the lock is over.
        fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(15 * 60 + 1))
        try await fixture.withServer { client in
            let right = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(right.status == .ok)
        }
    }

    @Test func lockEndsAfterFifteenMinutesOnTheSameServer() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        try await fixture.withServer { client in
            for _ in 0..<5 { _ = try await client.postForm("/activate", ["token": token, "password": "Wrong1pass"]) }
            fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(14 * 60))
            let early = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(early.status == .tooManyRequests)
            fixture.clock.set(HTTPFixture.registeredAt.addingTimeInterval(15 * 60 + 1))
            let later = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(later.status == .ok)
        }
    }

    @Test func missingPasswordIsNotCountedAsAGuess() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (_, token) = try await fixture.register("jdoe2026")
        try await fixture.withServer { client in
            for _ in 0..<10 {
                let missing = try await client.postForm("/activate", ["token": token])
                #expect(missing.status == .badRequest)
            }
            let right = try await client.postForm("/activate", ["token": token, "password": HTTPFixture.password])
            #expect(right.status == .ok)
        }
    }

    @Test func jsonAnswersCarryTheOutcome() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        try await fixture.withServer { client in
            let wrong = try await client.postJSON("/api/v1/activations", #"{"token":"\#(token)","password":"Nope1nope"}"#)
            #expect(wrong.status == .forbidden)
            #expect(wrong.json["outcome"] as? String == "wrong_password")
            #expect(wrong.json["attemptsLeft"] as? Int == 4)
            let invalid = try await client.postJSON("/api/v1/activations", #"{"token":"xyz","password":"a"}"#)
            #expect(invalid.status == .badRequest)
            #expect(invalid.json["outcome"] as? String == "invalid")
            let right = try await client.postJSON("/api/v1/activations",
                                                  #"{"token":"\#(token)","password":"\#(HTTPFixture.password)"}"#)
            #expect(right.status == .ok)
            #expect(right.json["outcome"] as? String == "activated")
            fixture.clock.set(account.expiresAt.addingTimeInterval(10))
            let expired = try await client.postJSON("/api/v1/activations", #"{"token":"\#(token)","password":"x"}"#)
            #expect(expired.status == .gone)
            #expect(expired.json["outcome"] as? String == "expired")
        }
    }

    @Test func buttonModeActivatesWithoutPassword() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        try await fixture.withServer(HTTPOptions(activation: ActivationOptions(confirm: .button))) { client in
            let pressed = try await client.postForm("/activate", ["token": token])
            #expect(pressed.status == .ok)
        }
        #expect(try await fixture.store.account(id: account.id)?.state == .active)
    }

    @Test func hundredConcurrentPostsActivateExactlyOnce() async throws {
        let fixture = try await HTTPFixture()
        defer { fixture.cleanUp() }
        let (account, token) = try await fixture.register("jdoe2026")
        let outcomes = try await fixture.withServer { client in
            let port = try #require(client.port)
            return try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { own in
                            let response = try await own.post(
                                "/api/v1/activations", headers: [.contentType: "application/json"],
                                body: .init(string: #"{"token":"\#(token)","password":"\#(HTTPFixture.password)"}"#))
                            let json = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body ?? .init()).utf8))
                            return (json as? [String: Any])?["outcome"] as? String ?? "status \(response.status.code)"
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
        }
        // Exactly one activates. Every password check is reserved in the store before it is made,
        // the right one too, so requests that arrive while the first five are being checked are
        // answered as locked (nothing is hashed for them); all others learn it is already active.
        #expect(outcomes["activated"] == 1)
        #expect(Set(outcomes.keys).isSubset(of: ["activated", "already_active", "locked"]))
        #expect((outcomes["locked"] ?? 0) <= 95 && outcomes.values.reduce(0, +) == 100)
        #expect(try await fixture.store.account(id: account.id)?.state == .active)
        #expect(try await fixture.store.account(id: account.id)?.passwordAttempts == .unused,
                "activation clears the count")
    }
}
