public import Foundation

/// What a delivery status notification (RFC 3464) says about one of our mails: which outbox row
/// it is about (from the VERP envelope sender the report came back to), and the remote server's
/// verdict.
///
/// Untrusted: a bounce is mail from anywhere. Nothing here is taken as an instruction; the row
/// token is only looked up, the texts are kept short and single-line before they are logged.
public struct DeliveryStatusReport: Sendable, Equatable {
    /// The token after `+` in the address the report was delivered to: names the outbox row, and
    /// is checked by `BounceToken.verify`.
    public let rowToken: String
    /// `failed` or `delayed` (RFC 3464 2.3.3); only `failed` ends a row as bounced.
    public let action: String
    /// The enhanced status code, e.g. `5.1.1`.
    public let status: String
    /// The remote server's diagnostic (`Diagnostic-Code`, without its type), if any.
    public let diagnostic: String?
    /// The failed recipient's domain (never the whole address: that is personal data).
    public let recipientDomain: String?

    /// Whether the report says the mail will never be delivered.
    public var isPermanentFailure: Bool { action.lowercased() == "failed" }
}

/// Why a message in the bounce mailbox could not be taken as a report about one of our mails.
public enum BounceProblem: Error, Equatable, CustomStringConvertible {
    /// Not `multipart/report; report-type=delivery-status`, or no `message/delivery-status` part.
    case notADeliveryStatusNotification
    /// A report, but its envelope header (as the delivery agent wrote it) is not an address of the
    /// form `local+token@…`.
    case noRowToken
    /// A report without a per-recipient `Action:` and `Status:`.
    case noRecipientStatus

    public var description: String {
        switch self {
        case .notADeliveryStatusNotification: "not a delivery status notification (RFC 3464)"
        case .noRowToken: "not delivered to a bounce address with a row token (by its envelope header)"
        case .noRecipientStatus: "no per-recipient Action and Status fields"
        }
    }
}

/// Reads RFC 3464 reports: a MIME `multipart/report` whose `message/delivery-status` part holds
/// one block of per-message fields and one block per recipient.
public enum DeliveryStatusParser {
    /// The largest message read; a report is a few kilobytes plus the returned headers.
    public static let maximumSize = 1 << 20

    /// The header in which the local delivery agent writes the envelope recipient at the top of
    /// each message it delivers (`bounces.envelope_header`): Postfix's local(8) and virtual(8)
    /// and Dovecot's LDA write `Delivered-To:`; Postfix also writes `X-Original-To:`.
    public enum EnvelopeHeader: String, Sendable, CaseIterable {
        case deliveredTo = "delivered-to"
        case xOriginalTo = "x-original-to"
    }

    /// Parses `data`, a whole message as delivered into a Maildir, whose bounce address has the
    /// local part `localPart` (`bounce` for `bounce+<token>@example.org`). The token is read from
    /// the first (topmost) `envelopeHeader` field only.
    public static func parse(_ data: Data, localPart: String,
                             envelopeHeader: EnvelopeHeader = .deliveredTo) -> Result<DeliveryStatusReport, BounceProblem> {
        let text = String(decoding: data.prefix(maximumSize), as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
        let (headers, body) = split(text)
        guard let contentType = headers["content-type"],
              mediaType(contentType) == "multipart/report",
              parameter("report-type", of: contentType)?.lowercased() == "delivery-status",
              let boundary = parameter("boundary", of: contentType), !boundary.isEmpty
        else { return .failure(.notADeliveryStatusNotification) }
        let parts = body.components(separatedBy: "\n--" + boundary)
        guard let report = parts.lazy.map(split).first(where: {
            $0.headers["content-type"].map(mediaType) == "message/delivery-status"
        }) else { return .failure(.notADeliveryStatusNotification) }

        // Where the report was delivered: the bounce address, with the row's token, as the local
        // delivery agent wrote it at the top of the message. Nothing the sender wrote counts (`To:`,
        // the report's own fields, a `Delivered-To:` further down): anyone can send mail.
        guard let envelope = headers[envelopeHeader.rawValue],
              let token = rowToken(in: envelope, localPart: localPart)
        else { return .failure(.noRowToken) }
        guard let recipient = fieldBlocks(report.body).dropFirst().first(where: { $0["action"] != nil }),
              let action = recipient["action"].map({ oneLine(firstWord($0)) }),
              let status = recipient["status"].map({ oneLine(firstWord($0)) }),
              !action.isEmpty, !status.isEmpty
        else { return .failure(.noRecipientStatus) }
        let diagnostic = recipient["diagnostic-code"].map { code -> String in
            // "smtp; 550 5.1.1 <…>: Recipient address rejected": the part after the type.
            let value = code.firstIndex(of: ";").map { String(code[code.index(after: $0)...]) } ?? code
            return oneLine(value)
        }
        let domain = (recipient["final-recipient"] ?? recipient["original-recipient"]).flatMap { field -> String? in
            guard let at = field.lastIndex(of: "@") else { return nil }
            let domain = field[field.index(after: at)...].trimmingCharacters(in: .whitespaces.union(["<", ">"]))
            return domain.isEmpty ? nil : oneLine(domain.lowercased())
        }
        return .success(DeliveryStatusReport(rowToken: token, action: action.lowercased(), status: status,
                                             diagnostic: diagnostic, recipientDomain: domain))
    }

    /// The token of `local+token@domain` when `field` is that address alone (bare or in angle
    /// brackets) and the local part is ours. Anything else in the field (a second address, a
    /// folded line) means it is not what a delivery agent writes, and names no row.
    static func rowToken(in field: String, localPart: String) -> String? {
        var address = field.lowercased().trimmingCharacters(in: .whitespaces)
        if address.hasPrefix("<"), address.hasSuffix(">"), address.count >= 2 {
            address = String(address.dropFirst().dropLast())
        }
        let prefix = localPart.lowercased() + "+"
        guard address.hasPrefix(prefix), !address.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let rest = address.dropFirst(prefix.count)
        guard let at = rest.firstIndex(of: "@") else { return nil }
        let token = String(rest[..<at])
        guard !token.isEmpty, token.count <= 64, token.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { return nil }
        return token
    }

    /// Headers (names lower-cased, folded lines joined) and the body after the first empty line.
    static func split(_ text: String) -> (headers: [String: String], body: String) {
        let trimmed = text.drop(while: { $0 == "\n" })
        let end = trimmed.range(of: "\n\n")
        let head = end.map { String(trimmed[..<$0.lowerBound]) } ?? String(trimmed)
        let body = end.map { String(trimmed[$0.upperBound...]) } ?? ""
        return (fields(head), body)
    }

    /// The blocks of `name: value` fields separated by empty lines (RFC 3464's per-message block
    /// and per-recipient blocks).
    static func fieldBlocks(_ text: String) -> [[String: String]] {
        text.components(separatedBy: "\n\n").map(fields).filter { !$0.isEmpty }
    }

    /// `name: value` fields, folded lines joined; the first occurrence of a name wins.
    static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        var current: (name: String, value: String)?
        func flush() {
            if let (name, value) = current, result[name] == nil {
                result[name] = value.trimmingCharacters(in: .whitespaces)
            }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t" {
                current?.value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            flush()
            current = nil
            guard let colon = line.firstIndex(of: ":") else { continue }
            current = (line[..<colon].trimmingCharacters(in: .whitespaces).lowercased(), String(line[line.index(after: colon)...]))
        }
        flush()
        return result
    }

    static func mediaType(_ contentType: String) -> String {
        contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
    }

    /// A parameter of a Content-Type value, unquoted.
    static func parameter(_ name: String, of contentType: String) -> String? {
        for piece in contentType.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    static func firstWord(_ value: String) -> String {
        String(value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "(" }).first ?? "")
    }

    /// At most 300 characters on one line, without control characters: safe to log and store.
    static func oneLine(_ value: String) -> String {
        let cleaned = String(String.UnicodeScalarView(value.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
        return String(cleaned.trimmingCharacters(in: .whitespaces).prefix(300))
    }
}
