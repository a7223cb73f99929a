/// Why a pending account was removed before it could be activated, remembered by the store
/// (`AccountStore.removalReason`) so that its still-authentic links can say so.
///
/// Expiry is not among them: a link's token expires with its account, and is answered as expired
/// before the store is asked.
public enum RemovalReason: String, Sendable, Codable, CaseIterable {
    /// A newer registration with the same username and email replaced it (the same person again).
    case superseded
    /// Another pending account with the same email address was activated.
    case replaced
}
