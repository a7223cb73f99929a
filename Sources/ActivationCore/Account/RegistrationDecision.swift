public import Foundation

/// What becomes of a valid registration given the accounts that already hold its username or
/// email: the store-dependent rules of DESIGN.md, decided in one place for every store.
///
/// - `email.taken`: an *active* account has this email (compared case-insensitively).
/// - supersede: a *pending* account whose folded username **and** email both match the
///   registration's is replaced by it (the same person trying again after a lost mail); its
///   username does not count as taken for the new registration.
/// - `username.taken`: any other pending or active account has this username (case-insensitively).
///
/// A pending account with the same email and another username is left alone: it stays pending
/// beside the new one, and the store removes it only when one of them is activated. Superseding on
/// the email alone let anyone who knew a person's address cancel their pending registration.
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
        let superseded = candidates.filter {
            $0.state == .pending && $0.usernameKey == usernameKey && $0.emailKey == emailKey
        }
        let supersededIDs = Set(superseded.map(\.id))

        var problems: [RegistrationProblem] = []
        if candidates.contains(where: { $0.usernameKey == usernameKey && !supersededIDs.contains($0.id) }) {
            problems.append(.usernameTaken)
        }
        if candidates.contains(where: { $0.emailKey == emailKey && $0.state == .active }) {
            problems.append(.emailTaken)
        }
        if !problems.isEmpty { return .reject(problems) }
        return .accept(superseding: superseded.map(\.id).sorted { $0.lowercasedText < $1.lowercasedText })
    }
}
