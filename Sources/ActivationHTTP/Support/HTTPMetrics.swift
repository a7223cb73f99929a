import Metrics

/// The counters of the HTTP side, created once from whatever `MetricsSystem` the daemon
/// bootstrapped (Prometheus in production).
struct HTTPMetrics: Sendable {
    /// `activationd_activations_total{outcome}`: one per activation attempt (`POST`), by outcome.
    func activation(_ outcome: ActivationOutcome.Kind) {
        Counter(label: "activationd_activations_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }

    /// `activationd_resend_requests_total{result}`: `POST /resend` requests; `queued`, `refused`
    /// (cooldown, daily cap, unknown or active account — not told apart, as the answer is not),
    /// `limited` (per-address limit), `dropped` (queue full), `bounced` (mail to the account's
    /// address bounced: no more copies until the person registers again).
    func resend(_ result: String) {
        Counter(label: "activationd_resend_requests_total", dimensions: [("result", result)]).increment()
    }
}
