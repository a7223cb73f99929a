@_spi(Benchmarks) import ActivationHTTP
import Foundation

/// `activationd-http-bench --rate-limiter`: the time of one per-address limit decision with
/// 200,000 addresses in the table against 1,000 (scripts/bench-limiter.sh, a row of `make bench`).
/// A table that scanned itself per request would make the ratio grow with the addresses; the
/// two-generation table keeps it near 1. Measured here and not asserted in `make test`, whose
/// suites share the cores with every other suite.
enum RateLimiterCost {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Seconds for 2,000 decisions (the fastest of `rounds`) with `keys` addresses in the table.
    static func secondsPerRound(keys: Int, rounds: Int) -> Double {
        // The default maximalKeys (100,000), as the server has it: 200,000 addresses swap generations early.
        let limiter = RateLimiter(RateLimit(requests: 10, per: .seconds(600)))
        for index in 0..<keys { _ = limiter.allow("2001:db8::\(index)", now: start) }
        let clock = ContinuousClock()
        var fastest = Double.infinity
        for round in 0..<rounds {
            let timing = clock.now
            for index in 0..<2000 { _ = limiter.allow("2001:db8::\((round * 2000 + index) % keys)", now: start) }
            let elapsed = clock.now - timing
            fastest = min(fastest, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return fastest
    }

    static func run() {
        let rounds = 9
        let small = secondsPerRound(keys: 1_000, rounds: rounds)
        let large = secondsPerRound(keys: 200_000, rounds: rounds)
        print(String(format: "ratelimiter.small_us %.3f (one decision, 1,000 addresses; fastest of %d rounds)",
                     small / 2000 * 1e6, rounds))
        print(String(format: "ratelimiter.large_us %.3f (one decision, 200,000 addresses)", large / 2000 * 1e6))
        print(String(format: "ratelimiter.ratio %.2f (200,000 / 1,000 addresses; target <= 20)", large / small))
    }
}
