public import Foundation

/// What becomes of a valid registration given the accounts that already hold its username or
/// email: the store-dependent rules of docs/contracts.md ("Registration rules"), decided in one
/// place for every store.
///
/// - `email.taken`: an *active* account has this email (compared case-insensitively).
/// - `username.taken`: any pending or active account has this username (case-insensitively),
///   whatever its email.
///
/// Nothing an anonymous registration says cancels a pending account. A pending
/// account with the same username **and** email used to be superseded by the new registration (the
/// same person after a lost mail); with the registration page's answers that told which email a
/// pending username belongs to, and one more post put the poster's password on the victim's
/// registration. Now that registration is refused like any other for the username, and the
/// pending account stays with its own link and password: the owner of the address decides by
/// following it (the registration page mails it again). A pending account with the same email and
/// another username is left alone too: it stays pending beside the new one, and the store removes
/// it only when one of them is activated.
///
/// Both conflicts are reported together.
public enum RegistrationDecision: Sendable, Equatable {
    /// Accept; remove these pending accounts (and cancel their queued mail) in the same transaction.
    /// Always empty since nothing supersedes a pending account any more; kept so that the stores'
    /// transactions need no change.
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
        var problems: [RegistrationProblem] = []
        if candidates.contains(where: { $0.usernameKey == usernameKey }) {
            problems.append(.usernameTaken)
        }
        if candidates.contains(where: { $0.emailKey == emailKey && $0.state == .active }) {
            problems.append(.emailTaken)
        }
        if !problems.isEmpty { return .reject(problems) }
        return .accept(superseding: [])
    }
}
