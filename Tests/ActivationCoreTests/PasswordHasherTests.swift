import Foundation
import Testing
@testable import ActivationCore

@Suite("PasswordHasher")
struct PasswordHasherTests {
    static let small = ScryptParameters(logN: 10, r: 8, p: 1)
    static let hasher = PasswordHasher(parameters: small)
    static let password = Secret("Secr3tPass")

    @Test("a hash is a PHC scrypt string with a 16-byte salt and a 32-byte hash")
    func format() throws {
        let hash = try Self.hasher.hash(Self.password)
        let pattern = try Regex(#"^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$"#)
        #expect(hash.wholeMatch(of: pattern) != nil, "\(hash)")
    }

    @Test("the parameters are written into the hash")
    func parametersWritten() throws {
        let hash = try PasswordHasher(parameters: ScryptParameters(logN: 4, r: 2, p: 3)).hash(Self.password)
        #expect(hash.hasPrefix("$scrypt$ln=4,r=2,p=3$"))
        #expect(PasswordHasher.verify(Self.password, against: hash))
    }

    @Test("verify accepts the right password and refuses wrong ones")
    func verify() throws {
        let hash = try Self.hasher.hash(Self.password)
        #expect(PasswordHasher.verify(Self.password, against: hash))
        for wrong in ["secr3tpass", "Secr3tPass ", "Secr3tPas", "", "\u{0}Secr3tPass"] {
            #expect(!PasswordHasher.verify(Secret(wrong), against: hash), "\(wrong.debugDescription)")
        }
    }

    @Test("non-ASCII and empty passwords round trip")
    func unusualPasswords() throws {
        for text in ["", "Pässwörd1€", "密码Secret9", "e\u{301}"] {
            let hash = try Self.hasher.hash(Secret(text))
            #expect(PasswordHasher.verify(Secret(text), against: hash))
        }
        // No normalisation: the precomposed form is another password.
        let decomposed = try Self.hasher.hash(Secret("e\u{301}"))
        #expect(!PasswordHasher.verify(Secret("\u{E9}"), against: decomposed))
    }

    @Test("two hashes of one password differ by their salt")
    func salted() throws {
        let first = try Self.hasher.hash(Self.password)
        let second = try Self.hasher.hash(Self.password)
        #expect(first != second)
        let salt = { (hash: String) in hash.split(separator: "$")[2] }
        #expect(salt(first) != salt(second))
        #expect(PasswordHasher.verify(Self.password, against: first))
        #expect(PasswordHasher.verify(Self.password, against: second))
    }

    @Test("malformed PHC strings never verify")
    func malformed() throws {
        let hash = try Self.hasher.hash(Self.password)
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        let (salt, digest) = (parts[3], parts[4])
        let flipLastBit: (String) -> String = { text in
            // Same bytes, non-canonical spelling: the last character's unused bits set.
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
            let index = alphabet.firstIndex(of: text.last!)!
            return String(text.dropLast()) + String(alphabet[index ^ 1])
        }
        let cases = [
            "", "$", "$scrypt$", "scrypt$ln=10,r=8,p=1$\(salt)$\(digest)",
            "$SCRYPT$ln=10,r=8,p=1$\(salt)$\(digest)", "$argon2id$ln=10,r=8,p=1$\(salt)$\(digest)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest)$", "$scrypt$ln=10,r=8,p=1$\(salt)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest)=", "$scrypt$ln=10,r=8,p=1$\(salt)==$\(digest)",
            "$scrypt$ln=10,r=8$\(salt)$\(digest)", "$scrypt$ln=10,r=8,p=1,x=2$\(salt)$\(digest)",
            "$scrypt$ln=10,ln=10,r=8,p=1$\(salt)$\(digest)", "$scrypt$ln=10,r=8,,p=1$\(salt)$\(digest)",
            "$scrypt$ln=ten,r=8,p=1$\(salt)$\(digest)", "$scrypt$ln=10,r=8,p=1=1$\(salt)$\(digest)",
            "$scrypt$ln=10;r=8;p=1$\(salt)$\(digest)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(flipLastBit(digest))",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest.prefix(20))", // 15 bytes: too short a hash
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest.prefix(41))", // a length no base64 text has
            "$scrypt$ln=10,r=8,p=1$\(salt.prefix(8))$\(digest)",  // 6-byte salt
            "$scrypt$ln=10,r=8,p=1$\(salt.dropLast(2))!!$\(digest)",
            "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest)" + String(repeating: "A", count: 256),
            " $scrypt$ln=10,r=8,p=1$\(salt)$\(digest)", "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest)\n",
        ]
        for text in cases {
            #expect(!PasswordHasher.verify(Self.password, against: text), "\(text.debugDescription)")
        }
        // The unchanged string still verifies: each case above fails for its malformation alone.
        #expect(PasswordHasher.verify(Self.password, against: "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest)"))
    }

    @Test("a PHC string has one spelling: ln, r, p in that order, in plain decimals (found by the phc fuzz target)")
    func oneSpelling() throws {
        let hash = try Self.hasher.hash(Self.password)
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        let (salt, digest) = (parts[3], parts[4])
        for parameters in ["p=1,r=8,ln=10", "r=8,ln=10,p=1", "ln=010,r=8,p=1", "ln=+10,r=8,p=1", "ln=10,r=08,p=+1"] {
            #expect(!PasswordHasher.verify(Self.password, against: "$scrypt$\(parameters)$\(salt)$\(digest)"),
                    "\(parameters)")
        }
        #expect(PasswordHasher.verify(Self.password, against: "$scrypt$ln=10,r=8,p=1$\(salt)$\(digest)"))
    }

    @Test("parameters out of bounds never verify and cannot hash", arguments: [
        "ln=30,r=8,p=1", "ln=0,r=8,p=1", "ln=21,r=8,p=1", "ln=10,r=0,p=1", "ln=10,r=33,p=1", "ln=10,r=8,p=0",
        "ln=10,r=8,p=17", "ln=-1,r=8,p=1", "ln=99999999999999999999,r=8,p=1", "ln=20,r=32,p=16", "ln=20,r=8,p=1",
    ])
    func outOfBounds(parameters: String) throws {
        let hash = try Self.hasher.hash(Self.password)
        let forged = hash.replacingOccurrences(of: "ln=10,r=8,p=1", with: parameters)
        let started = ContinuousClock.now
        #expect(!PasswordHasher.verify(Self.password, against: forged))
        #expect(ContinuousClock.now - started < .milliseconds(500), "refused before deriving")
    }

    @Test("the bounds hold the default and keep a derivation well under a gigabyte")
    func bounds() {
        #expect(ScryptParameters.default == ScryptParameters(logN: 17, r: 8, p: 1))
        #expect(ScryptParameters.default.isWithinBounds)
        #expect(Self.small.isWithinBounds)
        #expect(ScryptParameters(logN: 18, r: 8, p: 1).isWithinBounds)
        #expect(ScryptParameters(logN: 20, r: 1, p: 1).isWithinBounds)
        var tooHungry: [ScryptParameters] = []
        for logN in ScryptParameters.logNRange {
            for r in ScryptParameters.rRange {
                for p in ScryptParameters.pRange {
                    let parameters = ScryptParameters(logN: logN, r: r, p: p)
                    if parameters.isWithinBounds, parameters.memoryBytes > 512 << 20 { tooHungry.append(parameters) }
                }
            }
        }
        #expect(tooHungry.isEmpty, "within bounds but over 512 MiB: \(tooHungry.count), e.g. \(tooHungry.last.map(String.init(describing:)) ?? "")")
        for parameters in [ScryptParameters(logN: 30, r: 8, p: 1), ScryptParameters(logN: 20, r: 32, p: 16),
                           ScryptParameters(logN: 20, r: 8, p: 1), ScryptParameters(logN: 19, r: 8, p: 1),
                           ScryptParameters(logN: 10, r: 8, p: 0)] {
            #expect(!parameters.isWithinBounds, "\(parameters)")
            #expect(throws: PasswordHasher.Failure.self) { try PasswordHasher(parameters: parameters).hash(Self.password) }
        }
        #expect(ScryptParameters.default.memoryBytes == 128 * (1 << 17) * 8 + 128 * 8)
        #expect(ScryptParameters.default.description == "ln=17,r=8,p=1")
    }

    @Test("constant-time comparison compares whole byte strings")
    func constantTimeEquals() {
        #expect(PasswordHasher.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(PasswordHasher.constantTimeEquals([], []))
        #expect(!PasswordHasher.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!PasswordHasher.constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(!PasswordHasher.constantTimeEquals([0x80, 0, 0], [0, 0, 0]))
    }

    @Test("a hashing failure does not show the password")
    func failureDescription() {
        let hasher = PasswordHasher(parameters: ScryptParameters(logN: 40, r: 8, p: 1))
        let error = #expect(throws: PasswordHasher.Failure.self) { try hasher.hash(Secret("Secr3tPass")) }
        #expect(error?.description.contains("ln=40") == true)
        #expect(error?.description.contains("Secr3tPass") == false)
    }
}
