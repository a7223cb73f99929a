public import ActivationCore

extension LogKey {
    /// An HTTP request method.
    public static let httpMethod = "method"
    /// An HTTP request path, never its query string (which carries tokens).
    public static let httpPath = "path"
    /// An HTTP response status code.
    public static let httpStatus = "status"
    /// An activation attempt's outcome, as in the `outcome` label of the metrics.
    public static let outcome = "outcome"
}

extension EventName {
    /// One line per HTTP request (at debug level: every mail scanner makes requests).
    public static let httpRequest = "http.request"
    /// A link locked after too many wrong passwords.
    public static let activationLocked = "activation.locked"
    /// A resend request queued the activation mail again.
    public static let activationResent = "activation.resent"
    /// A resend request was not acted on for a reason worth an operator's eye (`reason=bounced`:
    /// mail to the account's address bounced). The answer was the same 202.
    public static let activationResendSkipped = "activation.resend_skipped"
    /// A resend request failed in the store.
    public static let activationResendFailed = "activation.resend_failed"
    /// A registration from the page was written into the spool.
    public static let registrationSpooled = "registration.spooled"
    /// A registration the store already holds was sent from the page again (Back, a reload, a
    /// double click): answered as the first time, nothing written.
    public static let registrationResubmitted = "registration.resubmitted"
    /// A registration from the page was refused for abuse (honeypot, replayed characters).
    public static let registrationRefused = "registration.refused"
}
