import ActivationCore
public import Foundation

extension FuzzTargets {
    /// The PHC string parser: a stored password hash, read back from the store for every
    /// activation with a password.
    ///
    /// Properties: a string that parses is exactly the string its parse prints (one spelling per
    /// hash, as the format promises); out-of-bounds parameters are refused by `verify` without
    /// deriving anything; within small bounds, a hash made with the parsed parameters verifies its
    /// password and no other.
    public static func phcString(_ data: Data) throws {
        let target = "phc"
        let text = String(decoding: data, as: UTF8.self)
        guard let parsed = PHCString(parsing: text) else {
            fuzzSink(PasswordHasher.verify(Secret("password"), against: text))
            return
        }
        try require(parsed.encoded == text, target, "a parsed PHC string prints back as itself")
        try require(PHCString(parsing: parsed.encoded) == parsed, target, "a printed PHC string parses to the same value")
        let parameters = parsed.parameters
        let bounded = parameters.isWithinBounds
        // Only cheap derivations: the fuzzer runs thousands a second.
        guard bounded, parameters.logN <= 4, parameters.r <= 4, parameters.p <= 2 else {
            if !bounded {
                try require(!PasswordHasher.verify(Secret("password"), against: text), target,
                            "out-of-bounds parameters never verify")
            }
            return
        }
        fuzzSink(PasswordHasher.verify(Secret("password"), against: text))
        guard let made = try? PasswordHasher(parameters: parameters).hash(Secret("Fuzz1234")) else {
            throw PropertyViolation(target, "parameters within bounds can hash")
        }
        try require(PasswordHasher.verify(Secret("Fuzz1234"), against: made), target, "a hash we made verifies its password")
        try require(!PasswordHasher.verify(Secret("Fuzz1235"), against: made), target, "a hash we made refuses another password")
    }
}
