import Testing
import TerminalUI

@Suite("Text widths and frames")
struct TextAndFrameTests {
    @Test("columns: ASCII 1, CJK and emoji 2, combining marks and joiners 0", arguments: [
        ("abc", 3), ("夜明けの信号", 12), ("한국어", 6), ("Ｆｕｌｌ", 8), ("🎵", 2), ("👍🏽", 2), ("❤️", 2),
        ("e\u{301}", 1), ("Crème Brûlée", 12), ("🇯🇵", 2), ("", 0),
    ])
    func columns(text: String, expected: Int) {
        #expect(TextWidth.columns(of: text) == expected)
    }

    @Test("truncating keeps whole characters and ends in an ellipsis")
    func truncation() {
        #expect(TextWidth.truncate("Starting Over", to: 20) == "Starting Over")
        #expect(TextWidth.truncate("Starting Over", to: 8) == "Startin…")
        #expect(TextWidth.truncate("夜明けの信号", to: 7) == "夜明け…")
        #expect(TextWidth.truncate("夜明けの信号", to: 6) == "夜明…")
        #expect(TextWidth.columns(of: TextWidth.truncate("夜明けの信号", to: 6)) <= 6)
        #expect(TextWidth.truncate("abc", to: 0) == "")
        #expect(TextWidth.fit("ab", to: 4) == "ab  ")
    }

    @Test("a wide character takes two cells; overwriting half of it blanks the other half")
    func wideCells() {
        var frame = Frame(width: 6, height: 1)
        let end = frame.put("a夜b", x: 0, y: 0)
        #expect(end == 4)
        #expect(frame.line(0) == "a夜b  ")
        #expect(frame[2, 0].character == nil)
        frame.put("x", x: 2, y: 0)
        #expect(frame.line(0) == "a xb  ")
        frame.put("信号", x: 3, y: 0)
        #expect(frame.line(0) == "a x信 ", "a character that does not fit whole is left out")
    }
}
