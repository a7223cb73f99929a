import ActivationCore

/// `activationd keys generate`: one new line for the keys file.
public enum KeysCommand {
    /// A new `<key-id> <base64 secret>` line.
    public static func generateLine() -> String {
        SigningKey.generate().line
    }
}
