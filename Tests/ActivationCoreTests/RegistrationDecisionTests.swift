import Foundation
import Testing
@testable import ActivationCore

@Suite("RegistrationDecision")
struct RegistrationDecisionTests {
    /// The registration being decided: username jdoe2026, email jane@example.org.
    let registration = Fixture.registration

    static func account(_ username: String, _ email: String, _ state: AccountState) -> Account {
        var registration = Fixture.registration
        registration.id = UUID()
        registration.username = username
        registration.email = email
        registration.confirmEmail = email
        var account = Account.pending(
            from: registration, passwordHash: "$scrypt$", now: Fixture.submittedAt, lifetime: .seconds(86_400))
        account.state = state
        return account
    }

    @Test("no other account: accept, superseding nothing")
    func free() {
        #expect(RegistrationDecision.decide(for: registration, candidates: []) == .accept(superseding: []))
        let unrelated = [Self.account("someone1", "someone@example.org", .active),
                         Self.account("other22", "other@example.org", .pending)]
        #expect(RegistrationDecision.decide(for: registration, candidates: unrelated) == .accept(superseding: []))
    }

    @Test("a username held by an active or pending account with another email is taken, in any case",
          arguments: AccountState.allCases, ["jdoe2026", "JDOE2026", "JDoe2026"])
    func usernameTaken(state: AccountState, username: String) {
        let holder = Self.account(username, "someone@example.org", state)
        #expect(RegistrationDecision.decide(for: registration, candidates: [holder]) == .reject([.usernameTaken]))
    }

    @Test("an email held by an active account is taken, in any case",
          arguments: ["jane@example.org", "JANE@EXAMPLE.ORG", "Jane@Example.org"])
    func emailTaken(email: String) {
        let holder = Self.account("someone1", email, .active)
        #expect(RegistrationDecision.decide(for: registration, candidates: [holder]) == .reject([.emailTaken]))
    }

    @Test("username and email both taken are both reported")
    func bothTaken() {
        let byName = Self.account("jdoe2026", "someone@example.org", .pending)
        let byEmail = Self.account("someone1", "jane@example.org", .active)
        #expect(RegistrationDecision.decide(for: registration, candidates: [byName, byEmail])
            == .reject([.usernameTaken, .emailTaken]))
        let both = Self.account("JDOE2026", "Jane@Example.org", .active)
        #expect(RegistrationDecision.decide(for: registration, candidates: [both]) == .reject([.usernameTaken, .emailTaken]))
    }

    @Test("a pending account with the same username and email, in any case, stays: the name is taken")
    func sameUsernameAndEmailIsTaken() {
        // It used to be superseded: whoever knew both put their own password on the pending account.
        let earlier = Self.account("JDoe2026", "JANE@example.org", .pending)
        #expect(RegistrationDecision.decide(for: registration, candidates: [earlier]) == .reject([.usernameTaken]))
    }

    @Test("a pending account with the same email and another username stays, in any case of the email",
          arguments: ["jane@example.org", "JANE@example.org", "Jane@EXAMPLE.ORG"])
    func sameEmailOtherUsernameStays(email: String) {
        // The attack: whoever knows Jane's address registers it with a username of
        // their own. Jane's pending account must not be cancelled, nor her username freed.
        let jane = Self.account("janedoe1", email, .pending)
        #expect(RegistrationDecision.decide(for: registration, candidates: [jane]) == .accept(superseding: []))
        var attacker = registration
        attacker.username = "mallory1"
        let janesName = Self.account("jdoe2026", email, .pending)
        #expect(RegistrationDecision.decide(for: attacker, candidates: [janesName]) == .accept(superseding: []))
        attacker.username = "JDOE2026"
        attacker.email = "mallory@example.net"
        #expect(RegistrationDecision.decide(for: attacker, candidates: [janesName]) == .reject([.usernameTaken]))
    }

    @Test("conflicts with pending and active accounts of the address are reported as they are")
    func conflictsTogether() {
        let pending = Self.account("jdoe2026", "jane@example.org", .pending)
        let active = Self.account("janedoe1", "jane@example.org", .active)
        #expect(RegistrationDecision.decide(for: registration, candidates: [pending, active])
            == .reject([.usernameTaken, .emailTaken]))
        let other = Self.account("jdoe2025", "jane@example.org", .pending)
        let nameHolder = Self.account("JDOE2026", "x@example.org", .active)
        #expect(RegistrationDecision.decide(for: registration, candidates: [other, nameHolder])
            == .reject([.usernameTaken]))
    }

    @Test("an active account with another email does not block the email")
    func activeOtherEmail() {
        let active = Self.account("someone1", "jane@example.org.au", .active)
        #expect(RegistrationDecision.decide(for: registration, candidates: [active]) == .accept(superseding: []))
    }
}
