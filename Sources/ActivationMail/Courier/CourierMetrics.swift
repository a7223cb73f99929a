public import CoreMetrics
import Metrics

/// The courier's metrics, named `activationd_mail_*`.
struct CourierMetrics: Sendable {
    /// Mails the relay accepted.
    let sent: Counter
    /// Attempts that failed temporarily.
    let deferred: Counter
    /// Mails given up (5xx, queue lifetime, account gone or link expired).
    let failed: Counter
    /// How long each SMTP send took.
    let sendDuration: Timer
    /// Rows queued or being sent.
    let queueDepth: Gauge
    /// Age in seconds of the oldest row queued or being sent; 0 when none.
    let oldestQueuedAge: Gauge

    init(factory: any MetricsFactory) {
        sent = Counter(label: "activationd_mail_sent_total", factory: factory)
        deferred = Counter(label: "activationd_mail_deferred_total", factory: factory)
        failed = Counter(label: "activationd_mail_failed_total", factory: factory)
        sendDuration = Timer(label: "activationd_mail_send_duration_seconds", preferredDisplayUnit: .seconds,
                             factory: factory)
        queueDepth = Gauge(label: "activationd_mail_queue_depth", factory: factory)
        oldestQueuedAge = Gauge(label: "activationd_mail_oldest_queued_age_seconds", factory: factory)
    }
}
