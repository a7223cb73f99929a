public import ActivationCore
public import Foundation
import ActivationSpool

/// `activationd status`: accounts by state, outbox by status, the oldest unsent mail, the spool backlog.
public enum StatusCommand {
    /// Everything the command shows.
    public struct Snapshot: Sendable, Equatable {
        /// Counts from the store.
        public var counts: StoreCounts
        /// Files waiting in the spool's new/.
        public var spoolBacklog: Int
        /// When the snapshot was taken.
        public var now: Date

        /// Age of the oldest unsent mail, in whole seconds.
        public var oldestUnsentAge: Int? {
            counts.oldestUnsentAt.map { max(0, Int(now.timeIntervalSince($0))) }
        }
    }

    /// Takes a snapshot.
    public static func snapshot(store: any AccountStore, spoolDirectory: String, now: Date = Date()) async throws
        -> Snapshot
    {
        Snapshot(counts: try await store.counts(), spoolBacklog: spoolBacklog(spoolDirectory), now: now)
    }

    /// Records waiting in `<spool>/new`, counted as the intake counts them for its backlog gauge.
    public static func spoolBacklog(_ spoolDirectory: String) -> Int {
        (try? SpoolDirectory(spoolDirectory).waitingNames().count) ?? 0
    }

    /// The snapshot as lines for a person.
    public static func text(_ snapshot: Snapshot) -> String {
        let accounts = AccountState.allCases.map { "\($0.rawValue) \(snapshot.counts.accounts[$0] ?? 0)" }
        let outbox = OutboxStatus.allCases.map { "\($0.rawValue) \(snapshot.counts.outbox[$0] ?? 0)" }
        let oldest = snapshot.oldestUnsentAge.map { "\($0)s" } ?? "none"
        return """
            accounts: \(accounts.joined(separator: ", "))
            outbox: \(outbox.joined(separator: ", "))
            oldest unsent mail: \(oldest)
            spool backlog: \(snapshot.spoolBacklog)
            """
    }

    /// The snapshot as one JSON object.
    public static func json(_ snapshot: Snapshot) -> String {
        let accounts = AccountState.allCases.map { "\(JSONText.quote($0.rawValue)):\(snapshot.counts.accounts[$0] ?? 0)" }
        let outbox = OutboxStatus.allCases.map { "\(JSONText.quote($0.rawValue)):\(snapshot.counts.outbox[$0] ?? 0)" }
        let oldest = snapshot.oldestUnsentAge.map(String.init) ?? "null"
        return "{\"accounts\":{\(accounts.joined(separator: ","))},\"outbox\":{\(outbox.joined(separator: ","))},"
            + "\"oldestUnsentAgeSeconds\":\(oldest),\"spoolBacklog\":\(snapshot.spoolBacklog)}"
    }
}
