// activationd-bench — micro-benchmarks of the core, run by `make bench` in a release build.
//
// Prints one `name value unit` line per measurement (medians of several runs), so that
// scripts/bench.sh can set them beside their ceilings measured in the same run.
import ActivationCore
import Foundation

/// The median of `runs` results of `body`.
func median(_ runs: Int, _ body: () throws -> Double) rethrows -> Double {
    var results: [Double] = []
    for _ in 0..<runs { results.append(try body()) }
    results.sort()
    return results[results.count / 2]
}

/// Calls `body` repeatedly for about `seconds` and returns calls per second.
func rate(seconds: Double = 1.0, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var calls = 0
    let start = clock.now
    var elapsed = 0.0
    while elapsed < seconds {
        for _ in 0..<256 { body() }
        calls += 256
        elapsed = (clock.now - start).timeInterval
    }
    return Double(calls) / elapsed
}

let arguments = CommandLine.arguments.dropFirst()
let selected = Set(arguments)
func wanted(_ name: String) -> Bool { selected.isEmpty || selected.contains(name) }

if wanted("token") {
    let keys = try KeyRing(keys: [SigningKey.generate().key])
    let accountID = UUID()
    let nonce = ActivationToken.makeNonce()
    let expiry = Date().addingTimeInterval(30 * 86_400)
    let now = Date()
    var sink = 0
    let sign = median(5) {
        rate { sink &+= ActivationToken.sign(accountID: accountID, expiresAt: expiry, nonce: nonce, keys: keys).utf8.count }
    }
    let token = ActivationToken.sign(accountID: accountID, expiresAt: expiry, nonce: nonce, keys: keys)
    let verify = median(5) {
        rate { sink &+= (try? ActivationToken.verify(token, keys: keys, now: now))?.nonce.count ?? 0 }
    }
    print("token.sign \(Int(sign)) ops/s")
    print("token.verify \(Int(verify)) ops/s")
    if sink == 42 { print("") }
}

if wanted("scrypt") {
    let logN = Int(ProcessInfo.processInfo.environment["SCRYPT_LOG_N"] ?? "17") ?? 17
    let hasher = PasswordHasher(parameters: ScryptParameters(logN: logN, r: 8, p: 1))
    let clock = ContinuousClock()
    _ = try hasher.hash(Secret("warm-up Pass1"))
    let seconds = try median(5) {
        let start = clock.now
        _ = try hasher.hash(Secret("Secr3tPass"))
        return (clock.now - start).timeInterval
    }
    print("scrypt.hash.ln\(logN) \(String(format: "%.1f", seconds * 1000)) ms")
}
