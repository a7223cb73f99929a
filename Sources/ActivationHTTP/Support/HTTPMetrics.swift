import Metrics

/// The HTTP side's counters, made once per server from one factory (the daemon's bootstrapped
/// `MetricsSystem`, Prometheus in production) for every label value they can take, and handed to
/// the activation flow, the resend controller and queue, and the registration page.
final class HTTPMetrics: Sendable {
    private let activations: [ActivationOutcome.Kind: Counter]
    private let resends: [ResendResult: Counter]
    private let submissions: [SubmissionResult: Counter]

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        activations = Dictionary(uniqueKeysWithValues: ActivationOutcome.Kind.allCases.map {
            ($0, Counter(label: "activationd_activations_total", dimensions: [("outcome", $0.rawValue)], factory: factory))
        })
        resends = Dictionary(uniqueKeysWithValues: ResendResult.allCases.map {
            ($0, Counter(label: "activationd_resend_requests_total", dimensions: [("result", $0.rawValue)], factory: factory))
        })
        submissions = Dictionary(uniqueKeysWithValues: SubmissionResult.allCases.map {
            ($0, Counter(label: "activationd_registration_submissions_total", dimensions: [("result", $0.rawValue)],
                         factory: factory))
        })
    }

    /// `activationd_activations_total{outcome}`: one per activation attempt (`POST /activate` or
    /// `POST /api/v1/activations`), by outcome.
    func activation(_ outcome: ActivationOutcome.Kind) {
        activations[outcome]?.increment()
    }

    /// `activationd_resend_requests_total{result}`: requests to mail a link again, from `POST /resend`
    /// and from the registration page (a form naming a pending account's own username and address).
    func resend(_ result: ResendResult) {
        resends[result]?.increment()
    }

    /// `activationd_registration_submissions_total{result}`: `POST /register` by result.
    func submission(_ result: SubmissionResult) {
        submissions[result]?.increment()
    }

    /// The `result` of a request to mail a link again.
    enum ResendResult: String, CaseIterable, Sendable {
        /// The mail was queued.
        case queued
        /// Cooldown, daily cap, unknown or active account — not told apart, as the answer is not.
        case refused
        /// Mail to the account's address bounced: no more copies until the person registers again.
        case bounced
        /// The per-address limit (`POST /resend` only).
        case limited
        /// The queue was full (`POST /resend` only).
        case dropped
    }

    /// The `result` of a `POST /register`.
    enum SubmissionResult: String, CaseIterable, Sendable {
        /// Written into the spool.
        case spooled
        /// A registration the store holds, sent again: nothing written.
        case again
        /// A rule, the store's answer or the characters.
        case invalid
        /// A solved token sent with other content or from another browser.
        case reused
        /// The hidden field was filled.
        case honeypot
        /// The per-address limit.
        case limited
    }
}

/// `activationd_http_connections_closed_total{listener,reason}` of one listener, made once when the
/// listener's server is built and shared by its connections.
struct ConnectionCloseCounters: Sendable {
    private let counters: [ConnectionWatch.Reason: Counter]

    init(listener: String, factory: any MetricsFactory = MetricsSystem.factory) {
        counters = Dictionary(uniqueKeysWithValues: ConnectionWatch.Reason.allCases.map {
            ($0, Counter(label: "activationd_http_connections_closed_total",
                         dimensions: [("listener", listener), ("reason", $0.rawValue)], factory: factory))
        })
    }

    /// Counts one connection closed by the server for `reason`.
    func closed(_ reason: ConnectionWatch.Reason) {
        counters[reason]?.increment()
    }
}
