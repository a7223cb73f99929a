/// The states an account row can be in. Expiry, supersession and replacement remove the row, so
/// "removed" is not a stored state (the store remembers why for a while: `RemovalReason`).
///
/// ```
/// pending ──activate (token nonce + password)──▶ active
///    ├────expiry / superseded by a newer registration of the same username and email──▶ (row removed)
///    └────another pending account of the same email activated (replaced)──▶ (row removed)
/// ```
public enum AccountState: String, Sendable, Codable, CaseIterable {
    /// Registered; waiting for the person to follow the activation link.
    case pending
    /// Activated by the person.
    case active

    /// Whether `activate` may move an account in this state to `active`.
    public var canActivate: Bool { self == .pending }
}
