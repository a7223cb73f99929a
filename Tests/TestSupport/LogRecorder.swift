public import Logging
import Synchronization

/// Keeps every log line in memory, so tests can check the events an operator would grep for and
/// what must never be logged.
public final class LogRecorder: Sendable {
    /// One log line.
    public struct Line: Sendable {
        /// Its level.
        public let level: Logger.Level
        /// Its message.
        public let message: String
        /// Its metadata, values as text.
        public let metadata: [String: String]
        /// The `event` metadata.
        public var event: String? { metadata["event"] }
        /// The whole line as text, to search for things that must never appear.
        public var text: String {
            message + " " + metadata.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
        }
    }

    private let storage = Mutex<[Line]>([])

    /// Creates an empty recorder.
    public init() {}

    /// Every line so far.
    public var lines: [Line] { storage.withLock { $0 } }

    /// A logger whose lines end up here.
    public var logger: Logger { Logger(label: "test") { _ in Handler(recorder: self) } }

    /// The lines of one event.
    public func events(_ name: String) -> [Line] { lines.filter { $0.event == name } }
    /// The lines of an event given by its name type (`EventName`, `IntakeLogEvent`, `DaemonEvent`).
    public func events(_ name: some RawRepresentable<String>) -> [Line] { events(name.rawValue) }

    /// Every line as text.
    public var allText: String { lines.map(\.text).joined(separator: "\n") }

    fileprivate func append(_ line: Line) { storage.withLock { $0.append(line) } }

    /// Writes into a recorder; metadata has value semantics, as swift-log requires.
    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flat: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
                flat[key] = "\(value)"
            }
            recorder.append(Line(level: event.level, message: "\(event.message)", metadata: flat))
        }
    }
}
