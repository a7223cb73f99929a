public import Foundation

/// What becomes of a valid registration given the accounts that already hold its username or
/// email: the store-dependent rules of DESIGN.md, decided in one place for every store.
///
/// - `email.taken`: an *active* account has this email (compared case-insensitively).
/// - supersede: *pending* accounts with this email are replaced by the new registration; their
///   usernames do not count as taken for it.
/// - `username.taken`: any other pending or active account has this username (case-insensitively).
///
/// Both conflicts are reported together. Nothing is superseded unless the registration is accepted.
public enum RegistrationDecision: Sendable, Equatable {
    /// Accept; remove these pending accounts (and cancel their queued mail) in the same transaction.
    case accept(superseding: [UUID])
    /// Refuse with these problems.
    case reject([RegistrationProblem])

    /// Decides for `registration`.
    ///
    /// - Parameter candidates: every stored account whose username key equals the registration's
    ///   or whose email key equals the registration's (more accounts are harmless).
    public static func decide(for registration: Registration, candidates: [Account]) -> RegistrationDecision {
        let usernameKey = registration.usernameKey
        let emailKey = registration.emailKey
        let sameEmail = candidates.filter { $0.emailKey == emailKey }
        let superseded = sameEmail.filter { $0.state == .pending }
        let supersededIDs = Set(superseded.map(\.id))

        var problems: [RegistrationProblem] = []
        if candidates.contains(where: { $0.usernameKey == usernameKey && !supersededIDs.contains($0.id) }) {
            problems.append(.usernameTaken)
        }
        if sameEmail.contains(where: { $0.state == .active }) {
            problems.append(.emailTaken)
        }
        if !problems.isEmpty { return .reject(problems) }
        return .accept(superseding: superseded.map(\.id).sorted { $0.uuidString < $1.uuidString })
    }
}
