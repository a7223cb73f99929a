// ActivationMail — activation and reminder mail: composition, templates, SMTP through libcurl,
// and the Courier service that drains the outbox.
//
// Owns: the MIME form of a message, the shipped templates, the only code that calls `curl_*`
// (`CurlSMTPTransport`), the retry schedule, and the `mail.*` log lines and `activationd_mail_*`
// metrics. Untrusted: SMTP replies (logged only after control characters are removed, and
// classified by their code only), operator templates (their output is checked before it reaches a
// header), and account names and addresses (validated again before they reach a header or the
// envelope, although intake checked them).

/// Why a mail could not be composed or handed to the transport. The description never contains a
/// token, a link, a password or a full address.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reasons.
    public enum Code: String, Sendable {
        /// A header value would carry CR, LF, NUL or another control character.
        case headerInjection
        /// An envelope or header address is not a valid address.
        case invalidAddress
        /// A template file could not be read or parsed.
        case template
        /// The SMTP options are unusable (bad URL, bad sender).
        case configuration
    }

    /// The reason.
    public let code: Code
    /// Which field or file, without its value.
    public let detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `mail refused (code): detail`.
    public var description: String { "mail refused (\(code.rawValue)): \(detail)" }
}
