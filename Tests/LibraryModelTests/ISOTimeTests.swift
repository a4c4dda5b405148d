import Foundation
import LibraryModel
import Testing

@Suite("ISO 8601 times as the APIs write them")
struct ISOTimeTests {
    private let foundation = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Foundation's formatter is the reference for the calendar; its milliseconds come from the binary
    /// fraction (1234567890.123 is written .122), so those are checked against the integer instead.
    @Test("the calendar as Foundation writes it, across centuries and leap days, and the exact millisecond")
    func sameCalendarAsFoundation() {
        var generator = SystemRandomNumberGenerator()
        // Up to year 3999: further out, a Double's seconds are coarser than the 10 µs a millisecond is given.
        var moments: [Int64] = [0, -1, -1000, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, -2_208_988_800_000, 64_060_588_799_999, -12_219_292_800_000]
        for _ in 0..<5_000 { moments.append(Int64.random(in: -12_219_292_800_000...64_060_588_799_999, using: &generator)) }
        for moment in moments {
            let (seconds, millisecond) = (moment.quotientAndRemainder(dividingBy: 1000))
            let wholeSeconds = millisecond < 0 ? seconds - 1 : seconds
            let milliseconds = millisecond < 0 ? millisecond + 1000 : millisecond
            let calendar = foundation.format(Date(timeIntervalSince1970: Double(wholeSeconds))).prefix(19)
            let expected = calendar + "." + String(String(milliseconds + 1000).dropFirst()) + "Z"
            #expect(ISOTime.format(Date(timeIntervalSince1970: Double(moment) / 1000)) == expected, "at \(moment) ms")
        }
    }

    @Test("examples, and a time read back is the time written")
    func examples() {
        #expect(ISOTime.format(Date(timeIntervalSince1970: 253_402_300_799.5)) == "9999-12-31T23:59:59.500Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: 1_764_623_738.25)) == "2025-12-01T21:15:38.250Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: 1_234_567_890.123)) == "2009-02-13T23:31:30.123Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(ISOTime.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        // Before the Gregorian calendar began, Foundation's own (Julian) text.
        let julian = Date(timeIntervalSince1970: -30_000_000_000)
        #expect(ISOTime.format(julian) == foundation.format(julian))
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        #expect(ISOTime.parse(ISOTime.format(now)).map { abs($0.timeIntervalSince(now)) < 0.0005 } == true)
    }
}
