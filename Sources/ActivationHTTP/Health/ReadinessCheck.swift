/// One thing `/readyz` checks besides the store, such as "the spool directory is writable".
/// The daemon supplies them; this library does no file I/O of its own.
public struct ReadinessCheck: Sendable {
    /// The name in `/readyz`'s answer, such as `spool`.
    public var name: String
    /// Throws, or returns false, when not ready. Should take milliseconds.
    public var check: @Sendable () async throws -> Bool

    /// A check named `name`.
    public init(name: String, check: @escaping @Sendable () async throws -> Bool) {
        self.name = name
        self.check = check
    }
}
