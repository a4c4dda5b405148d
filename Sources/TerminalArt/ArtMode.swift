/// How covers reach the screen. The UI draws one of these; `ArtChoice.choose` picks it.
///
/// The raw values are what logs and the status line print (and what `--art` accepts for the modes a
/// person can force: see `ArtSetting`).
public enum ArtMode: String, Sendable, CaseIterable {
    /// Kitty graphics shown through Unicode placeholders (kitty ≥ 0.28, Ghostty): the picture is
    /// transmitted once, and ncurses draws ordinary text cells (U+10EEEE with diacritics) that the
    /// terminal replaces with it. The only pixel protocol that survives tmux redraws and never ghosts.
    case kittyPlaceholders = "kitty"
    /// Kitty graphics placed at the cursor (`a=p`), for terminals that speak the protocol but predate
    /// placeholders (kitty 0.26, WezTerm, Konsole). Outside tmux only: tmux does not move placements.
    case kittyDirect = "kitty-direct"
    /// iTerm2's inline images (OSC 1337), which WezTerm speaks too. Outside tmux only.
    case iterm
    /// DEC sixel, encoded by libchafa.
    case sixel
    /// Half-blocks (`▀`, top pixel in the foreground, bottom in the background), drawn by ncurses as
    /// ordinary cells: works everywhere there are 256 colours, tmux included.
    case blocks
    /// No art.
    case off

    /// Whether the mode writes pixels the terminal draws over the cells (so it needs the cell size in
    /// pixels, and in tmux, passthrough).
    public var isPixelProtocol: Bool {
        switch self {
        case .kittyPlaceholders, .kittyDirect, .iterm, .sixel: true
        case .blocks, .off: false
        }
    }
}

/// What a person asked for, from `--art`, `TERMPLAYER_ART` or `art = …` in the config file.
///
/// Separate from `ArtMode` because a person says "kitty", not which of kitty's two ways: that depends on
/// the terminal (placeholders where it has them, or in tmux, where nothing else survives; direct
/// placement otherwise).
public enum ArtSetting: String, Sendable, CaseIterable {
    case auto, kitty, iterm, sixel, blocks, off

    /// Reads a setting as a person types it: case and surrounding spaces ignored, and the names other
    /// players use accepted too (`iterm2`, `none`, `halfblocks`…). Nil for anything else, so the caller
    /// can name the allowed values (`ArtSetting.allCases`).
    public init?(parsing text: String) {
        let word = String(text.unicodeScalars.filter { $0 != " " && $0 != "\t" }).lowercased()
        if let exact = ArtSetting(rawValue: word) {
            self = exact
            return
        }
        switch word {
        case "iterm2", "wezterm": self = .iterm
        case "kitty-placeholders", "kitty-direct", "ghostty": self = .kitty
        case "block", "halfblocks", "half-blocks", "symbols", "ansi": self = .blocks
        case "none", "no", "false", "0", "disabled": self = .off
        case "", "yes", "true", "on", "1", "detect": self = .auto
        default: return nil
        }
    }
}
