import ActivationCore
import ActivationMail
public import Foundation

extension FuzzTargets {
    /// The bounce address of the fuzz keys (`keys`, which the fuzzer does not know).
    static let bounceAddress: BounceAddress = {
        guard let address = BounceAddress(parsing: "bounce@example.org", keys: keys) else {
            preconditionFailure("the fuzz bounce address is valid")
        }
        return address
    }()

    /// The bounce token and the delivery status report parser: a bounce is mail from anyone.
    ///
    /// The input is a row id (16 bytes), a position and a byte, a token text (a field), then a
    /// whole message. Properties: the token we sign for a row is 32 characters of `a-z2-7`,
    /// verifies to that row (in either case) and under a ring where its key no longer signs, and
    /// refuses any one-character change; a token that verifies is the one we sign for its row
    /// (one spelling); the message, below a `Delivered-To:` without a token as the delivery agent
    /// writes it, never names a row whatever it says (To:, a second Delivered-To:, folded lines,
    /// the report's own fields); below our signed address it names exactly that token, and its
    /// texts (diagnostic, domain, status, action) are one line of at most 300 characters.
    public static func bounceToken(_ data: Data) throws {
        let target = "bounce-token"
        var input = FuzzInput(data)
        let idBytes = input.bytes(16) + Array(repeating: 0, count: 16)
        let rowID = idBytes.withUnsafeBytes { UUID(uuid: $0.load(as: uuid_t.self)) }
        let position = Int(input.byte())
        let replacement = input.byte()
        let text = input.field()
        let message = input.rest()
        let tokens = bounceAddress.tokens

        let token = tokens.token(for: rowID)
        try require(token.count == BounceToken.length && token.allSatisfy { "abcdefghijklmnopqrstuvwxyz234567".contains($0) },
                    target, "a token is 32 characters of a-z2-7")
        try require(tokens.verify(token) == .authentic(rowID), target, "a token we signed names its row")
        try require(tokens.verify(token.uppercased()) == .authentic(rowID), target, "case does not matter")
        if let rotated = try? KeyRing(keys: keys.keys.reversed()) {
            try require(BounceToken(keys: rotated).verify(token) == .authentic(rowID), target,
                        "a token verifies after its key stops signing")
        }
        var changed = Array(token.utf8)
        let index = position % changed.count
        if changed[index] != replacement, replacement != changed[index] ^ 0x20 {
            changed[index] = replacement
            try require(tokens.verify(String(decoding: changed, as: UTF8.self)) != .authentic(rowID), target,
                        "a changed token is refused")
        }
        if case .authentic(let named) = tokens.verify(text) {
            try require(text.lowercased() == tokens.token(for: named), target, "a token has one spelling")
        }

        let unsigned = "Delivered-To: bounce@example.org\r\n" + message
        if case .success = DeliveryStatusParser.parse(Data(unsigned.utf8), localPart: "bounce") {
            throw PropertyViolation(target, "only the delivery agent's header names a row")
        }
        let signed = "Delivered-To: \(bounceAddress.address(for: rowID))\r\n" + message
        if case .success(let report) = DeliveryStatusParser.parse(Data(signed.utf8), localPart: "bounce") {
            try require(report.rowToken == token, target, "the delivery agent's header names the row")
            for value in [report.diagnostic, report.recipientDomain, Optional(report.status), Optional(report.action)] {
                guard let value else { continue }
                try require(value.count <= 300, target, "report texts are at most 300 characters")
                try require(!value.unicodeScalars.contains { $0.properties.generalCategory == .control }, target,
                            "report texts hold no control characters")
            }
        }
        fuzzSink(token)
    }
}
