import Testing
import TerminalArt

@Suite struct ArtChoiceTests {
    static let terminal = ["TERM": "xterm-256color"]
    static let inTmux = ["TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1234,0", "TERM_PROGRAM": "tmux"]

    static func choose(
        _ replies: String?,
        setting: ArtSetting = .auto,
        environment: [String: String] = terminal,
        colors: Int = 256,
        isTTY: Bool = true,
        passthrough: Bool? = nil
    ) -> (mode: ArtMode, hint: String?) {
        ArtChoice.choose(
            setting: setting, replies: replies.map(CannedReplies.parse), environment: environment,
            colors: colors, isTTY: isTTY, tmuxPassthrough: passthrough
        )
    }

    @Test func queriesOutsideTmux() {
        let queries = ArtChoice.queries(kittyID: 31, inTmux: false)
        #expect(String(decoding: queries.bytes, as: UTF8.self)
            == "\u{1B}_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\u{1B}\\\u{1B}[16t\u{1B}[14t\u{1B}[18t\u{1B}[>0q\u{1B}[c")
        #expect(queries.kittyID == 31 && !queries.throughPassthrough)
    }

    @Test func queriesInTmuxAreWrappedButDA1() {
        let text = String(decoding: ArtChoice.queries(kittyID: 31, inTmux: true).bytes, as: UTF8.self)
        let expected = [KittyGraphics.query(id: 31), "\u{1B}[16t", "\u{1B}[14t", "\u{1B}[18t", "\u{1B}[>0q", "\u{1B}[5n"]
            .map(TmuxPassthrough.wrap).joined() + "\u{1B}[c"
        #expect(text == expected)
        #expect(text.hasSuffix("\u{1B}\\\u{1B}[c"))  // DA1 last, outside any envelope
        // Without passthrough only DA1: the rest would be dropped.
        #expect(ArtChoice.queries(kittyID: 31, inTmux: true, passthrough: false).bytes == Array("\u{1B}[c".utf8))
    }

    @Test func forcedSettingsWin() {
        for (setting, mode) in [(ArtSetting.off, ArtMode.off), (.blocks, .blocks), (.sixel, .sixel), (.iterm, .iterm)] {
            #expect(Self.choose(CannedReplies.kitty, setting: setting).mode == mode)
            // Even where auto would turn art off.
            #expect(Self.choose(nil, setting: setting, environment: ["TERM": "dumb", "NO_COLOR": "1"], colors: 8, isTTY: false).mode == mode)
        }
        // Forced kitty: placeholders where the terminal has them or in tmux, direct otherwise.
        #expect(Self.choose(CannedReplies.kitty, setting: .kitty).mode == .kittyPlaceholders)
        #expect(Self.choose(CannedReplies.kittyOld, setting: .kitty).mode == .kittyDirect)
        #expect(Self.choose(nil, setting: .kitty).mode == .kittyDirect)
        #expect(Self.choose(nil, setting: .kitty, environment: Self.inTmux, passthrough: true) == (.kittyPlaceholders, nil))
        // Forced into tmux without passthrough: honoured, with the hint.
        #expect(Self.choose(nil, setting: .kitty, environment: Self.inTmux, passthrough: false) == (.kittyPlaceholders, ArtChoice.passthroughHint))
        #expect(Self.choose(nil, setting: .iterm, environment: Self.inTmux, passthrough: false).hint == ArtChoice.passthroughHint)
        #expect(Self.choose(nil, setting: .blocks, environment: Self.inTmux, passthrough: false).hint == nil)
    }

    @Test func autoIsOffWhereArtDoesNotBelong() {
        let kitty = CannedReplies.kitty
        #expect(Self.choose(kitty, environment: ["TERM": "xterm-kitty", "NO_COLOR": "1"]).mode == .off)
        #expect(Self.choose(kitty, environment: ["TERM": "xterm-kitty", "NO_COLOR": ""]).mode == .kittyPlaceholders)  // empty = unset
        for term in ["dumb", "linux", "vt100", "vt220"] {
            #expect(Self.choose(kitty, environment: ["TERM": term]) == (.off, nil), "\(term)")
        }
        #expect(Self.choose(kitty, environment: [:]).mode == .off)
        #expect(Self.choose(kitty, colors: 8).mode == .off)
        #expect(Self.choose(kitty, colors: 88).mode == .off)
        #expect(Self.choose(kitty, isTTY: false).mode == .off)
        #expect(Self.choose(kitty, colors: 16_777_216).mode == .kittyPlaceholders)
    }

    @Test func outsideTmux() {
        #expect(Self.choose(CannedReplies.kitty) == (.kittyPlaceholders, nil))
        #expect(Self.choose(CannedReplies.ghostty) == (.kittyPlaceholders, nil))
        #expect(Self.choose(CannedReplies.kittyOld) == (.kittyDirect, nil))
        #expect(Self.choose(CannedReplies.wezterm) == (.iterm, nil))  // before sixel, which it also has
        // Debian's xterm -ti vt340 answers DA1 with 4 but no size query (window ops are off by default):
        // a sixel cover drawn at a guessed cell size spilled over the text in a screenshot under Xvfb.
        #expect(Self.choose(CannedReplies.xtermVT340) == (.blocks, ArtChoice.sixelSizeHint))
        #expect(Self.choose(CannedReplies.xtermVT340Sized) == (.sixel, nil))
        #expect(Self.choose("") == (.blocks, nil))  // silent terminal
        #expect(Self.choose(nil) == (.blocks, nil))  // not asked
        // iTerm2 by environment when the terminal says nothing about itself.
        #expect(Self.choose("\u{1B}[?62;4c", environment: ["TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"]).mode == .iterm)
        #expect(Self.choose("", environment: ["TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"]).mode == .iterm)
        #expect(Self.choose("\u{1B}P>|iTerm2 3.5.0\u{1B}\\\u{1B}[?62;4c").mode == .iterm)
        // Ghostty named only by TERM_PROGRAM, answering a=q.
        #expect(Self.choose("\u{1B}_Gi=31;OK\u{1B}\\\u{1B}[?62c", environment: ["TERM": "xterm-ghostty", "TERM_PROGRAM": "ghostty"]).mode == .kittyPlaceholders)
        // A terminal that refuses the query (an error, not OK) is not used for kitty.
        #expect(Self.choose("\u{1B}_Gi=31;ENOTSUPPORTED\u{1B}\\\u{1B}[?62c").mode == .blocks)
    }

    @Test func insideTmux() {
        let tmux = Self.inTmux
        // Passthrough on, kitty ≥ 0.28 outside: placeholders, the one pixel protocol that survives tmux.
        #expect(Self.choose(CannedReplies.tmuxPassthroughKitty, environment: tmux, passthrough: true) == (.kittyPlaceholders, nil))
        // Passthrough on, kitty 0.26 outside: no placeholders, and direct placement does not survive tmux.
        let oldKitty = "\u{1B}[?1;2c" + CannedReplies.kittyOld.replacingOccurrences(of: "\u{1B}[?62;c", with: "\u{1B}[0n")
        #expect(Self.choose(oldKitty, environment: tmux, passthrough: true) == (.blocks, nil))
        // Passthrough on, WezTerm outside: no iTerm2 in tmux either.
        let wezterm = "\u{1B}[?1;2c" + CannedReplies.wezterm.replacingOccurrences(of: "\u{1B}[?65;4;6;18;22c", with: "\u{1B}[0n")
        #expect(Self.choose(wezterm, environment: tmux.merging(["TERM_PROGRAM": "WezTerm"]) { $1 }, passthrough: true) == (.blocks, nil))
        // Passthrough off: blocks and the hint, whatever the outer terminal is.
        let off = Self.choose(CannedReplies.tmuxNoPassthrough, environment: tmux, passthrough: false)
        #expect(off == (.blocks, ArtChoice.passthroughHint))
        #expect(Self.choose(CannedReplies.tmuxNoPassthrough, environment: tmux, passthrough: nil) == (.blocks, ArtChoice.passthroughHint))
        #expect(ArtChoice.passthroughHint.contains("tmux set -g allow-passthrough on"))
        // tmux 3.4 built with sixel says so in its own DA1: sixel, with or without passthrough.
        #expect(Self.choose("\u{1B}[6;16;8t\u{1B}[?1;2;4c", environment: tmux, passthrough: false) == (.sixel, nil))
        #expect(Self.choose("\u{1B}[6;16;8t\u{1B}[?1;2;4c", environment: tmux, passthrough: true) == (.sixel, nil))
        // …and without a cell size, blocks.
        #expect(Self.choose("\u{1B}[?1;2;4c", environment: tmux, passthrough: true) == (.blocks, ArtChoice.sixelSizeHint))
        // A silent pane.
        #expect(Self.choose("", environment: tmux, passthrough: true) == (.blocks, nil))
        // Off rules hold in tmux too.
        #expect(Self.choose(CannedReplies.tmuxPassthroughKitty, environment: tmux, colors: 8, passthrough: true) == (.off, nil))
    }

    @Test func queryOnlyWhereItCanMatter() {
        let term = Self.terminal
        #expect(ArtChoice.shouldQuery(setting: .auto, environment: term, colors: 256, isTTY: true))
        #expect(!ArtChoice.shouldQuery(setting: .auto, environment: term, colors: 256, isTTY: false))
        #expect(!ArtChoice.shouldQuery(setting: .auto, environment: ["TERM": "linux"], colors: 256, isTTY: true))
        #expect(!ArtChoice.shouldQuery(setting: .auto, environment: term, colors: 8, isTTY: true))
        #expect(!ArtChoice.shouldQuery(setting: .blocks, environment: term, colors: 256, isTTY: true))
        #expect(!ArtChoice.shouldQuery(setting: .off, environment: term, colors: 256, isTTY: true))
        #expect(ArtChoice.shouldQuery(setting: .sixel, environment: ["TERM": "dumb"], colors: 8, isTTY: true))
    }

    @Test func placeholderVersions() {
        #expect(ArtChoice.placeholdersSupported(version: "kitty(0.28.0)"))
        #expect(ArtChoice.placeholdersSupported(version: "kitty(0.35.2)"))
        #expect(ArtChoice.placeholdersSupported(version: "kitty(1.0.0)"))
        #expect(!ArtChoice.placeholdersSupported(version: "kitty(0.27.1)"))
        #expect(!ArtChoice.placeholdersSupported(version: "kitty(0.26.5)"))
        #expect(ArtChoice.placeholdersSupported(version: "ghostty 1.1.3"))
        #expect(!ArtChoice.placeholdersSupported(version: "WezTerm 20240203-110809-5046fc22"))
        #expect(!ArtChoice.placeholdersSupported(version: "kitty"))
        #expect(!ArtChoice.placeholdersSupported(version: ""))
    }

    @Test func settingsParseAsPeopleTypeThem() {
        for setting in ArtSetting.allCases {
            #expect(ArtSetting(parsing: setting.rawValue) == setting)
            #expect(ArtSetting(parsing: " \(setting.rawValue.uppercased()) ") == setting)
        }
        #expect(ArtSetting(parsing: "iterm2") == .iterm)
        #expect(ArtSetting(parsing: "none") == .off)
        #expect(ArtSetting(parsing: "") == .auto)
        #expect(ArtSetting(parsing: "kitty-direct") == .kitty)
        #expect(ArtSetting(parsing: "sixels") == nil)
        #expect(ArtMode.kittyPlaceholders.rawValue == "kitty")
        #expect(ArtMode.allCases.filter(\.isPixelProtocol) == [.kittyPlaceholders, .kittyDirect, .iterm, .sixel])
    }
}
