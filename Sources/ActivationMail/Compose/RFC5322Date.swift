import Foundation

/// Dates in the forms mail needs, computed from the Unix time in UTC without a DateFormatter
/// (which is neither Sendable nor cheap to create once per message).
enum RFC5322Date {
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]

    /// `Sun, 29 Nov 2026 03:39:09 +0000`, the RFC 5322 `date-time` in UTC.
    static func format(_ date: Date) -> String {
        let c = components(date)
        return "\(days[c.weekday]), \(c.day) \(months[c.month - 1]) \(c.year) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) +0000"
    }

    /// `29 November 2026 at 03:39 UTC`, for the body of a mail.
    static func human(_ date: Date) -> String {
        let c = components(date)
        return "\(c.day) \(monthNames[c.month - 1]) \(c.year) at \(two(c.hour)):\(two(c.minute)) UTC"
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Civil date from days since the epoch (Howard Hinnant's algorithm), and the time of day.
    private static func components(_ date: Date)
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
