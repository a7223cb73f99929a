public import ActivationCore
public import Logging
import Foundation
import Dispatch
import Glibc
import CDispatch // owns struct stat's members under MemberImportVisibility in some compile batches
import Synchronization

/// A swift-log handler that writes one line per event to standard error, as logfmt
/// (`time=… level=info event=mail.sent …`) or as a JSON object.
///
/// Metadata keys that name a secret (`password`, `token`, `phrase`, …) are written as `<redacted>`
/// whatever their value: the last line of defence if a caller slips.
public struct LineLogHandler: LogHandler {
    /// The two line formats of `log.format`.
    public enum Format: String, Sendable, CaseIterable {
        /// `key=value` pairs, values quoted when they contain spaces, quotes or `=`.
        case logfmt
        /// One JSON object a line.
        case json
    }

    /// The level and format shared by every handler of the process.
    public struct Output: Sendable, Equatable {
        public var level: Logger.Level
        public var format: Format
    }

    /// The level and format in use, changed on reload (SIGHUP).
    public typealias Settings = Reloadable<Output>

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
        var text = line
        text.append("\n")
        text.withUTF8 { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
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

    /// Writes one event. Built in one string without sorting through `Character`s: the courier
    /// writes a line per mail, thousands a second.
    public func log(event: LogEvent) {
        let fields = metadata.isEmpty ? (event.metadata ?? [:]) : metadata.merging(event.metadata ?? [:]) { $1 }
        var line = Line(format: settings.current.format)
        line.append("time", Self.timestamp())
        line.append("level", event.level.rawValue)
        if let name = fields["event"] { line.append("event", "\(name)") }
        line.append("msg", "\(event.message)")
        for key in fields.keys.sorted() where key != "event" {
            line.append(key, Self.isSecret(key) ? "<redacted>" : "\(fields[key]!)")
        }
        line.append("logger", label)
        if Self.stderrIsJournal {
            sink(Self.journalPriority(event.level) + line.finished())
        } else {
            sink(line.finished())
        }
    }

    /// Whether standard error is a stream to systemd's journal (`JOURNAL_STREAM` names its device
    /// and inode, systemd.exec(5)). Then each line starts with its syslog priority (`<3>` for
    /// error, sd-daemon(3)), which journald takes off and records: `journalctl -p warning` finds
    /// our warnings and errors, and nothing else is marked as one.
    static let stderrIsJournal: Bool = {
        guard let stream = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }()

    /// `<N>`: the syslog priority of `level`, as sd-daemon(3)'s prefixes.
    static func journalPriority(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "<7>"
        case .info: "<6>"
        case .notice: "<5>"
        case .warning: "<4>"
        case .error: "<3>"
        case .critical: "<2>"
        }
    }

    /// Whether `key` names a secret, in any letter case.
    static func isSecret(_ key: String) -> Bool {
        let plain = key.utf8.allSatisfy { !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        return secretKeys.contains(plain ? key : key.lowercased())
    }

    /// One line being written, as logfmt or JSON.
    struct Line {
        let format: Format
        private var text = ""
        private var empty = true

        init(format: Format) {
            self.format = format
            text.reserveCapacity(320)
            if format == .json { text.append("{") }
        }

        mutating func append(_ key: String, _ value: String) {
            defer { empty = false }
            switch format {
            case .logfmt:
                if !empty { text.append(" ") }
                text.append(key)
                text.append("=")
                text.append(LineLogHandler.logfmtValue(value))
            case .json:
                if !empty { text.append(",") }
                text.append(JSONText.quote(key))
                text.append(":")
                text.append(JSONText.quote(value))
            }
        }

        func finished() -> String {
            format == .json ? text + "}" : text
        }
    }

    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.utf8.contains { byte in
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "=")
                || byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0x7F
        }
        return needsQuotes ? JSONText.quote(value) : value
    }

    /// `2026-11-29T06:39:51.123Z` (UTC, milliseconds truncated), without a formatter.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var position = 0
            func put(_ value: Int, digits: Int, then separator: UInt8?) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    buffer[position] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                    position += 1
                    divisor /= 10
                }
                if let separator {
                    buffer[position] = separator
                    position += 1
                }
            }
            put(Int(parts.tm_year) + 1900, digits: 4, then: UInt8(ascii: "-"))
            put(Int(parts.tm_mon) + 1, digits: 2, then: UInt8(ascii: "-"))
            put(Int(parts.tm_mday), digits: 2, then: UInt8(ascii: "T"))
            put(Int(parts.tm_hour), digits: 2, then: UInt8(ascii: ":"))
            put(Int(parts.tm_min), digits: 2, then: UInt8(ascii: ":"))
            put(Int(parts.tm_sec), digits: 2, then: UInt8(ascii: "."))
            put(milliseconds, digits: 3, then: UInt8(ascii: "Z"))
            return position
        }
    }
}

extension Reloadable where Value == LineLogHandler.Output {
    /// Settings holding `level` and `format`.
    public convenience init(level: Logger.Level, format: LineLogHandler.Format) {
        self.init(LineLogHandler.Output(level: level, format: format))
    }

    /// Changes the level and format (SIGHUP).
    public func update(level: Logger.Level, format: LineLogHandler.Format) {
        replace(with: LineLogHandler.Output(level: level, format: format))
    }
}
