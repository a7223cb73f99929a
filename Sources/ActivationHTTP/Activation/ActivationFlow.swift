import ActivationCore
import Foundation
import Logging

/// The activation rules, apart from HTTP: what a link shows, and what an attempt does.
struct ActivationFlow: Sendable {
    let store: any AccountStore
    let keys: KeyRing
    let confirm: ConfirmMode
    let verifier: PasswordVerifier
    let metrics: HTTPMetrics
    let logger: Logger
    let now: @Sendable () -> Date

    /// What the link shows (GET and HEAD). Reads only; never changes an account.
    ///
    /// The token is checked (signature, expiry) before the store is asked anything. A link whose
    /// account is gone says why when the store remembers (replaced by another account of the same
    /// address); a locked link stays locked, restart or not, since the count is in the store.
    func inspect(token: String?) async throws -> ActivationOutcome {
        let link: ActivationToken
        do {
            guard let token, !token.isEmpty else { return ActivationOutcome(.invalid) }
            link = try ActivationToken.verify(token, keys: keys, now: now())
        } catch {
            return ActivationOutcome(error.code == .expired ? .expired : .invalid)
        }
        guard let account = try await store.account(id: link.accountID) else {
            let reason = try await store.removalReason(accountID: link.accountID)
            return ActivationOutcome(reason == .replaced ? .replaced : .gone)
        }
        switch account.linkState(nonce: link.nonce, now: now(), attemptLimit: verifier.policy.current.attempts) {
        case .wrongLink: return ActivationOutcome(.invalid)
        case .active: return ActivationOutcome(.alreadyActive, account: account)
        case .locked(let until): return ActivationOutcome(.locked, lockedUntil: until)
        case .expired: return ActivationOutcome(.expired)
        case .ready: return ActivationOutcome(.ready, account: account, token: token)
        }
    }

    /// Activates the link's account if the password (or, in button mode, the press) allows.
    func activate(token: String?, password: String?) async throws -> ActivationOutcome {
        let (outcome, replaced) = try await attempt(token: token, password: password)
        metrics.activation(outcome.kind)
        if outcome.kind == .activated, let account = outcome.account {
            logger.info("account activated", metadata: [
                LogKey.event: "\(EventName.accountActivated)", LogKey.account: "\(account.id.lowercasedText)",
            ])
            for id in replaced {
                logger.info("pending account replaced by the activated one of its address", metadata: [
                    LogKey.event: "\(EventName.accountReplaced)", LogKey.account: "\(id.lowercasedText)",
                ])
            }
        } else if outcome.kind == .locked, outcome.attemptsLeft == 0, let account = outcome.account {
            logger.notice("activation link locked", metadata: [
                LogKey.event: "\(EventName.activationLocked)", LogKey.account: "\(account.id.lowercasedText)",
            ])
        }
        return outcome
    }

    /// The outcome, and the accounts an activation replaced.
    private func attempt(token: String?, password: String?) async throws -> (ActivationOutcome, [UUID]) {
        let state = try await inspect(token: token)
        guard state.kind == .ready, let account = state.account else { return (state, []) }

        if confirm == .password {
            guard let password, !password.isEmpty else {
                return (ActivationOutcome(.missingPassword, account: account, token: token), [])
            }
            switch try await verifier.verify(Secret(password), for: account, now: now) {
            case .correct:
                break
            case .wrong(let left):
                return (ActivationOutcome(.wrongPassword, account: account, token: token, attemptsLeft: left), [])
            case .locked(let until, let justNow):
                // attemptsLeft 0 marks the attempt that closed the lock, for the log.
                return (ActivationOutcome(.locked, account: account, attemptsLeft: justNow ? 0 : nil,
                                          lockedUntil: until), [])
            case .unavailable:
                // Activated, superseded or replaced while this request read it: say what it is now.
                return (try await inspect(token: token), [])
            }
        }
        // The nonce is the token's: `inspect` found it equal to the account's.
        switch try await store.activate(accountID: account.id, nonce: account.nonce, now: now()) {
        case .activated(let active, let replaced): return (ActivationOutcome(.activated, account: active), replaced)
        case .alreadyActive(let active): return (ActivationOutcome(.alreadyActive, account: active), [])
        case .expired: return (ActivationOutcome(.expired), [])
        case .nonceMismatch: return (ActivationOutcome(.invalid), [])
        case .notFound: return (try await inspect(token: token), [])
        }
    }
}
