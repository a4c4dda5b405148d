public import Foundation

/// ISO 8601 times as the listeners' API writes and reads them: UTC with milliseconds when written
/// (`2026-12-01T21:15:38.250Z`), with or without fractions and with any offset when read.
public enum ISOTime {
    private static let withFractions = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFractions = Date.ISO8601FormatStyle()

    public static func format(_ date: Date) -> String {
        withFractions.format(date)
    }

    public static func parse(_ text: String) -> Date? {
        if let date = try? withFractions.parse(text) { return date }
        if let date = try? withoutFractions.parse(text) { return date }
        // Offsets other than Z ("+02:00") are read by the formatter that allows any time zone.
        return try? Date.ISO8601FormatStyle(timeZone: .current).parse(text)
    }
}
