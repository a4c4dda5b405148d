public import Foundation

/// ISO 8601 times as the listeners' API writes and reads them: UTC with milliseconds when written
/// (`2026-12-01T21:15:38.250Z`), with or without fractions and with any offset when read.
public enum ISOTime {
    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFractions = Date.ISO8601FormatStyle()

    /// Written by hand from the civil calendar: Foundation's formatter cost more than the rest of a Subsonic
    /// song element, and listings write one or more times per song. The calendar is Foundation's; the
    /// milliseconds are the time's own, truncated (Foundation writes 1234567890.123 as .122), from the
    /// Gregorian calendar's first day (Foundation is Julian before it) to the end of year 9999, and
    /// Foundation's text outside them.
    public static func format(_ date: Date) -> String {
        // A Date counts from 2001, so a whole millisecond since 1970 can come back a hair short of itself:
        // within 10 µs of the next millisecond counts as that one.
        let milliseconds = (date.timeIntervalSince1970 * 1000 + 0.01).rounded(.down)
        guard milliseconds >= -12_219_292_800_000, milliseconds < 253_402_300_800_000 else { return withFractions.format(date) }
        let total = Int(milliseconds)
        let (seconds, millisecond) = CivilCalendar.floorDivision(total, 1000)
        let (days, secondOfDay) = CivilCalendar.floorDivision(seconds, 86_400)
        let (year, month, day) = CivilCalendar.date(daysSince1970: days)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(millisecond, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? withFractions.parse(text) { return date }
        if let date = try? withoutFractions.parse(text) { return date }
        // Offsets other than Z ("+02:00") are read by the formatter that allows any time zone.
        return try? Date.ISO8601FormatStyle(timeZone: .current).parse(text)
    }
}
