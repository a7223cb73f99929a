import Foundation

/// Dates in the forms mail needs, computed from the Unix time in UTC without a DateFormatter
/// (which is neither Sendable nor cheap to create once per message).
enum RFC5322Date {
    private static let days: [StaticString] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                                 "Nov", "Dec"]
    private static let monthNames: [StaticString] = ["January", "February", "March", "April", "May", "June", "July",
                                                     "August", "September", "October", "November", "December"]

    /// `Sun, 29 Nov 2026 03:39:09 +0000`, the RFC 5322 `date-time` in UTC.
    static func format(_ date: Date) -> String {
        text { append(date, to: &$0) }
    }

    /// Appends the RFC 5322 `date-time` of `date`, as `format` spells it, to a message being built.
    static func append(_ date: Date, to out: inout [UInt8]) {
        let c = components(date)
        out.append(ascii: days[c.weekday])
        out.append(ascii: ", ")
        out.append(decimal: c.day)
        out.append(UInt8(ascii: " "))
        out.append(ascii: months[c.month - 1])
        out.append(UInt8(ascii: " "))
        out.append(decimal: c.year)
        out.append(UInt8(ascii: " "))
        out.append(twoDigits: c.hour)
        out.append(UInt8(ascii: ":"))
        out.append(twoDigits: c.minute)
        out.append(UInt8(ascii: ":"))
        out.append(twoDigits: c.second)
        out.append(ascii: " +0000")
    }

    /// `29 November 2026 at 03:39 UTC`, for the body of a mail.
    static func human(_ date: Date) -> String {
        text { appendHuman(date, to: &$0) }
    }

    /// The text `write` appends to an empty buffer.
    private static func text(_ write: (inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        write(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `human(date)`'s bytes.
    static func appendHuman(_ date: Date, to out: inout [UInt8]) {
        let c = components(date)
        out.append(decimal: c.day)
        out.append(UInt8(ascii: " "))
        out.append(ascii: monthNames[c.month - 1])
        out.append(UInt8(ascii: " "))
        out.append(decimal: c.year)
        out.append(ascii: " at ")
        out.append(twoDigits: c.hour)
        out.append(UInt8(ascii: ":"))
        out.append(twoDigits: c.minute)
        out.append(ascii: " UTC")
    }

    /// Civil date from days since the epoch (Howard Hinnant's algorithm), and the time of day.
    static func components(_ date: Date)
        -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int)
    {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let dayNumber = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - dayNumber * 86_400
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((dayNumber % 7) + 7) % 7
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60, weekday)
    }
}
