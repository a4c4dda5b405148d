import LibraryModel

/// Listening times as milliseconds since 1970 in UTC, to and from the ISO 8601 text the API uses.
///
/// Written by hand rather than with ISO8601DateFormatter: a history export runs this once per listen, and
/// the formatter is neither cheap to make nor safe to share between threads.
enum ListenTime {
    /// 2002-01-01T00:00:00Z: no service kept listening histories before then, so an earlier time is a
    /// mistake (seconds read as milliseconds the other way round, a zero, a default value).
    static let earliestPlausible: Int64 = 1_009_843_200_000

    /// `2023-11-14T22:13:20Z`, or `2023-11-14T22:13:20.250Z` when there are milliseconds.
    static func iso(milliseconds: Int64) -> String {
        let (seconds, fraction) = CivilCalendar.floorDivision(Int(milliseconds), 1000)
        let (days, second) = CivilCalendar.floorDivision(seconds, 86_400)
        let (year, month, day) = CivilCalendar.date(daysSince1970: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(second / 3600, 2) + ":" + pad(second / 60 % 60, 2) + ":" + pad(second % 60, 2)
        if fraction != 0 { text += "." + pad(fraction, 3) }
        return text + "Z"
    }

    /// Read as `ISOTime.milliseconds(parsing:)` reads it.
    static func milliseconds(iso text: String) -> Int64? { ISOTime.milliseconds(parsing: text) }

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
