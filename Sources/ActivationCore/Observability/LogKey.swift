/// The metadata keys and event names of activationd's log lines, kept in one place so that an
/// operator's grep keeps working. Every line carries `event`.
///
/// Never log a password, a token, a phrase or a full address: recipients appear as `rcpt_domain`.
/// Ids (accounts, registrations, messages) are written in lower case everywhere
/// (`UUID.lowercasedText`), as the store keeps them, so that one grep finds every line of an account.
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
    /// Why something was skipped or set aside, as a short word (`bounced`, `honeypot`).
    public static let reason = "reason"
    /// A delivery status notification's enhanced status code (`5.1.1`).
    public static let dsn = "dsn"
    /// A mail's kind (`activation`, `reminder`).
    public static let kind = "kind"
}

/// Event names for `LogKey.event`, shared by the targets below the daemon: the store, the courier, the
/// HTTP side. (Not `LogEvent`: swift-log has a type of that name.) Each target that logs events of
/// its own keeps them in one such type (`IntakeLogEvent`, `DaemonEvent`); a test lists every case
/// and checks that docs/operations.md documents it and that nothing is logged under another name.
public enum EventName: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A spool record became a pending account.
    case registrationAccepted = "registration.accepted"
    /// A spool record was set aside in rejected/.
    case registrationRejected = "registration.rejected"
    /// A spool record whose registration id was already stored was removed.
    case registrationDuplicate = "registration.duplicate"
    /// A pending account was replaced by a newer registration of the same username and address.
    case registrationSuperseded = "registration.superseded"
    /// The relay accepted a mail.
    case mailSent = "mail.sent"
    /// A mail will be retried.
    case mailDeferred = "mail.deferred"
    /// A mail was given up.
    case mailFailed = "mail.failed"
    /// A mail was no longer wanted (its account is gone or active).
    case mailCancelled = "mail.cancelled"
    /// A delivery status notification said a sent mail cannot be delivered; its row is bounced.
    case mailBounced = "mail.bounced"
    /// A delivery status notification said a sent mail is delayed (the remote server keeps trying).
    case mailDelayed = "mail.delayed"
    /// A message in the bounce mailbox was set aside unread by the bounce reader (not a report,
    /// or about no mail of ours), with its reason.
    case bounceSetAside = "bounce.set_aside"
    /// The bounce mailbox could not be read (missing, or not readable); it is tried again.
    case bounceMailboxError = "bounce.mailbox_error"
    /// Failed mail was queued again by `outbox retry`.
    case mailRequeued = "mail.requeued"
    /// The courier stopped.
    case courierStopped = "courier.stopped"
    /// The courier could not reach the store.
    case courierStoreError = "courier.store_error"
    /// Rows leased to this courier by a claim whose answer was lost were made due again.
    case courierLeasesReleased = "courier.leases_released"
    /// At start, rows leased by a courier that is gone (the store told it so: a SQLite file no
    /// other `serve` has open) were made due again.
    case courierLeasesRecovered = "courier.leases_recovered"
    /// A claimed mail waited so long for a free connection that its lease could run out during
    /// the send; it was not sent, and is due again when the lease ends.
    case courierLeaseShort = "courier.lease_short"
    /// A person activated their account.
    case accountActivated = "account.activated"
    /// A pending account was removed because another account with its email address was activated.
    case accountReplaced = "account.replaced"
    /// A pending account passed its expiry and was removed.
    case accountExpired = "account.expired"
    /// A reminder mail was queued.
    case reminderQueued = "account.reminder_queued"
    /// A listener reached its connection cap and stopped accepting until one closes.
    case httpConnectionsFull = "http.connections_full"
    /// A full listener accepts again.
    case httpConnectionsAvailable = "http.connections_available"
    /// The connection cap did not fit under the file limit beside the reserve, and was lowered.
    case httpConnectionsLowered = "http.connections_lowered"

    // The HTTP side's events.
    /// One line per HTTP request (at debug level: every mail scanner makes requests).
    case httpRequest = "http.request"
    /// A link locked after too many wrong passwords.
    case activationLocked = "activation.locked"
    /// A resend request queued the activation mail again.
    case activationResent = "activation.resent"
    /// A resend request was not acted on for a reason worth an operator's eye (`reason=bounced`:
    /// mail to the account's address bounced). The answer was the same 202.
    case activationResendSkipped = "activation.resend_skipped"
    /// A resend request failed in the store.
    case activationResendFailed = "activation.resend_failed"
    /// A registration from the page was written into the spool.
    case registrationSpooled = "registration.spooled"
    /// A registration the store already holds was sent from the page again (Back, a reload, a
    /// double click): answered as the first time, nothing written.
    case registrationResubmitted = "registration.resubmitted"
    /// A registration from the page was refused for abuse (honeypot, replayed characters).
    case registrationRefused = "registration.refused"

    // The PostgreSQL store's.
    /// One PostgreSQL call had no answer within the call timeout and was given up as a store failure.
    case storeCallTimeout = "store.call_timeout"

    /// The name, as logged.
    public var description: String { rawValue }
}
