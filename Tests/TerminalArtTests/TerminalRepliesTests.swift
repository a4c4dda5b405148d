import Testing
import TerminalArt

/// Replies as terminals give them to `ArtChoice.queries` (kitty a=q with id 31, 16t, 14t, 18t, XTVERSION,
/// DA1), from their documentation and from running them here where they are installed.
enum CannedReplies {
    static let esc = "\u{1B}"
    static let kitty = "\(esc)_Gi=31;OK\(esc)\\\(esc)[6;20;10t\(esc)[4;600;800t\(esc)[8;30;80t\(esc)P>|kitty(0.35.2)\(esc)\\\(esc)[?62;c"
    static let kittyOld = "\(esc)_Gi=31;OK\(esc)\\\(esc)[6;18;9t\(esc)[4;540;720t\(esc)[8;30;80t\(esc)P>|kitty(0.26.5)\(esc)\\\(esc)[?62;c"
    static let ghostty = "\(esc)_Gi=31;OK\(esc)\\\(esc)[6;34;17t\(esc)[4;1020;1360t\(esc)[8;30;80t\(esc)P>|ghostty 1.1.3\(esc)\\\(esc)[?62;22c"
    /// WezTerm with its default `enable_kitty_graphics = false`: no answer to a=q.
    static let wezterm = "\(esc)[6;17;8t\(esc)[4;510;640t\(esc)[8;30;80t\(esc)P>|WezTerm 20240203-110809-5046fc22\(esc)\\\(esc)[?65;4;6;18;22c"
    /// `xterm -ti vt340`: sixel in DA1, no kitty, window reports disallowed by default.
    static let xtermVT340 = "\(esc)P>|XTerm(379)\(esc)\\\(esc)[?63;1;2;3;4;6;9;15;16;22;28c"
    /// The same xterm with `allowWindowOps: true`: it tells its cell size (6 × 13, the default font).
    static let xtermVT340Sized = "\(esc)[6;13;6t\(esc)P>|XTerm(379)\(esc)\\\(esc)[?63;1;2;3;4;6;9;15;16;22;28c"
    /// tmux 3.3a with passthrough off: everything wrapped is dropped, and tmux answers DA1 itself.
    static let tmuxNoPassthrough = "\(esc)[?1;2c"
    /// tmux 3.3a with passthrough on, outer kitty: tmux's own DA1 at once, the outer terminal's replies
    /// (and the status report sentinel) a round trip later. Measured here with a fake outer terminal.
    static let tmuxPassthroughKitty = "\(esc)[?1;2c" + "\(esc)_Gi=31;OK\(esc)\\"
        + "\(esc)[6;20;10t\(esc)[4;600;800t\(esc)[8;30;80t\(esc)P>|kitty(0.35.2)\(esc)\\\(esc)[0n"

    static func parse(_ text: String) -> TerminalReplies { TerminalReplies.parse(Array(text.utf8), kittyQueryID: 31) }
}

@Suite struct TerminalRepliesTests {
    @Test func kitty() {
        let replies = CannedReplies.parse(CannedReplies.kitty)
        #expect(replies.kittyGraphics)
        #expect(replies.kittyMessage == "OK")
        #expect(replies.cellPixels == PixelSize(width: 10, height: 20))
        #expect(replies.windowPixels == PixelSize(width: 800, height: 600))
        #expect(replies.windowCells == CellSize(columns: 80, rows: 30))
        #expect(replies.version == "kitty(0.35.2)")
        #expect(replies.primaryAttributes == [62])
        #expect(!replies.sixel)
        #expect(replies.sawDeviceAttributes)
        #expect(!replies.sawStatusReport)
    }

    @Test func wezterm() {
        let replies = CannedReplies.parse(CannedReplies.wezterm)
        #expect(!replies.kittyGraphics && replies.kittyMessage == nil)
        #expect(replies.version == "WezTerm 20240203-110809-5046fc22")
        #expect(replies.primaryAttributes == [65, 4, 6, 18, 22])
        #expect(replies.sixel)
        #expect(replies.cellPixels == PixelSize(width: 8, height: 17))
    }

    @Test func xtermAsVT340() {
        let replies = CannedReplies.parse(CannedReplies.xtermVT340)
        #expect(!replies.kittyGraphics)
        #expect(replies.sixel)
        #expect(replies.version == "XTerm(379)")
        #expect(replies.cellPixels == nil && replies.windowPixels == nil)
        #expect(replies.sawDeviceAttributes)
    }

    @Test func tmuxWithoutPassthrough() {
        let replies = CannedReplies.parse(CannedReplies.tmuxNoPassthrough)
        #expect(replies.primaryAttributes == [1, 2])
        #expect(!replies.sixel && !replies.kittyGraphics && replies.version == nil && replies.cellPixels == nil)
        #expect(replies.sawDeviceAttributes)
    }

    @Test func tmuxWithPassthroughIsAnsweredOnlyWhenTheStatusReportIsIn() {
        let queries = ArtChoice.queries(kittyID: 31, inTmux: true)
        let early = CannedReplies.parse(CannedReplies.tmuxNoPassthrough)  // tmux's DA1, before the round trip
        #expect(!queries.isAnswered(by: early))
        let all = CannedReplies.parse(CannedReplies.tmuxPassthroughKitty)
        #expect(queries.isAnswered(by: all))
        #expect(all.kittyGraphics && all.version == "kitty(0.35.2)" && all.primaryAttributes == [1, 2])
        // Outside tmux, DA1 is the end.
        #expect(ArtChoice.queries(kittyID: 31, inTmux: false).isAnswered(by: CannedReplies.parse(CannedReplies.kitty)))
        #expect(!ArtChoice.queries(kittyID: 31, inTmux: false).isAnswered(by: TerminalReplies()))
    }

    @Test func silentTerminal() {
        let replies = TerminalReplies.parse([], kittyQueryID: 31)
        #expect(replies == TerminalReplies())
        #expect(!replies.sawDeviceAttributes && !replies.kittyGraphics && replies.version == nil && replies.primaryAttributes.isEmpty)
    }

    @Test func repliesRunTogetherAndSplitAnywhere() {
        let stream = CannedReplies.kitty + CannedReplies.wezterm
        let bytes = Array(stream.utf8)
        let whole = TerminalReplies.parse(bytes, kittyQueryID: 31)
        #expect(whole.kittyGraphics && whole.version == "kitty(0.35.2)")  // the first XTVERSION is kept
        #expect(whole.primaryAttributes == [62, 65, 4, 6, 18, 22])
        // Cut short anywhere: never a crash, never a reply that was not complete.
        for cut in 0...bytes.count {
            let partial = TerminalReplies.parse(Array(bytes[0..<cut]), kittyQueryID: 31)
            let okEnd = Array(CannedReplies.kitty.utf8).count
            if partial.sawDeviceAttributes { #expect(cut >= Array("\u{1B}_Gi=31;OK\u{1B}\\".utf8).count) }
            if cut < okEnd { #expect(!partial.primaryAttributes.contains(65)) }
            if cut < Array("\u{1B}_Gi=31;OK\u{1B}\\".utf8).count { #expect(!partial.kittyGraphics, "cut at \(cut)") }
        }
        // A read that stops in the middle of the XTVERSION string: no version yet, the rest counted.
        let upToVersion = Array(CannedReplies.kitty.utf8.prefix(CannedReplies.kitty.utf8.count - 15))
        let partial = TerminalReplies.parse(upToVersion, kittyQueryID: 31)
        #expect(partial.kittyGraphics && partial.cellPixels != nil && partial.version == nil && !partial.sawDeviceAttributes)
        // The next read completes it.
        #expect(TerminalReplies.parse(upToVersion + Array(CannedReplies.kitty.utf8.suffix(15)), kittyQueryID: 31) == CannedReplies.parse(CannedReplies.kitty))
    }

    @Test func garbageInBetween() {
        let esc = "\u{1B}"
        let noisy = "q" + "\(esc)[A" + "\(esc)_Gi=31;OK\(esc)\\" + "\u{7F}\(esc)x junk \u{FF}" + "\(esc)]11;rgb:0000/0000/0000\u{07}"
            + "\(esc)[6;20;10t" + "\(esc)" + "\(esc)[>1;4000;0c" + "héllo" + "\(esc)P>|kitty(0.35.2)\(esc)\\" + "\r\n" + "\(esc)[?62;c" + "\(esc)[B"
        let replies = CannedReplies.parse(noisy)
        #expect(replies.kittyGraphics)
        #expect(replies.cellPixels == PixelSize(width: 10, height: 20))
        #expect(replies.version == "kitty(0.35.2)")
        #expect(replies.primaryAttributes == [62])  // DA2 (`CSI > … c`) is not DA1
        #expect(replies.sawDeviceAttributes)
    }

    @Test func anotherIdOrAnErrorIsNotSupport() {
        let esc = "\u{1B}"
        let other = CannedReplies.parse("\(esc)_Gi=99;OK\(esc)\\\(esc)[?62;c")
        #expect(!other.kittyGraphics && other.kittyMessage == nil)
        let refused = CannedReplies.parse("\(esc)_Gi=31;EINVAL:unsupported format\(esc)\\\(esc)[?62;c")
        #expect(!refused.kittyGraphics && refused.kittyMessage == "EINVAL:unsupported format")
        // i=31 must be a whole key, not a prefix of i=310.
        #expect(!CannedReplies.parse("\(esc)_Gi=310;OK\(esc)\\").kittyGraphics)
    }

    @Test func aSequenceInterruptedByAnotherIsDropped() {
        let esc = "\u{1B}"
        let replies = CannedReplies.parse("\(esc)_Gi=31;O\(esc)[?62;4c\(esc)P>|kitty(0.35.2\(esc)[6;20;10t")
        #expect(!replies.kittyGraphics && replies.version == nil)
        #expect(replies.primaryAttributes == [62, 4] && replies.cellPixels == PixelSize(width: 10, height: 20))
    }

    @Test func cellSizeFromTheTextArea() {
        let esc = "\u{1B}"
        // No 16t answer: 14t ÷ 18t.
        let derived = CannedReplies.parse("\(esc)[4;600;800t\(esc)[8;30;80t\(esc)[?62c")
        #expect(derived.cellPixels == PixelSize(width: 10, height: 20))
        // 14t only: the caller supplies the cell count (from TIOCGWINSZ).
        let windowOnly = CannedReplies.parse("\(esc)[4;600;800t")
        #expect(windowOnly.cellPixels == nil)
        #expect(windowOnly.cellPixels(columns: 100, rows: 40) == PixelSize(width: 8, height: 15))
        #expect(windowOnly.cellPixels(columns: 0, rows: 0) == nil)
        // Zeros (Win32-OpenSSH, some multiplexers) are no answer.
        #expect(CannedReplies.parse("\(esc)[6;0;0t\(esc)[4;0;0t").cellPixels == nil)
        // A reported cell size wins over the derived one.
        #expect(CannedReplies.parse("\(esc)[4;600;800t\(esc)[8;30;80t\(esc)[6;21;11t").cellPixels == PixelSize(width: 11, height: 21))
    }

    @Test func hugeOrEndlessInputIsHarmless() {
        let esc = "\u{1B}"
        // A string sequence that never ends, then a DA1: the scanner gives up on the string and goes on.
        let endless = "\(esc)P>|" + String(repeating: "x", count: 10_000) + "\(esc)[?62c"
        #expect(CannedReplies.parse(endless).sawDeviceAttributes)
        let digits = "\(esc)[6;" + String(repeating: "9", count: 40) + ";10t"
        _ = CannedReplies.parse(digits)  // no overflow trap
        #expect(TerminalReplies.parse(Array(repeating: 0x1B, count: 1000), kittyQueryID: 1) == TerminalReplies())
    }
}
