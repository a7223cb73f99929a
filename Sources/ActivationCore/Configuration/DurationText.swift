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
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        let seconds = milliseconds / 1000
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
