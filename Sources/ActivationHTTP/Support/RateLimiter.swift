import ActivationCore
public import Foundation
import HTTPTypes
import Synchronization

/// A token bucket per key (a client address): `limit.requests` at once, refilled evenly over
/// `limit.per`. In memory, per process — a limit against floods from one address, not an
/// accounting; several hosts each apply it on their own.
///
/// The buckets live in two generations that are swapped once a window: a bucket untouched for a
/// whole window is full again and carries no information, so the older generation is dropped
/// whole. Every request costs one or two dictionary lookups however many addresses are known —
/// no scan of the table — and the dropped generation is freed outside the lock.
///
/// Public only as SPI, for the cost measurement of `make bench` (activationd-http-bench
/// `--rate-limiter`): `@_spi(Benchmarks) import ActivationHTTP`.
@_spi(Benchmarks) public final class RateLimiter: Sendable {
    private let settings: Reloadable<RateLimit>
    private var limit: RateLimit { settings.current }
    private let table: Mutex<BucketTable>

    /// `maximalKeys`: buckets kept in the current generation before it is swapped early, so that a
    /// scan of many addresses cannot grow memory without bound. An early swap forgets the buckets
    /// of the generation before (those addresses start full again): under such a flood the limit
    /// becomes approximate for them, and the cost per request stays the same.
    @_spi(Benchmarks) public init(_ limit: RateLimit, maximalKeys: Int = 100_000) {
        settings = Reloadable(limit)
        table = Mutex(BucketTable(maximalKeys: maximalKeys))
    }

    /// Changes the limit (a reload).
    func update(_ limit: RateLimit) {
        settings.replace(with: limit)
    }

    /// Takes one token for `key`; false when the bucket is empty (the request is refused).
    @_spi(Benchmarks) public func allow(_ key: String, now: Date) -> Bool {
        let limit = limit
        // `dropped` is freed when this function returns, after the lock: a dropped generation may
        // hold many buckets.
        let (allowed, dropped) = table.withLock { $0.take(key, limit: limit, now: now) }
        _ = dropped
        return allowed
    }

    /// Buckets held in both generations (for tests).
    var count: Int { table.withLock { $0.count } }
}

/// The two generations of buckets behind `RateLimiter`; a value type, so its logic is tested alone.
struct BucketTable {
    struct Bucket {
        var tokens: Double
        var updatedAt: Date
    }

    private(set) var current: [String: Bucket] = [:]
    private(set) var previous: [String: Bucket] = [:]
    /// When `current` was started; nil before the first request.
    private(set) var currentSince: Date?
    let maximalKeys: Int

    init(maximalKeys: Int) {
        self.maximalKeys = maximalKeys
    }

    var count: Int { current.count + previous.count }

    /// Takes one token for `key` under `limit` at `now`. Returns whether the request is allowed and
    /// the buckets dropped by a generation swap, for the caller to free outside its lock.
    ///
    /// Why dropping is exact: a bucket left in `previous` at a swap was last touched before
    /// `current` was started, at least one window ago, so it has refilled completely and a new full
    /// bucket is the same bucket. Only a swap forced by `maximalKeys` drops younger buckets.
    mutating func take(_ key: String, limit: RateLimit, now: Date) -> (allowed: Bool, dropped: [String: Bucket]) {
        let window = max(limit.per.timeInterval, 0.001)
        var dropped: [String: Bucket] = [:]
        if let since = currentSince {
            if now.timeIntervalSince(since) >= window { dropped = rotate(now: now) }
        } else {
            currentSince = now
        }

        let capacity = Double(limit.requests)
        var bucket = current[key] ?? previous.removeValue(forKey: key) ?? Bucket(tokens: capacity, updatedAt: now)
        let elapsed = max(0, now.timeIntervalSince(bucket.updatedAt))
        bucket.tokens = min(capacity, bucket.tokens + elapsed * capacity / window)
        bucket.updatedAt = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        current[key] = bucket
        if current.count > maximalKeys {
            dropped = rotate(now: now)
        }
        return (allowed, dropped)
    }

    /// `current` becomes `previous`; the old `previous` is returned to be freed.
    private mutating func rotate(now: Date) -> [String: Bucket] {
        let dropped = previous
        previous = current
        current = [:]
        currentSince = now
        return dropped
    }
}

extension RateLimit {
    /// Seconds until a refused client has a token again: one bucket refill step, at least 1.
    var retryAfterSeconds: Int { max(1, Int(per.timeInterval) / max(1, requests)) }

    /// The 429 for a client over this limit.
    func refusal(code: String) -> APIError {
        APIError(.tooManyRequests, code: code, message: "Too many requests from this address; try again later.",
                 headers: [.retryAfter: "\(retryAfterSeconds)"])
    }
}
