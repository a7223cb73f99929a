public import Logging

/// The process's logging: one `LineLogHandler.Settings` shared by every logger, bootstrapped once.
public enum DaemonLogging {
    /// The settings of every handler `logger(for:label:)` makes, so a reload changes them all.
    public static let settings = LineLogHandler.Settings(level: .info, format: .logfmt)

    /// A logger writing lines as the configuration asks (and updating the shared settings to it).
    public static func logger(for configuration: DaemonConfiguration, label: String) -> Logger {
        apply(configuration)
        return Logger(label: label) { label in LineLogHandler(label: label, settings: settings) }
    }

    /// Applies `log.level` and `log.format` to every handler (at start and on reload).
    public static func apply(_ configuration: DaemonConfiguration) {
        settings.update(level: configuration.log.level, format: configuration.log.format)
    }
}

extension DaemonLogging {
    /// Makes every `Logger` of the process write lines as the configuration asks. Call once.
    public static func bootstrap(_ configuration: DaemonConfiguration) {
        apply(configuration)
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, settings: settings) }
    }
}
