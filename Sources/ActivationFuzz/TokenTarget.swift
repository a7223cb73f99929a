import ActivationCore
public import Foundation

extension FuzzTargets {
    /// Two fixed keys (the fuzzer must not know a secret it could sign with): `old` verifies only,
    /// `new` signs.
    static let keys: KeyRing = {
        guard let new = SigningKey(id: "new", secret: Array(repeating: 0x5A, count: 32)),
              let old = SigningKey(id: "old1", secret: Array(repeating: 0xA5, count: 48)),
              let ring = try? KeyRing(keys: [new, old])
        else { preconditionFailure("the fuzz keys are valid") }
        return ring
    }()

    /// The activation token parser and verifier: a token is whatever a link's `?token=` carries.
    ///
    /// The input is an account id (16 bytes), an expiry (8), a nonce (16), a position and a
    /// byte, then any text. Properties: a token we signed verifies to exactly what we signed, under
    /// the ring that signed it and under a ring where its key is no longer first; the same token
    /// with one character changed is refused, and never as `expired` (which would vouch for its
    /// contents); the free text, which nobody signed, never verifies.
    public static func token(_ data: Data) throws {
        let target = "token"
        var input = FuzzInput(data)
        let uuidBytes = input.bytes(16) + Array(repeating: 0, count: 16)
        let accountID = uuidBytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
        // Any expiry a Double holds exactly, from 1 s after the epoch on: `now` below is the epoch.
        let seconds = input.bytes(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & (1 << 53 - 1)
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(max(1, seconds)))
        let nonce = input.bytes(16) + Array(repeating: 0x42, count: 16)
        let position = Int(input.byte())
        let replacement = input.byte()
        let text = input.rest()
        let now = Date(timeIntervalSince1970: 0)

        let signed = ActivationToken.sign(accountID: accountID, expiresAt: expiresAt,
                                          nonce: Data(nonce.prefix(16)), keys: keys)
        let expected = ActivationToken(keyID: "new", accountID: accountID, expiresAt: expiresAt,
                                       nonce: Data(nonce.prefix(16)))
        try require(signed.utf8.count <= ActivationToken.maximalLength, target, "a signed token fits the length limit")
        try require((try? ActivationToken.verify(signed, keys: keys, now: now)) == expected, target,
                    "a token we signed verifies to what we signed")
        if let rotated = try? KeyRing(keys: keys.keys.reversed()) {
            try require((try? ActivationToken.verify(signed, keys: rotated, now: now)) == expected, target,
                        "a token verifies after its key stops signing")
        }
        do {
            _ = try ActivationToken.verify(signed, keys: keys, now: expiresAt)
            throw PropertyViolation(target, "a token is refused at its expiry")
        } catch let error as TokenError {
            try require(error.code == .expired && error.expiredToken == expected, target,
                        "an expired token is reported expired, with its contents")
        }

        // One character changed, to another of the alphabet.
        var characters = Array(signed.utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let index = position % characters.count
        let newCharacter = alphabet[Int(replacement) % alphabet.count]
        if characters[index] != newCharacter {
            characters[index] = newCharacter
            let changed = String(decoding: characters, as: UTF8.self)
            do {
                _ = try ActivationToken.verify(changed, keys: keys, now: now)
                throw PropertyViolation(target, "a changed token is refused")
            } catch let error as TokenError {
                try require(error.code != .expired, target, "a changed token is never reported expired")
            }
        }

        // The free text: refused whatever it is, with a reason that never quotes it.
        do {
            let forged = try ActivationToken.verify(text, keys: keys, now: now)
            throw PropertyViolation(target, "an unsigned token is refused (got \(forged.keyID))")
        } catch let error as TokenError {
            try require(error.code != .expired, target, "an unsigned token is never reported expired")
            try require(error.description == "activation token refused: \(error.code.rawValue)", target,
                        "the refusal names its reason, never the token")
            fuzzSink(error)
        }
    }
}
