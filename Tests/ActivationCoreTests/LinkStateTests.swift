import Foundation
import Testing
@testable import ActivationCore

@Suite("Link state: one reading of an activation link for the page and the stores")
struct LinkStateTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A pending account registered at `now` that expires 60 s later; locked (5 checks) until
    /// `later` + 600 s.
    func account(active: Bool = false, locked: Bool = false) -> Account {
        var account = Account.pending(from: Fixture.registration, passwordHash: "", now: now, lifetime: .seconds(60))
        if active { account = account.activated(at: now) }
        if locked { account.passwordAttempts = PasswordAttempts(count: 5, resetAt: later.addingTimeInterval(600)) }
        return account
    }

    /// After the expiry.
    var later: Date { now.addingTimeInterval(120) }

    @Test("the nonce first: a wrong link learns nothing, whatever the account's state")
    func wrongLinkFirst() {
        var other = Data(repeating: 0, count: ActivationToken.nonceLength)
        for account in [account(), account(active: true), account(locked: true), account(active: true, locked: true)] {
            other[0] = account.nonce[0] ^ 1
            let nearly = account.nonce.prefix(ActivationToken.nonceLength - 1) + Data([account.nonce.last! ^ 0x80])
            #expect(account.linkState(nonce: other, now: later, attemptLimit: 5) == .wrongLink)
            #expect(account.linkState(nonce: nearly, now: later, attemptLimit: 5) == .wrongLink)
            #expect(account.linkState(nonce: account.nonce.prefix(4), now: later, attemptLimit: 5) == .wrongLink)
        }
    }

    @Test("then active before locked before expired before ready; the lock only with an attempt limit")
    func order() {
        let lockedExpired = account(locked: true)
        let active = account(active: true, locked: true)
        #expect(active.linkState(nonce: active.nonce, now: later, attemptLimit: 5) == .active)
        #expect(lockedExpired.linkState(nonce: lockedExpired.nonce, now: later, attemptLimit: 5)
                == .locked(until: later.addingTimeInterval(600)))
        #expect(lockedExpired.linkState(nonce: lockedExpired.nonce, now: later) == .expired)
        #expect(lockedExpired.linkState(nonce: lockedExpired.nonce, now: later, attemptLimit: 6) == .expired)
        let fresh = account()
        #expect(fresh.linkState(nonce: fresh.nonce, now: now.addingTimeInterval(59), attemptLimit: 5) == .ready)
        #expect(fresh.linkState(nonce: fresh.nonce, now: now.addingTimeInterval(60), attemptLimit: 5) == .expired)
    }

    @Test("a store's refusal is the link state without the lock")
    func storeRefusal() {
        let fresh = account()
        #expect(ActivationResult.refusal(activating: fresh, nonce: fresh.nonce, now: now) == nil)
        #expect(ActivationResult.refusal(activating: fresh, nonce: Data(count: 16), now: now) == .nonceMismatch)
        #expect(ActivationResult.refusal(activating: fresh, nonce: fresh.nonce, now: later) == .expired)
        let locked = account(locked: true)
        #expect(ActivationResult.refusal(activating: locked, nonce: locked.nonce, now: now) == nil)
        let active = fresh.activated(at: now)
        #expect(ActivationResult.refusal(activating: active, nonce: active.nonce, now: later) == .alreadyActive(active))
    }
}
