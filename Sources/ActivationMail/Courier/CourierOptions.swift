/// The `courier.*` settings, after Postfix's queue settings of similar names.
public struct CourierOptions: Sendable {
    /// `courier.minimal_backoff`: the shortest wait before retrying a deferred mail. Default 30 s.
    public var minimalBackoff: Duration
    /// `courier.maximal_backoff`: the longest wait between attempts. Default 1 h.
    public var maximalBackoff: Duration
    /// `courier.maximal_queue_lifetime`: a mail still deferred this long after it was queued
    /// fails. Default 2 d.
    public var maximalQueueLifetime: Duration
    /// How long a claimed row stays leased to this courier; after a crash the row is due again
    /// once the lease runs out. No send starts under a lease that could end before the send does
    /// (`SMTPTransport.sendTimeLimit`, 8 × `smtp.timeout`); the daemon makes it at least twice
    /// that. Default 5 min.
    public var lease: Duration
    /// How often an idle courier looks for due mail, and refreshes the queue gauges (at most once
    /// a second, however short this is). Default 1 s.
    public var pollInterval: Duration
    /// Rows kept in flight at once (claimed and not yet recorded); the next batch is claimed when
    /// half are done. Large enough that no worker waits for the store and that claims and
    /// records come in batches: a transaction costs about twenty rows' worth. Default 64.
    public var window: Int

    /// The window the daemon uses for `connections` SMTP connections: 16 a connection, at least 64.
    public static func window(connections: Int) -> Int {
        max(64, 16 * connections)
    }

    /// Creates options; every parameter defaults to the documented default.
    public init(
        minimalBackoff: Duration = .seconds(30), maximalBackoff: Duration = .seconds(3600),
        maximalQueueLifetime: Duration = .seconds(2 * 86_400), lease: Duration = .seconds(300),
        pollInterval: Duration = .seconds(1), window: Int = 64
    ) {
        self.minimalBackoff = minimalBackoff
        self.maximalBackoff = maximalBackoff
        self.maximalQueueLifetime = maximalQueueLifetime
        self.lease = lease
        self.pollInterval = pollInterval
        self.window = window
    }
}
