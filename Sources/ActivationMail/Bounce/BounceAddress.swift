public import Foundation
import ActivationCore

/// The envelope sender that names its outbox row (VERP): `bounce+<row>@example.org` for
/// `bounces.address: bounce@example.org`. A delivery status notification comes back to the
/// envelope sender, so the address it is delivered to says which row bounced, whatever the
/// remote server quoted of the message.
public struct BounceAddress: Sendable, Equatable {
    /// The local part before `+` (`bounce`).
    public let localPart: String
    /// The domain (`example.org`).
    public let domain: String

    /// Parses `bounces.address`: a plain address whose local part has no `+` (the separator) and
    /// leaves room for the 33 characters of the row's token within the 64 of a local part.
    public init?(parsing text: String) {
        guard EmailAddress.isValid(text), let at = text.lastIndex(of: "@") else { return nil }
        let local = String(text[..<at])
        guard !local.isEmpty, !local.contains("+"), !local.contains("\""), local.utf8.count + 33 <= 64 else {
            return nil
        }
        localPart = local
        domain = String(text[text.index(after: at)...])
    }

    /// The envelope sender of the mail of outbox row `rowID`.
    public func address(for rowID: UUID) -> String {
        "\(localPart)+\(Self.token(for: rowID))@\(domain)"
    }

    /// The row's token: its id in lower-case hexadecimal, without dashes (32 characters).
    public static func token(for rowID: UUID) -> String {
        rowID.uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The row id a token names, or nil when it is not one of ours.
    public static func rowID(fromToken token: String) -> UUID? {
        let hex = Array(token.lowercased())
        guard hex.count == 32, hex.allSatisfy(\.isHexDigit) else { return nil }
        let text = String(hex[0..<8]) + "-" + String(hex[8..<12]) + "-" + String(hex[12..<16]) + "-"
            + String(hex[16..<20]) + "-" + String(hex[20..<32])
        return UUID(uuidString: text)
    }
}
