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

    /// A small deterministic fuzz of the bounce-token target in the ordinary test run: its seeds
    /// with bytes changed, inserted and removed (a linear congruential generator, fixed seed), the
    /// attacker's usual tricks among the insertions (a folded line, a second Delivered-To:, To:).
    @Test func bounceTokenKeepsItsPropertiesUnderMutation() throws {
        let directory = CorpusReplayTests.corpusRoot.appendingPathComponent("bounce-token")
        let seeds = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }.map { Array(try Data(contentsOf: $0)) }
        let tricks = ["\r\n bounce+", "\r\nDelivered-To: bounce+", "\r\nTo: bounce+", "@example.org\r\n", "\r\n\r\n",
                      "\n\u{301}", "BOUNCE+", "<", ">"].map { Array($0.utf8) }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...next(4) {
                let at = next(bytes.count + 1)
                switch next(3) {
                case 0 where at < bytes.count: bytes[at] = UInt8(next(256))
                case 1: bytes.insert(contentsOf: tricks[next(tricks.count)], at: at)
                default: if at < bytes.count { bytes.remove(at: at) }
                }
            }
            #expect(try FuzzTargets.run("bounce-token", Data(bytes)))
        }
    }
}
