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
        let (seconds, millisecond) = floorDivision(total, 1000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
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

    private static func floorDivision(_ value: Int, _ divisor: Int) -> (quotient: Int, remainder: Int) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// The proleptic Gregorian date `days` after 1970-01-01, counted in 400-year eras of 146,097 days.
    private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // from 0000-03-01, so a leap day ends its year
        let era = floorDivision(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
