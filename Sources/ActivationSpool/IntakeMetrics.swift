public import CoreMetrics
import Metrics

/// The intake's metrics: `activationd_registrations_total{outcome}` and `activationd_spool_backlog`.
///
/// Outcomes: `accepted`, `rejected`, `duplicate` (one per spool file taken in; their sum is the
/// files processed), `superseded` (earlier pending accounts replaced by an accepted one), and
/// `deferred` (a store or file-system error left the file for the next rescan), `remailed` (a record
/// naming a pending account's own username and email: that account's link mailed again, within the
/// resend limits, and the record removed).
public struct IntakeMetrics: Sendable {
    /// The counter's name.
    public static let registrationsLabel = "activationd_registrations_total"
    /// The gauge's name.
    public static let backlogLabel = "activationd_spool_backlog"

    let accepted: Counter
    let rejected: Counter
    let duplicate: Counter
    let superseded: Counter
    let deferred: Counter
    let remailed: Counter
    let backlog: Gauge

    /// The metrics, made by `factory` (the bootstrapped one by default; tests pass their own).
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        func counter(_ outcome: String) -> Counter {
            Counter(label: Self.registrationsLabel, dimensions: [("outcome", outcome)], factory: factory)
        }
        accepted = counter("accepted")
        rejected = counter("rejected")
        duplicate = counter("duplicate")
        superseded = counter("superseded")
        deferred = counter("deferred")
        remailed = counter("remailed")
        backlog = Gauge(label: Self.backlogLabel, factory: factory)
    }
}
