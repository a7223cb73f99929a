/// Durations as the configuration writes them: a whole number and a unit, `500ms`, `30s`, `5m`,
/// `1h`, `30d` (also `2w`).
public enum DurationText {
    private static let units: [(suffix: String, seconds: Int64)] = [
        ("ms", 0), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("w", 604_800),
    ]

    /// Parses `text`; nil unless it is a non-negative whole number followed by a known unit.
    public static func parse(_ text: String) -> Duration? {
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy(\.isASCII), number.allSatisfy(\.isNumber),
                  number.count <= 12, let value = Int64(number)
            else { continue }
            return seconds == 0 ? .milliseconds(value) : .seconds(value * seconds)
        }
        return nil
    }

    /// The shortest exact spelling of `duration` in these units.
    ///
    /// Whole seconds are never turned into milliseconds: `999999999999w`, which `parse` accepts, is
    /// over 6·10^17 s, and that many milliseconds overflowed Int64 (the config-duration fuzz target's crash input). Only a
    /// duration with a part under a second is spelt in `ms`, and `parse` makes those from at most
    /// 12 digits of milliseconds; a longer one (not from `parse`) loses its milliseconds.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let subsecond = attoseconds / 1_000_000_000_000_000
        if subsecond != 0 {
            let (milliseconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            let (total, totalOverflow) = milliseconds.addingReportingOverflow(subsecond)
            if !overflow, !totalOverflow { return "\(total)ms" }
        }
        for (suffix, unit) in units.reversed() where unit > 0 && seconds % unit == 0 && seconds > 0 {
            return "\(seconds / unit)\(suffix)"
        }
        return "\(seconds)s"
    }
}

/// Rates as the configuration writes them: `requests/duration`, `10/10m` — a positive whole number
/// of requests per a positive duration. Here, beside `DurationText`, so that `make fuzz` can feed
/// both without building the daemon.
public enum RateText {
    /// Parses `text`; nil unless it is a positive whole number, `/`, and a positive duration.
    public static func parse(_ text: String) -> (requests: Int, per: Duration)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let requests = Int(parts[0]), requests > 0,
              let per = DurationText.parse(String(parts[1])), per > .zero
        else { return nil }
        return (requests, per)
    }

    /// `requests/duration`, the duration in its shortest spelling.
    public static func format(requests: Int, per: Duration) -> String {
        "\(requests)/\(DurationText.format(per))"
    }
}
