import ActivationCore
public import Foundation

extension FuzzTargets {
    /// The configuration's duration and rate parsers (`30s`, `10/10m`): the configuration file is
    /// an operator's, but a reload takes whatever is in it.
    ///
    /// Properties: a parsed duration is never negative, prints in the shortest spelling, and that
    /// spelling parses back to the same duration; the same for a rate, whose parts are positive.
    public static func configDuration(_ data: Data) throws {
        let target = "config-duration"
        let text = String(decoding: data, as: UTF8.self)
        if let duration = DurationText.parse(text) {
            try require(duration >= .zero, target, "a duration is not negative")
            let printed = DurationText.format(duration)
            try require(DurationText.parse(printed) == duration, target, "a duration prints and parses back to itself")
            try require(printed.utf8.count <= text.utf8.count, target, "the printed duration is the shortest spelling")
        }
        if let rate = RateText.parse(text) {
            try require(rate.requests > 0 && rate.per > .zero, target, "a rate's parts are positive")
            let printed = RateText.format(requests: rate.requests, per: rate.per)
            let again = RateText.parse(printed)
            try require(again?.requests == rate.requests && again?.per == rate.per, target,
                        "a rate prints and parses back to itself")
        }
    }
}
