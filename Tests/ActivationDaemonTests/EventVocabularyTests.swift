import ActivationCore
import ActivationDaemon
import ActivationSpool
import Foundation
import Testing

/// Every `event=` the daemon can log comes from one of three types, and docs/operations.md
/// documents each one.
@Suite("The events' one vocabulary")
struct EventVocabularyTests {
    /// The repository's root, from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let names: [String] = EventName.allCases.map(\.rawValue) + IntakeLogEvent.allCases.map(\.rawValue)
        + DaemonEvent.allCases.map(\.rawValue)

    @Test("every name is unique across the three types and reads area.what")
    func unique() {
        var seen: [String: Int] = [:]
        for name in Self.names { seen[name, default: 0] += 1 }
        #expect(seen.filter { $0.value > 1 }.isEmpty, "\(seen.filter { $0.value > 1 })")
        for name in Self.names {
            #expect(name.wholeMatch(of: /[a-z]+\.[a-z_]+/) != nil, "\(name)")
        }
        #expect(Self.names.count > 40)
    }

    @Test("docs/operations.md lists every event, and no event that does not exist")
    func documented() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let section = try #require(text.range(of: "## Every event the daemon logs")).upperBound
        let rows = Set(text[section...].matches(of: /^\| `([a-z_.]+)` \|/.anchorsMatchLineEndings()).map { String($0.1) })
        #expect(Set(Self.names).subtracting(rows).isEmpty, "undocumented: \(Set(Self.names).subtracting(rows).sorted())")
        #expect(rows.subtracting(Self.names).isEmpty, "documented but never logged: \(rows.subtracting(Self.names).sorted())")
    }

    @Test("every line of Sources that sets an event takes its name from EventName, IntakeLogEvent or DaemonEvent")
    func noLiteralNames() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        var setters = 0
        var literal: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let sets = line.contains("LogKey.event:") || line.contains("LogKey.event] =")
                    || line.contains("\"event\":") || line.contains("\"event\"] =")
                guard sets else { continue }
                setters += 1
                let named = line.contains("EventName.") || line.contains("IntakeLogEvent.") || line.contains("DaemonEvent.")
                let quoted = line.contains("\"event\":") || line.contains("\"event\"] =")
                if !named || quoted { literal.append("\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))") }
            }
        }
        #expect(setters > 50, "the scan found \(setters) event lines: did the way events are set change?")
        #expect(literal.isEmpty, "events set without a name type:\n\(literal.joined(separator: "\n"))")
    }
}
