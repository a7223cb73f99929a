import Foundation
import Testing
import TestSupport
@testable import ActivationCore

/// PasswordHasher against an independent scrypt: Python's `hashlib.scrypt` (OpenSSL).
@Suite("PasswordHasher interoperability with Python")
struct PasswordHasherInteropTests {
    /// Reads `{"password": …, "phc": …}` on stdin; prints `match` or `mismatch`.
    static let verifyScript = """
        import base64, hashlib, json, sys
        request = json.load(sys.stdin)
        empty, name, params, salt, digest = request["phc"].split("$")
        assert empty == "" and name == "scrypt"
        p = dict(kv.split("=") for kv in params.split(","))
        def b64(text): return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        salt, digest = b64(salt), b64(digest)
        derived = hashlib.scrypt(request["password"].encode("utf-8"), salt=salt, n=2 ** int(p["ln"]),
                                 r=int(p["r"]), p=int(p["p"]), maxmem=2 ** 28, dklen=len(digest))
        print("match" if derived == digest else "mismatch")
        """

    /// Reads `{"password": …, "ln": …, "r": …, "p": …}` on stdin; prints a PHC string.
    static let hashScript = """
        import base64, hashlib, json, os, sys
        request = json.load(sys.stdin)
        salt = os.urandom(16)
        digest = hashlib.scrypt(request["password"].encode("utf-8"), salt=salt, n=2 ** request["ln"],
                                r=request["r"], p=request["p"], maxmem=2 ** 28, dklen=32)
        def b64(data): return base64.b64encode(data).decode("ascii").rstrip("=")
        print("$scrypt$ln=%d,r=%d,p=%d$%s$%s" % (request["ln"], request["r"], request["p"], b64(salt), b64(digest)))
        """

    /// Runs `python3 -c script` with `input` as JSON on stdin (never in argv) and returns its stdout.
    static func python(_ script: String, input: [String: Any]) async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/python3", ["-c", script],
                                                input: try JSONSerialization.data(withJSONObject: input))
        try #require(result.status == 0, "python3 failed: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let passwords = ["Secr3tPass", "Pässwörd1€", ""]

    @Test("Python verifies a hash made here", arguments: passwords)
    func pythonVerifies(password: String) async throws {
        let hash = try PasswordHasher(parameters: ScryptParameters(logN: 10, r: 8, p: 1)).hash(Secret(password))
        #expect(try await Self.python(Self.verifyScript, input: ["password": password, "phc": hash]) == "match")
        #expect(try await Self.python(Self.verifyScript, input: ["password": password + "x", "phc": hash]) == "mismatch")
    }

    @Test("a hash made by Python verifies here", arguments: passwords)
    func swiftVerifies(password: String) async throws {
        let hash = try await Self.python(Self.hashScript, input: ["password": password, "ln": 10, "r": 8, "p": 1])
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(PasswordHasher.verify(Secret(password), against: hash))
        #expect(!PasswordHasher.verify(Secret(password + "x"), against: hash))
    }

    @Test("other parameters interoperate both ways")
    func otherParameters() async throws {
        let parameters = ScryptParameters(logN: 6, r: 4, p: 2)
        let hash = try PasswordHasher(parameters: parameters).hash(Secret("Secr3tPass"))
        #expect(try await Self.python(Self.verifyScript, input: ["password": "Secr3tPass", "phc": hash]) == "match")
        let theirs = try await Self.python(Self.hashScript, input: ["password": "Secr3tPass", "ln": 6, "r": 4, "p": 2])
        #expect(PasswordHasher.verify(Secret("Secr3tPass"), against: theirs))
    }

    @Test("the default parameters (ln=17) interoperate")
    func defaultParameters() async throws {
        let hash = try PasswordHasher().hash(Secret("Secr3tPass"))
        #expect(hash.hasPrefix("$scrypt$ln=17,r=8,p=1$"))
        #expect(try await Self.python(Self.verifyScript, input: ["password": "Secr3tPass", "phc": hash]) == "match")
    }
}
