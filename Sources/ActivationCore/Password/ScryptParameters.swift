/// scrypt's cost parameters: N = 2^`logN`, block size `r`, parallelism `p`.
///
/// The default (ln=17, r=8, p=1) is OWASP's recommendation: about half a second and 128 MiB per
/// hash on this project's machines in a release build.
public struct ScryptParameters: Sendable, Hashable, CustomStringConvertible {
    /// log2 of the CPU/memory cost N.
    public var logN: Int
    /// Block size.
    public var r: Int
    /// Parallelism.
    public var p: Int

    /// OWASP's recommendation.
    public static let `default` = ScryptParameters(logN: 17, r: 8, p: 1)

    /// The bounds a configuration or a stored hash may use: enough for any sane setting, small
    /// enough that a forged hash string cannot make `verify` allocate gigabytes.
    public static let logNRange = 1...20
    /// Bounds of `r`.
    public static let rRange = 1...32
    /// Bounds of `p`.
    public static let pRange = 1...16
    /// Most memory one derivation may need (512 MiB): the ranges above alone would let a forged
    /// hash string ask for `ln=20,r=32` — 4 GiB.
    public static let maximalMemoryBytes = 512 << 20

    /// Creates parameters.
    public init(logN: Int, r: Int, p: Int) {
        self.logN = logN
        self.r = r
        self.p = p
    }

    /// Whether every parameter is within bounds, and the memory they need too.
    public var isWithinBounds: Bool {
        Self.logNRange.contains(logN) && Self.rRange.contains(r) && Self.pRange.contains(p)
            && memoryBytes <= Self.maximalMemoryBytes
    }

    /// The bytes of memory one derivation needs (128 · N · r, plus 128 · r · p).
    public var memoryBytes: Int { 128 * (1 << logN) * r + 128 * r * p }

    /// `ln=17,r=8,p=1`, as in a PHC string.
    public var description: String { "ln=\(logN),r=\(r),p=\(p)" }
}
