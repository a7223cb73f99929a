public import Logging
import Foundation
import Synchronization

/// A swift-log handler that writes one line per event to standard error, as logfmt
/// (`time=… level=info event=mail.sent …`) or as a JSON object.
///
/// Metadata keys that name a secret (`password`, `token`, `phrase`, …) are written as `<redacted>`
/// whatever their value: the last line of defence if a caller slips.
public struct LineLogHandler: LogHandler {
    /// The two line formats of `log.format`.
    public enum Format: String, Sendable {
        /// `key=value` pairs, values quoted when they contain spaces, quotes or `=`.
        case logfmt
        /// One JSON object a line.
        case json
    }

    /// The level and format shared by every handler of the process, changed on reload.
    public final class Settings: Sendable {
        private let state: Mutex<(Logger.Level, Format)>

        /// Creates settings.
        public init(level: Logger.Level, format: Format) { state = Mutex((level, format)) }

        /// The current level and format.
        public var current: (level: Logger.Level, format: Format) { state.withLock { ($0.0, $0.1) } }

        /// Changes the level and format (SIGHUP).
        public func update(level: Logger.Level, format: Format) { state.withLock { $0 = (level, format) } }
    }

    private let label: String
    private let settings: Settings
    private let sink: @Sendable (String) -> Void
    /// Metadata attached to this handler's logger.
    public var metadata: Logger.Metadata = [:]

    /// The keys whose values are never written.
    static let secretKeys: Set<String> = ["password", "token", "phrase", "passwordphrase", "secret", "link"]

    /// A handler for `label`; lines go to `sink` (standard error by default).
    public init(label: String, settings: Settings, sink: @escaping @Sendable (String) -> Void = LineLogHandler.standardError) {
        self.label = label
        self.settings = settings
        self.sink = sink
    }

    /// Writes a line to standard error in one write(2), so lines from threads never interleave.
    public static let standardError: @Sendable (String) -> Void = { line in
        var bytes = Array((line + "\n").utf8)
        bytes.withUnsafeMutableBytes { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
    }

    /// The level of `settings`; setting it changes it for every handler sharing them.
    public var logLevel: Logger.Level {
        get { settings.current.level }
        set { settings.update(level: newValue, format: settings.current.format) }
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event.
    public func log(event: LogEvent) {
        var fields: [(String, String)] = [
            ("time", Self.timestamp()), ("level", event.level.rawValue),
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if let name = merged["event"] { fields.append(("event", "\(name)")) }
        fields.append(("msg", "\(event.message)"))
        for key in merged.keys.sorted() where key != "event" {
            let value = Self.secretKeys.contains(key.lowercased()) ? "<redacted>" : "\(merged[key]!)"
            fields.append((key, value))
        }
        fields.append(("logger", label))
        sink(Self.render(fields, format: settings.current.format))
    }

    static func render(_ fields: [(String, String)], format: Format) -> String {
        switch format {
        case .logfmt:
            return fields.map { key, value in "\(key)=\(logfmtValue(value))" }.joined(separator: " ")
        case .json:
            return "{" + fields.map { key, value in "\(JSONText.quote(key)):\(JSONText.quote(value))" }
                .joined(separator: ",") + "}"
        }
    }

    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" }
            || value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        return needsQuotes ? JSONText.quote(value) : value
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }
}
