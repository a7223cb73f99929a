import Foundation
import Crypto
import CryptoExtras

/// Hashes passwords with scrypt into PHC strings, and verifies them in constant time.
///
/// A hash reads `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` with the salt (16 bytes) and hash (32 bytes)
/// in standard base64 without padding, so Python's `hashlib.scrypt` or passlib can verify it.
///
/// Both calls take hundreds of milliseconds at the default parameters and block the calling
/// thread: call them from a dedicated thread pool, never from Swift concurrency's cooperative pool.
public struct PasswordHasher: Sendable {
    /// The parameters new hashes are made with.
    public let parameters: ScryptParameters

    /// Salt length in bytes.
    public static let saltLength = 16
    /// Derived key length in bytes.
    public static let hashLength = 32

    /// Why a hash could not be made.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong (never the password).
        public let description: String
    }

    /// A hasher making hashes with `parameters`.
    public init(parameters: ScryptParameters = .default) {
        self.parameters = parameters
    }

    /// Hashes `password` with a fresh random salt.
    public func hash(_ password: Secret) throws(Failure) -> String {
        guard parameters.isWithinBounds else {
            throw Failure(description: "scrypt parameters \(parameters) are out of bounds")
        }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let derived = try Self.derive(password, salt: salt, parameters: parameters, length: Self.hashLength)
        return PHCString(parameters: parameters, salt: salt, hash: derived).encoded
    }

    /// Whether `password` matches `phc`. A malformed string, or parameters out of bounds, do not match.
    public static func verify(_ password: Secret, against phc: String) -> Bool {
        guard let parsed = PHCString(parsing: phc), parsed.parameters.isWithinBounds,
              let derived = try? derive(password, salt: parsed.salt, parameters: parsed.parameters,
                                        length: parsed.hash.count)
        else { return false }
        return constantTimeEquals(derived, parsed.hash)
    }

    /// Whether two byte strings are equal, in time that depends only on their lengths.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    private static func derive(
        _ password: Secret, salt: [UInt8], parameters: ScryptParameters, length: Int
    ) throws(Failure) -> [UInt8] {
        do {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(password.value.utf8), salt: salt, outputByteCount: length,
                rounds: 1 << parameters.logN, blockSize: parameters.r, parallelism: parameters.p)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw Failure(description: "scrypt failed with \(parameters)")
        }
    }
}
