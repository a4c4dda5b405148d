public import Foundation

/// ISO 8601 times as the listeners' API writes and reads them: UTC with milliseconds when written
/// (`2026-12-01T21:15:38.250Z`), with or without fractions and with any offset when read.
public enum ISOTime {
    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

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

    /// Read by hand (`milliseconds(parsing:)`): Foundation's parser refused valid RFC 3339 times (a year
    /// before 1000, an offset past ±18 hours) that clients and the API's own schema allow.
    public static func parse(_ text: String) -> Date? {
        milliseconds(parsing: text).map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]` (a space for the T, a lower-case t or z
    /// accepted), any year of four digits and any offset under a day, as RFC 3339 allows. Without a zone the
    /// time is taken as UTC, as services write it. Digits past milliseconds are dropped.
    public static func milliseconds(parsing text: String) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2),
            scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2), scanner.skip(":"),
            let second = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var milliseconds: Int64 = 0
        if scanner.skip(".") || scanner.skip(",") {
            var scale: Int64 = 100
            var digits = 0
            while let digit = scanner.digit() {
                milliseconds += Int64(digit) * scale
                scale /= 10
                digits += 1
            }
            guard digits > 0 else { return nil }
        }
        var offsetMinutes: Int64 = 0
        if scanner.skip("Z") || scanner.skip("z") || scanner.atEnd {
            offsetMinutes = 0
        } else if let sign: Int64 = scanner.skip("+") ? 1 : scanner.skip("-") ? -1 : nil {
            guard let hours = scanner.number(digits: 2), hours < 24 else { return nil }
            _ = scanner.skip(":")
            let minutes = scanner.atEnd ? 0 : scanner.number(digits: 2)
            guard let minutes, minutes < 60 else { return nil }
            offsetMinutes = sign * Int64(hours * 60 + minutes)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        let days = Int64(CivilCalendar.daysSince1970(year: year, month: month, day: day))
        // A leap second (:60) reads as the last millisecond before the next minute starts.
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - offsetMinutes * 60
        return seconds * 1000 + (second == 60 ? 999 : milliseconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads fixed-width decimal fields off UTF-8 bytes.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    mutating func digit() -> Int? {
        guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
        defer { index += 1 }
        return Int(bytes[index] - UInt8(ascii: "0"))
    }

    mutating func number(digits count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }
}
