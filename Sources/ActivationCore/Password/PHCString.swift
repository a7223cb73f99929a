import Foundation

/// The PHC string format for scrypt: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`, salt and hash
/// in standard base64 without padding.
package struct PHCString: Equatable {
    package var parameters: ScryptParameters
    package var salt: [UInt8]
    package var hash: [UInt8]

    package init(parameters: ScryptParameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// Parses a PHC string; nil unless it is exactly of the form above, as `encoded` writes it.
    package init?(parsing text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard text.utf8.count <= 256, parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt"
        else { return nil }
        var values: [String: Int] = [:]
        for pair in parts[2].split(separator: ",", omittingEmptySubsequences: false) {
            let kv = pair.split(separator: "=", omittingEmptySubsequences: false)
            guard kv.count == 2, let value = Int(kv[1]), value >= 0, values[String(kv[0])] == nil
            else { return nil }
            values[String(kv[0])] = value
        }
        guard values.count == 3, let logN = values["ln"], let r = values["r"], let p = values["p"],
              let salt = Self.decode(parts[3]), let hash = Self.decode(parts[4]),
              (8...64).contains(salt.count), (16...64).contains(hash.count)
        else { return nil }
        // One spelling per hash, like the salt and hash: `ln`, `r`, `p` in that order, in plain
        // decimals (no sign, no leading zero), exactly as `encoded` writes them.
        let parameters = ScryptParameters(logN: logN, r: r, p: p)
        guard parts[2] == parameters.description[...] else { return nil }
        self.init(parameters: parameters, salt: salt, hash: hash)
    }

    /// The string form.
    package var encoded: String {
        "$scrypt$\(parameters)$\(Self.encode(salt))$\(Self.encode(hash))"
    }

    private static func encode(_ bytes: [UInt8]) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    private static func decode(_ text: Substring) -> [UInt8]? {
        guard !text.contains("="), text.count % 4 != 1 else { return nil }
        let padded = String(text) + String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: padded), encode(Array(data)) == text else { return nil }
        return Array(data)
    }
}
