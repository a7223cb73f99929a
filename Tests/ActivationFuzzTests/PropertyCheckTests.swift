import ActivationFuzz
import Foundation
import Testing

/// The property checks themselves can fail: each is shown a message or an input that breaks it.
/// (A check that never fails would make the fuzz targets and the corpus replay prove nothing.)
@Suite struct PropertyCheckTests {
    static let names = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted", "Content-Type"]
    static let boundary = "=_activationd_01020304-0506-0708-090a-0b0c0d0e0f10"

    /// A message as the composer writes it for `Jane Doe <jane@example.org>`, subject `Hello`.
    static func message(headers extra: String = "", subject: String = "Hello", body: String = "Hi") -> [UInt8] {
        let text = "Date: Mon, 24 Nov 2025 16:00:00 +0000\r\nFrom: \"Accounts\" <accounts@example.org>\r\n"
            + "To: \"Jane Doe\" <jane@example.org>\r\nSubject: \(subject)\r\n\(extra)"
            + "Message-ID: <01020304-0506-0708-090a-0b0c0d0e0f10@example.org>\r\nMIME-Version: 1.0\r\n"
            + "Auto-Submitted: auto-generated\r\nContent-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n"
            + "--\(boundary)\r\nContent-Type: text/plain\r\n\r\n\(body)\r\n--\(boundary)\r\nContent-Type: text/html\r\n\r\n"
            + "\(body)\r\n--\(boundary)--\r\n"
        return Array(text.utf8)
    }

    static func check(_ message: [UInt8], subject: String = "Hello") throws {
        try MailProperties.check(message, displayName: "Jane Doe", address: "jane@example.org", subject: subject,
                                 headerNames: names)
    }

    @Test func aWellFormedMessagePasses() throws {
        try Self.check(Self.message())
        try Self.check(Self.message(subject: "=?UTF-8?B?SMOpbGxv?="), subject: "Héllo")
    }

    @Test func aSmuggledHeaderFails() {
        #expect(throws: PropertyViolation.self) { try Self.check(Self.message(headers: "Bcc: eve@example.net\r\n")) }
    }

    @Test func aBareLineFeedFails() {
        #expect(throws: PropertyViolation.self) { try Self.check(Self.message(subject: "Hello\nBcc: eve@example.net")) }
        #expect(throws: PropertyViolation.self) { try Self.check(Self.message(body: "a\rb")) }
    }

    @Test func aSubjectThatDoesNotDecodeBackFails() {
        #expect(throws: PropertyViolation.self) { try Self.check(Self.message(subject: "=?UTF-8?B?SMOpbGxv?="), subject: "Hello") }
    }

    @Test func aSmuggledBoundaryFails() {
        #expect(throws: PropertyViolation.self) { try Self.check(Self.message(body: "--\(Self.boundary)")) }
    }

    @Test func anOverlongHeaderLineFails() {
        let subject = String(repeating: "x", count: 80)
        #expect(throws: PropertyViolation.self) { try Self.check(Self.message(subject: subject), subject: subject) }
    }

    @Test func theAddressRuleReadsPlainly() {
        #expect(MailProperties.isValidAddressByRule("jane.doe@example.org"))
        #expect(!MailProperties.isValidAddressByRule("jane..doe@example.org"))
        #expect(!MailProperties.isValidAddressByRule("jane@-example.org"))
        #expect(!MailProperties.isValidAddressByRule("jane@localhost"))
        #expect(!MailProperties.isValidAddressByRule("jane doe@example.org"))
    }

    @Test func anUnknownTargetIsNotRun() throws {
        #expect(try FuzzTargets.run("no-such-target", Data()) == false)
    }
}
