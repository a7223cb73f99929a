import Crypto
import CryptoExtras
import Foundation

/// One DKIM private key with the domain and selector it signs for (RFC 6376 `d=` and `s=`).
///
/// Loaded once at start: parsing a PEM key costs more than a signature, and a bad key must stop
/// the daemon at start, not fail every mail.
public struct DKIMKey: Sendable {
    /// The signing algorithms (RFC 6376 `a=`).
    public enum Algorithm: String, Sendable, CaseIterable {
        /// RSA with PKCS#1 v1.5 padding over SHA-256 (RFC 6376), 2048-bit keys or longer.
        case rsaSHA256 = "rsa-sha256"
        /// Ed25519 over the SHA-256 of the header data (RFC 8463).
        case ed25519SHA256 = "ed25519-sha256"

        /// The key type of the DNS record, `k=`.
        public var keyType: String { self == .rsaSHA256 ? "rsa" : "ed25519" }
    }

    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    /// Why a key cannot be used; never shows the key's bytes.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public let description: String
    }

    /// `a=`.
    public let algorithm: Algorithm
    /// `d=`: the signing domain.
    public let domain: String
    /// `s=`: the selector, which names the DNS record `<selector>._domainkey.<domain>`.
    public let selector: String
    let material: Material

    /// Parses a PEM private key (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`) for `algorithm`.
    ///
    /// - Throws: `LoadError` when the PEM does not hold a key of that algorithm, an RSA key is
    ///   shorter than 2048 bits, or the domain or selector is not a DNS name.
    public init(pem: String, algorithm: Algorithm, domain: String, selector: String) throws(LoadError) {
        guard Self.isDNSName(domain) else { throw LoadError(description: "the domain \"\(domain)\" is not a DNS name") }
        guard Self.isDNSName(selector) else {
            throw LoadError(description: "the selector \"\(selector)\" is not a DNS name")
        }
        let material: Material
        switch algorithm {
        case .rsaSHA256:
            // The checked initialiser refuses keys under 2048 bits, which receivers no longer trust.
            guard let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) else {
                throw LoadError(description: "not a PEM RSA private key of 2048 bits or more")
            }
            material = .rsa(key)
        case .ed25519SHA256:
            guard let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) else {
                throw LoadError(description: "not a PEM Ed25519 private key (PKCS#8)")
            }
            material = .ed25519(key)
        }
        self.init(algorithm: algorithm, domain: domain, selector: selector, material: material)
    }

    init(algorithm: Algorithm, domain: String, selector: String, material: Material) {
        self.algorithm = algorithm
        self.domain = domain.lowercased()
        self.selector = selector
        self.material = material
    }

    /// A new key: RSA 2048 bits or Ed25519.
    public static func generate(_ algorithm: Algorithm, domain: String, selector: String) throws(LoadError) -> DKIMKey {
        guard isDNSName(domain), isDNSName(selector) else {
            throw LoadError(description: "domain and selector must be DNS names")
        }
        switch algorithm {
        case .rsaSHA256:
            guard let key = try? _RSA.Signing.PrivateKey(keySize: .bits2048) else {
                throw LoadError(description: "cannot generate an RSA key")
            }
            return DKIMKey(algorithm: algorithm, domain: domain, selector: selector, material: .rsa(key))
        case .ed25519SHA256:
            return DKIMKey(algorithm: algorithm, domain: domain, selector: selector,
                           material: .ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// The private key in PEM (PKCS#8), to be written to a file of mode 0600.
    public var privateKeyPEM: String {
        switch material {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
    }

    /// `p=`: the public key in base64 — SubjectPublicKeyInfo DER for RSA (RFC 6376 3.6.1, as
    /// every signer publishes it), the raw 32 bytes for Ed25519 (RFC 8463 4).
    public var publicKeyBase64: String {
        switch material {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The DNS name of the record: `<selector>._domainkey.<domain>`.
    public var recordName: String { "\(selector)._domainkey.\(domain)" }

    /// The TXT record's text: `v=DKIM1; k=rsa; p=…`.
    public var recordText: String { "v=DKIM1; k=\(algorithm.keyType); p=\(publicKeyBase64)" }

    /// The record as a zone-file line, its text split in quoted strings of at most 255 bytes (a
    /// TXT record's character-strings cannot be longer; resolvers join them).
    public var zoneLine: String {
        var strings: [String] = []
        var rest = Substring(recordText)
        while !rest.isEmpty {
            strings.append("\"\(rest.prefix(255))\"")
            rest = rest.dropFirst(255)
        }
        return "\(recordName). IN TXT \(strings.joined(separator: " "))"
    }

    /// The signature over the canonicalised header data.
    func sign(_ data: [UInt8]) throws -> Data {
        let digest = SHA256.hash(data: data)
        switch material {
        case .rsa(let key):
            return try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let key):
            // RFC 8463 3: Ed25519 (pure) signs the SHA-256 hash of the data, not the data itself.
            return try key.signature(for: Data(digest))
        }
    }

    /// Letters, digits, hyphens and dots, 1 to 253 characters, no empty label: what may stand in
    /// `d=` and `s=` and in a DNS name.
    public static func isDNSName(_ text: String) -> Bool {
        guard (1...253).contains(text.utf8.count) else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { byte in
                    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                }
        }
    }
}
