/// The metadata keys and event names of activationd's log lines, kept in one place so that an
/// operator's grep keeps working. Every line carries `event`.
///
/// Never log a password, a token, a phrase or a full address: recipients appear as `rcpt_domain`.
public enum LogKey {
    /// The event name, such as `registration.accepted`.
    public static let event = "event"
    /// An account id.
    public static let account = "account"
    /// A registration id (the spool record's `id`).
    public static let registration = "registration"
    /// A spool file name (never its content).
    public static let file = "file"
    /// Problem codes, comma separated.
    public static let codes = "codes"
    /// An outbox row's Message-ID.
    public static let messageID = "message_id"
    /// The domain of a recipient address.
    public static let recipientDomain = "rcpt_domain"
    /// The SMTP relay, as host:port.
    public static let relay = "relay"
    /// Delivery attempts so far.
    public static let attempts = "attempts"
    /// Seconds from queueing to this attempt's end.
    public static let delay = "delay"
    /// The SMTP server's reply, or the transport error.
    public static let reply = "reply"
    /// A duration in seconds.
    public static let seconds = "seconds"
    /// An error's description (never containing a secret).
    public static let error = "error"
    /// A count.
    public static let count = "count"
    /// `false` when a delivery's outcome could not be recorded (the lease was lost or the store failed).
    public static let recorded = "recorded"
    /// Seconds until a deferred mail's next attempt.
    public static let retryIn = "retry_in"
}

/// Event names for `LogKey.event`.
public enum LogEvent {
    public static let registrationAccepted = "registration.accepted"
    public static let registrationRejected = "registration.rejected"
    public static let registrationDuplicate = "registration.duplicate"
    public static let registrationSuperseded = "registration.superseded"
    public static let mailSent = "mail.sent"
    public static let mailDeferred = "mail.deferred"
    public static let mailFailed = "mail.failed"
    public static let mailCancelled = "mail.cancelled"
    public static let mailRequeued = "mail.requeued"
    public static let courierStopped = "courier.stopped"
    public static let courierStoreError = "courier.store_error"
    public static let accountActivated = "account.activated"
    public static let accountExpired = "account.expired"
}
