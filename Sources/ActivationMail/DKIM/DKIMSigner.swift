public import Foundation
import Crypto

/// Adds DKIM-Signature header fields (RFC 6376, and RFC 8463 for Ed25519) to a composed message:
/// one per key, relaxed/relaxed, over `signedHeaders` with From signed twice, so that no second
/// From can be added below the signature without breaking it.
///
/// Signing runs where the message is composed, on the transport's worker threads: an RSA-2048
/// signature takes about a millisecond, too long for Swift concurrency's cooperative pool.
public struct DKIMSigner: Sendable {
    /// The header fields signed, in `h=` order. From comes twice: the second names a From that
    /// does not exist, which a verifier then requires to stay absent (over-signing, RFC 6376 8.15).
    public static let signedHeaders = [
        "from", "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "auto-submitted",
    ]

    /// The longest header line written, CRLF not counted (RFC 5322 2.1.1's "SHOULD").
    static let lineLimit = 78

    /// The keys; each adds one signature, the first key's on top.
    public let keys: [DKIMKey]

    /// A signer with one signature per key.
    public init(keys: [DKIMKey]) {
        self.keys = keys
    }

    /// `message` with one DKIM-Signature field per key in front of its header.
    ///
    /// - Parameter time: `t=`, the signing time.
    public func sign(_ message: [UInt8], at time: Date) throws(MailError) -> [UInt8] {
        guard !keys.isEmpty else { return message }
        let (fields, bodyStart) = DKIMCanonicalization.split(message)
        let bodyHash = Data(SHA256.hash(data: DKIMCanonicalization.body(message[bodyStart...]))).base64EncodedString()
        let headerData = Self.signedHeaderData(fields)
        let timestamp = Int(time.timeIntervalSince1970)
        var signatures: [UInt8] = []
        for key in keys {
            var field = Self.unsignedField(key: key, timestamp: timestamp, bodyHash: bodyHash)
            var data = headerData
            data.reserveCapacity(headerData.count + field.count)
            // The signature's own field, b= empty, without its CRLF, ends the signed data (RFC 6376 3.7).
            DKIMCanonicalization.header(field[...], crlf: false, into: &data)
            let signature: Data
            do {
                signature = try key.sign(data)
            } catch {
                throw MailError(.configuration, "DKIM signature with selector \(key.selector) failed")
            }
            Self.appendFolded(signature.base64EncodedString(), column: 3, to: &field)
            field.append(contentsOf: [0x0D, 0x0A])
            signatures += field
        }
        return signatures + message
    }

    /// The canonical form of the signed header fields in `h=` order; each name takes the
    /// instances from the bottom up, and a name with none left adds nothing (RFC 6376 5.4.2).
    static func signedHeaderData(_ fields: [DKIMCanonicalization.Field]) -> [UInt8] {
        var used: [String: Int] = [:]
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        for name in signedHeaders {
            let skip = used[name, default: 0]
            used[name] = skip + 1
            var seen = 0
            for field in fields.reversed() where Self.lowercased(field.name) == name {
                if seen == skip {
                    DKIMCanonicalization.header(field.raw, into: &out)
                    break
                }
                seen += 1
            }
        }
        return out
    }

    /// `DKIM-Signature: v=1; a=…; …; bh=…;` CRLF SP `b=`, folded at 78 columns: the field up to
    /// the signature, which is what is signed. `b=` always begins a line of its own, so that the
    /// signed form does not depend on the signature's length.
    static func unsignedField(key: DKIMKey, timestamp: Int, bodyHash: String) -> [UInt8] {
        var out: [UInt8] = Array("DKIM-Signature:".utf8)
        var column = out.count
        let tags = [
            "v=1;", "a=\(key.algorithm.rawValue);", "c=relaxed/relaxed;", "d=\(key.domain);", "s=\(key.selector);",
            "t=\(timestamp);",
        ]
        for tag in tags {
            if column + 1 + tag.utf8.count > lineLimit {
                out.append(contentsOf: [0x0D, 0x0A])
                column = 0
            }
            out.append(0x20)
            out.append(contentsOf: tag.utf8)
            column += 1 + tag.utf8.count
        }
        // h= folds after a colon (FWS is allowed around each, RFC 6376 3.5).
        out.append(contentsOf: Array("\r\n h=".utf8))
        column = 3
        for (index, name) in signedHeaders.enumerated() {
            let piece = name + (index == signedHeaders.count - 1 ? ";" : ":")
            if column + piece.utf8.count > lineLimit {
                out.append(contentsOf: Array("\r\n ".utf8))
                column = 1
            }
            out.append(contentsOf: piece.utf8)
            column += piece.utf8.count
        }
        out.append(contentsOf: Array("\r\n bh=".utf8))
        appendFolded(bodyHash + ";", column: 4, to: &out)
        out.append(contentsOf: Array("\r\n b=".utf8))
        return out
    }

    /// Appends base64 text, folding with CRLF SP where a line would pass the limit (whitespace is
    /// allowed anywhere in `b=` and `bh=`, RFC 6376 3.5).
    static func appendFolded(_ text: String, column start: Int, to out: inout [UInt8]) {
        var column = start
        for byte in text.utf8 {
            if column >= lineLimit {
                out.append(contentsOf: [0x0D, 0x0A, 0x20])
                column = 1
            }
            out.append(byte)
            column += 1
        }
    }

    private static func lowercased(_ name: [UInt8]) -> String {
        String(decoding: name.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
