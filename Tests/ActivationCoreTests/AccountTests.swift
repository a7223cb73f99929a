import Foundation
import Testing
@testable import ActivationCore

@Suite("Account")
struct AccountTests {
    @Test("a pending account copies the registration and expires after the lifetime")
    func pending() {
        var registration = Fixture.registration
        registration.locale = "es-MX"
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let account = Account.pending(
            from: registration, passwordHash: "$scrypt$hash", now: now, lifetime: .seconds(30 * 86_400))
        #expect(account.registrationID == registration.id)
        #expect(account.id != registration.id)
        #expect(account.username == "jdoe2026")
        #expect(account.firstName == "Jane")
        #expect(account.lastName == "Doe")
        #expect(account.email == "jane@example.org")
        #expect(account.passwordHash == "$scrypt$hash")
        #expect(account.passwordPhrase == registration.passwordPhrase)
        #expect(account.locale == "es-MX")
        #expect(account.state == .pending)
        #expect(account.nonce.count == ActivationToken.nonceLength)
        #expect(account.registeredAt == now)
        #expect(account.expiresAt == now.addingTimeInterval(30 * 86_400))
        #expect(account.activatedAt == nil)
        #expect(account.remindedAt == nil)
    }

    @Test("an account is expired from its expiry on")
    func expiry() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let account = Account.pending(from: Fixture.registration, passwordHash: "", now: now, lifetime: .seconds(10))
        #expect(!account.isExpired(at: now.addingTimeInterval(9.999)))
        #expect(account.isExpired(at: now.addingTimeInterval(10)))
        #expect(account.isExpired(at: now.addingTimeInterval(11)))
    }

    @Test("two pending accounts get different nonces")
    func nonces() {
        let a = Account.pending(from: Fixture.registration, passwordHash: "", now: .now, lifetime: .seconds(1))
        let b = Account.pending(from: Fixture.registration, passwordHash: "", now: .now, lifetime: .seconds(1))
        #expect(a.nonce != b.nonce)
        #expect(a.id != b.id)
    }

    @Test("only a pending account can be activated")
    func states() {
        #expect(AccountState.pending.canActivate)
        #expect(!AccountState.active.canActivate)
    }

    @Test("Duration converts to seconds", arguments: [
        (Duration.seconds(30 * 86_400), 2_592_000.0), (.milliseconds(1500), 1.5), (.zero, 0),
    ])
    func durationSeconds(duration: Duration, seconds: Double) {
        #expect(duration.timeInterval == seconds)
    }
}
