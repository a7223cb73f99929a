public import ActivationCore
public import Foundation

/// `activationd outbox retry`: returns failed mail to the queue, so the courier sends it again.
public enum OutboxRetryCommand {
    /// Requeues failed mail in `store` and writes `requeued N failed mail(s)` to `output`.
    /// Returns the exit status: 0, or 74 when the store fails.
    public static func run(store: any AccountStore, now: Date = Date(), output: (String) -> Void,
                           errors: (String) -> Void) async -> ExitStatus {
        do {
            let count = try await store.requeueFailed(now: now)
            output("requeued \(count) failed mail\(count == 1 ? "" : "s")")
            return .ok
        } catch {
            errors("activationd outbox retry: \(error)")
            return .ioError
        }
    }
}
