public import ActivationCore
public import Foundation

/// Builders for registrations and accounts that the contract checks store.
public struct ContractFixtures: Sendable {
    /// The fixed "now" every check starts from.
    public let now = Date(timeIntervalSince1970: 1_800_000_000)
    /// The activation lifetime the fixtures use.
    public let lifetime = Duration.seconds(30 * 24 * 3600)

    /// Creates fixtures.
    public init() {}

    /// A valid registration.
    public func registration(username: String, email: String, id: UUID = UUID()) -> Registration {
        Registration(
            id: id, submittedAt: now, username: username, firstName: "Jane", lastName: "Doe",
            email: email, confirmEmail: email, password: Secret("Secr3tPass"),
            confirmPassword: Secret("Secr3tPass"), passwordPhrase: Secret("blue heron at dawn"),
            acceptedConditions: true)
    }

    /// The pending account intake would make of `registration` at `at`.
    public func account(for registration: Registration, at: Date? = nil) -> Account {
        Account.pending(from: registration, passwordHash: "$scrypt$ln=10,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
                        now: at ?? now, lifetime: lifetime)
    }
}

/// A failed contract expectation that `#expect` cannot express (an unexpected enum case).
struct ContractViolation: Error, CustomStringConvertible {
    let description: String
}

extension AccountStore {
    /// Registers and returns the created account, failing on any other result.
    func mustRegister(_ registration: Registration, _ fixtures: ContractFixtures, at: Date? = nil) async throws
        -> (account: Account, activation: OutboxMessage, superseded: [UUID])
    {
        let result = try await register(registration, as: fixtures.account(for: registration, at: at),
                                         now: at ?? fixtures.now)
        guard case .created(let account, let activation, let superseded) = result else {
            throw ContractViolation(description: "expected created, got \(result)")
        }
        return (account, activation, superseded)
    }

    /// Registers, then activates, and returns the active account.
    func mustRegisterActive(_ registration: Registration, _ fixtures: ContractFixtures) async throws -> Account {
        let (account, _, _) = try await mustRegister(registration, fixtures)
        let result = try await activate(accountID: account.id, nonce: account.nonce, now: fixtures.now)
        guard case .activated(let active, _) = result else {
            throw ContractViolation(description: "expected activated, got \(result)")
        }
        return active
    }
}
