@testable import ActivationDaemon
import Foundation
import Testing

@Suite("log line details")
struct LogLineTimeTests {
    @Test("time is UTC ISO 8601 with milliseconds, as Foundation's formatter wrote it, and is now")
    func timestamp() throws {
        let before = Date()
        let text = LineLogHandler.timestamp()
        let after = Date()
        #expect(text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/) != nil, "\(text)")
        let parsed = try Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)
            .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted))
        #expect(parsed >= before.addingTimeInterval(-0.001) && parsed <= after, "\(text)")
    }

    @Test("secret keys are redacted in any letter case", arguments: ["password", "Password", "TOKEN", "passwordPhrase"])
    func secretKeys(_ key: String) {
        #expect(LineLogHandler.isSecret(key))
    }

    @Test("other keys are not", arguments: ["reply", "rcpt_domain", "Account"])
    func plainKeys(_ key: String) {
        #expect(!LineLogHandler.isSecret(key))
    }

    @Test("logfmt quotes empty values, spaces, quotes, equals, backslashes and control characters")
    func quoting() {
        #expect(LineLogHandler.logfmtValue("plain") == "plain")
        #expect(LineLogHandler.logfmtValue("") == "\"\"")
        #expect(LineLogHandler.logfmtValue("a b") == "\"a b\"")
        #expect(LineLogHandler.logfmtValue("a=b") == "\"a=b\"")
        #expect(LineLogHandler.logfmtValue("a\"b") == "\"a\\\"b\"")
        #expect(LineLogHandler.logfmtValue("a\\b") == "\"a\\\\b\"")
        #expect(LineLogHandler.logfmtValue("a\nb") == "\"a\\nb\"")
        #expect(LineLogHandler.logfmtValue("é") == "é")
    }
}
