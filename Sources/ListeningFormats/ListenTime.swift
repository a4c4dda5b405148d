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

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM|±HH]` (a space for the T, a lower-case t or z
    /// accepted). Without a zone the time is taken as UTC, as services write it. Digits past milliseconds
    /// are dropped.
    static func milliseconds(iso text: String) -> Int64? {
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

    private static func pad(_ value: some BinaryInteger, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
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
