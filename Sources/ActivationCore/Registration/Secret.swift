/// A string that must never be shown: a password or a password protection phrase.
///
/// `description`, `debugDescription` and the reflection mirror all print a fixed placeholder, so a
/// secret interpolated into a log line, a panic message or `dump()` by mistake stays secret.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself. Read it only where it is needed (hashing, comparison, display to its owner).
    public let value: String

    /// Wraps a secret value.
    public init(_ value: String) { self.value = value }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
