public import ActivationCore
public import Foundation

/// Decides what becomes of a row after an attempt: pure, so that it is tested without a server.
///
/// The n-th deferral waits `minimal × 2^(n-1)` capped at `maximal`, with "equal jitter": a random
/// point in the upper half of that wait, never below `minimal`. Spreading the retries keeps a
/// relay that comes back from being hit by the whole queue at the same instant.
public struct RetrySchedule: Sendable {
    /// The shortest wait.
    public let minimal: Duration
    /// The longest wait.
    public let maximal: Duration
    /// A mail older than this fails at its next temporary failure.
    public let queueLifetime: Duration

    /// Creates the schedule of `options`.
    public init(_ options: CourierOptions) {
        minimal = options.minimalBackoff
        maximal = max(options.maximalBackoff, options.minimalBackoff)
        queueLifetime = options.maximalQueueLifetime
    }

    /// The wait after the `attempts`-th attempt failed temporarily; `jitter` is in 0...1.
    public func backoff(afterAttempts attempts: Int, jitter: Double) -> Duration {
        let doublings = Double(min(max(attempts - 1, 0), 40))
        let ceiling = min(minimal.timeInterval * pow(2, doublings), maximal.timeInterval)
        let wait = ceiling / 2 + ceiling / 2 * min(max(jitter, 0), 1)
        return .milliseconds(Int64((max(wait, minimal.timeInterval) * 1000).rounded()))
    }

    /// What to record for `result`.
    ///
    /// - Parameters:
    ///   - attempts: attempts including this one.
    ///   - queuedAt: when the row was queued.
    ///   - now: when the attempt ended.
    ///   - jitter: a random number in 0...1, drawn only for a deferral (each draw is a
    ///     `getrandom` call, and most attempts are sent).
    public func outcome(of result: SMTPResult, attempts: Int, queuedAt: Date, now: Date,
                        jitter: @autoclosure () -> Double)
        -> DeliveryOutcome
    {
        switch result.status {
        case .sent:
            return .sent(reply: result.reply)
        case .permanentFailure:
            return .failed(reply: result.reply)
        case .temporaryFailure:
            if now.timeIntervalSince(queuedAt) >= queueLifetime.timeInterval {
                return .failed(reply: "queue lifetime exceeded; last reply: \(result.reply)")
            }
            let wait = backoff(afterAttempts: attempts, jitter: jitter())
            return .deferred(reply: result.reply, retryAt: now.addingTimeInterval(wait.timeInterval))
        }
    }
}
