import Metrics

/// The counters of the HTTP side. It holds nothing: each call makes its `Counter` from whatever
/// `MetricsSystem` the daemon bootstrapped (Prometheus in production), which hands back the same
/// series for the same label and dimensions. One value is shared by the activation flow, the resend
/// controller and the resend queue.
struct HTTPMetrics: Sendable {
    /// `activationd_activations_total{outcome}`: one per activation attempt (`POST /activate` or
    /// `POST /api/v1/activations`), by outcome.
    func activation(_ outcome: ActivationOutcome.Kind) {
        Counter(label: "activationd_activations_total", dimensions: [("outcome", outcome.rawValue)]).increment()
    }

    /// `activationd_resend_requests_total{result}`: requests to mail a link again, from `POST /resend`
    /// and from the registration page (a form naming a pending account's own username and address);
    /// `queued`, `refused` (cooldown, daily cap, unknown or active account — not told apart, as the
    /// answer is not), `bounced` (mail to the account's address bounced: no more copies until the
    /// person registers again); `limited` (per-address limit) and `dropped` (queue full) come from
    /// `POST /resend` only.
    func resend(_ result: String) {
        Counter(label: "activationd_resend_requests_total", dimensions: [("result", result)]).increment()
    }
}
