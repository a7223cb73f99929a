import ActivationCore
import Foundation
import HTTPTypes
import Synchronization

/// A token bucket per key (a client address): `limit.requests` at once, refilled evenly over
/// `limit.per`. In memory, per process — a limit against floods from one address, not an
/// accounting; several hosts each apply it on their own.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: Date
    }

    private let settings: Mutex<RateLimit>
    private var limit: RateLimit { settings.withLock { $0 } }
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Buckets kept before full ones are dropped, so that a scan of many addresses cannot grow
    /// memory without bound (a full bucket carries no information).
    private let maximalKeys = 100_000

    init(_ limit: RateLimit) {
        settings = Mutex(limit)
    }

    /// Changes the limit (a reload).
    func update(_ limit: RateLimit) {
        settings.withLock { $0 = limit }
    }

    /// Takes one token for `key`; false when the bucket is empty (the request is refused).
    func allow(_ key: String, now: Date) -> Bool {
        let limit = limit
        let capacity = Double(limit.requests)
        let perSecond = capacity / max(limit.per.timeInterval, 0.001)
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updatedAt: now)
            let elapsed = max(0, now.timeIntervalSince(bucket.updatedAt))
            bucket.tokens = min(capacity, bucket.tokens + elapsed * perSecond)
            bucket.updatedAt = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            if buckets.count > maximalKeys {
                let window = limit.per.timeInterval
                buckets = buckets.filter { now.timeIntervalSince($0.value.updatedAt) < window }
            }
            return allowed
        }
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
