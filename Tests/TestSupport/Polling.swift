// The one way a test waits for something another task, thread or process does.
//
// A test never sleeps a fixed time and then looks (on a loaded machine the thing may not have
// happened yet; on an idle one the sleep is wasted), and never asserts that something did NOT
// happen after a sleep (assert it against a later event that proves time has passed: a record
// processed after it, a request answered after it). It polls instead: the bound is generous, a
// limit on a hang and never a measure of speed, and a timeout says what was last seen.

/// Polls `observe` every `interval` until `accept` holds of what it returned, for at most
/// `timeout`; returns the accepted value.
///
/// - Throws: `WaitTimeout` naming `what` and describing the last value observed (and the last
///   error `observe` threw, if any), or an error `accept` throws, or `CancellationError`.
@discardableResult
public func waitUntil<Value>(
    timeout: Duration = .seconds(60), interval: Duration = .milliseconds(20), _ what: String,
    observe: () async throws -> Value, _ accept: (Value) throws -> Bool
) async throws -> Value {
    let start = ContinuousClock.now
    var last: Value?
    var lastError: (any Error)?
    while true {
        do {
            let value = try await observe()
            last = value
            lastError = nil
            if try accept(value) { return value }
        } catch let error as WaitTimeout {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            lastError = error
        }
        guard ContinuousClock.now - start < timeout else {
            throw WaitTimeout(what: what, waited: ContinuousClock.now - start,
                              lastSeen: last.map { String(describing: $0) }, lastError: lastError)
        }
        try await Task.sleep(for: interval)
    }
}

/// Polls `condition` every `interval` until it holds, for at most `timeout`.
///
/// - Throws: `WaitTimeout` naming `what` (and the last error `condition` threw, if any).
public func waitUntil(
    timeout: Duration = .seconds(60), interval: Duration = .milliseconds(20), _ what: String,
    _ condition: () async throws -> Bool
) async throws {
    do {
        try await waitUntil(timeout: timeout, interval: interval, what, observe: condition) { $0 }
    } catch let timeout as WaitTimeout {
        // "last seen: false" says nothing.
        throw WaitTimeout(what: timeout.what, waited: timeout.waited, lastSeen: nil, lastError: timeout.lastError)
    }
}

/// A wait that ran out: what was awaited, for how long, and what was last seen instead.
public struct WaitTimeout: Error, CustomStringConvertible {
    public let what: String
    public let waited: Duration
    public let lastSeen: String?
    public let lastError: (any Error)?

    public init(what: String, waited: Duration, lastSeen: String?, lastError: (any Error)?) {
        self.what = what
        self.waited = waited
        self.lastSeen = lastSeen
        self.lastError = lastError
    }

    public var description: String {
        let seconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        var text = "timed out after \(Int(seconds.rounded())) s waiting until \(what)"
        if let lastSeen { text += "; last seen: " + (lastSeen.count > 2000 ? "…" + lastSeen.suffix(2000) : lastSeen) }
        if let lastError { text += "; last error: \(lastError)" }
        return text
    }
}
