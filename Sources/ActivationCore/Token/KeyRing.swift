public import Foundation

/// The signing keys from the keys file: the first line signs, every line verifies, so a new key
/// can be put first while links signed with the old one still work until it is dropped.
///
/// File format: one key a line, `<key-id> <base64 secret>` (at least 32 bytes of secret); blank
/// lines and lines starting with `#` are ignored.
public struct KeyRing: Sendable {
    /// The keys in file order; the first signs.
    public let keys: [SigningKey]

    /// Why a keys file was refused. Never quotes a secret.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line, or 0 for the file as a whole.
        public let line: Int
        /// What is wrong with it.
        public let problem: String

        /// `line N: problem`.
        public var description: String { line == 0 ? problem : "line \(line): \(problem)" }
    }

    /// A ring of these keys; at least one, ids unique.
    public init(keys: [SigningKey]) throws(ParseError) {
        guard !keys.isEmpty else { throw ParseError(line: 0, problem: "no keys") }
        guard Set(keys.map(\.id)).count == keys.count else {
            throw ParseError(line: 0, problem: "a key id is used twice")
        }
        self.keys = keys
    }

    /// Parses a keys file.
    public init(parsing text: String) throws(ParseError) {
        var keys: [SigningKey] = []
        var seen: Set<String> = []
        // `isNewline` rather than "\n": a CRLF file's line ends are the single Character "\r\n".
        for (offset, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let number = offset + 1
            guard fields.count == 2 else {
                throw ParseError(line: number, problem: "expected `<key-id> <base64 secret>`")
            }
            let id = String(fields[0])
            guard SigningKey.isValidID(id) else {
                throw ParseError(line: number, problem: "the key id must be 1 to 8 letters or digits")
            }
            guard !seen.contains(id) else {
                throw ParseError(line: number, problem: "key id \(id) is used twice")
            }
            guard let secret = Data(base64Encoded: String(fields[1])) else {
                throw ParseError(line: number, problem: "the secret of key \(id) is not base64")
            }
            guard let key = SigningKey(id: id, secret: Array(secret)) else {
                throw ParseError(line: number, problem:
                    "the secret of key \(id) is shorter than \(SigningKey.minimalSecretLength) bytes")
            }
            seen.insert(id)
            keys.append(key)
        }
        try self.init(keys: keys)
    }

    /// The key that signs new tokens.
    public var signingKey: SigningKey { keys[0] }

    /// The key with this id, if listed.
    public func key(id: String) -> SigningKey? { keys.first { $0.id == id } }
}
