import ActivationCore
import HummingbirdCore
import Logging
import Metrics

/// How many connections a listener serves at once: Hummingbird's accept loop asks it before each
/// accept, so past `maximal` new connections wait in the kernel's backlog and no file descriptor
/// is spent on them.
///
/// It also says when to give memory back: once the count falls to an eighth of a burst's peak,
/// `MemoryTrim.afterBurst()`.
struct ConnectionBudget: AvailableConnectionsDelegate {
    let maximal: Int
    let listener: String
    let logger: Logger
    private var open = 0
    private var peak = 0
    private var full = false
    private let gauge: Gauge

    /// Bursts smaller than this leave too little to give back to be worth a trim.
    static let trimAfterPeak = 64

    init(maximal: Int, listener: String, logger: Logger) {
        self.maximal = maximal
        self.listener = listener
        self.logger = logger
        gauge = Gauge(label: "activationd_http_connections", dimensions: [("listener", listener)])
    }

    mutating func connectionOpened() {
        open += 1
        peak = max(peak, open)
        gauge.record(open)
        if open >= maximal, !full {
            full = true
            logger.warning("connection limit reached; new connections wait", metadata: [
                LogKey.event: "\(EventName.httpConnectionsFull)", "listener": "\(listener)", "connections": "\(open)",
            ])
        }
    }

    mutating func connectionClosed() {
        open -= 1
        gauge.record(open)
        if full, open < maximal * 9 / 10 {
            full = false
            logger.notice("connections below the limit again", metadata: [
                LogKey.event: "\(EventName.httpConnectionsAvailable)", "listener": "\(listener)", "connections": "\(open)",
            ])
        }
        if peak >= Self.trimAfterPeak, open <= peak / 8 {
            peak = open
            MemoryTrim.afterBurst()
        }
    }

    func isAcceptingNewConnections() -> Bool {
        open < maximal
    }
}
