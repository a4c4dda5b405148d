/// Picking how to show covers: what to ask the terminal, and what to make of its answers.
///
/// The answers come from the terminal itself, read once at start before ncurses takes the tty (the UI's
/// terminal layer writes `queries` and reads for ~300 ms at most); environment variables are only a
/// hint, since they go stale inside tmux and do not cross SSH.
public enum ArtChoice {
    /// The detection queries, and how to tell when all their answers are in.
    public struct Queries: Sendable, Equatable {
        /// What to write to the tty, all at once.
        public let bytes: [UInt8]
        /// The id in the kitty query: pass it to `TerminalReplies.parse`.
        public let kittyID: UInt32
        /// The queries went through tmux's passthrough, with a status report as their sentinel.
        public let throughPassthrough: Bool

        /// Whether every reply that is coming has come, so reading can stop before the timeout.
        /// Outside tmux that is DA1. In tmux, DA1 comes from tmux itself at once, while the passthrough
        /// replies make a round trip to the outer terminal (measured here: 160 ms later with a slow one),
        /// so it also takes the reply to the wrapped status report, which every terminal answers last.
        public func isAnswered(by replies: TerminalReplies) -> Bool {
            replies.sawDeviceAttributes && (!throughPassthrough || replies.sawStatusReport)
        }
    }

    /// The queries to send: kitty `a=q` with `kittyID` (use a fresh random one, so no stale image is
    /// touched), CSI 16t (cell size), 14t and 18t (text area in pixels and in cells, for terminals that
    /// do not answer 16t), XTVERSION, and DA1 last as the sentinel: every terminal answers DA1, in order.
    ///
    /// In tmux, each is wrapped for passthrough and a wrapped status report (CSI 5n) goes last among
    /// them; DA1 stays unwrapped, because tmux answers it itself (and swallows the outer terminal's
    /// answer), which is what tells whether tmux draws sixel. Without passthrough only DA1 is sent:
    /// tmux would drop the rest, and waiting for them would only cost the timeout.
    public static func queries(kittyID: UInt32, inTmux: Bool, passthrough: Bool = true) -> Queries {
        let deviceAttributes = "\u{1B}[c"
        let outer = [KittyGraphics.query(id: kittyID), "\u{1B}[16t", "\u{1B}[14t", "\u{1B}[18t", "\u{1B}[>0q"]
        let text: String
        switch (inTmux, passthrough) {
        case (false, _): text = outer.joined() + deviceAttributes
        case (true, true): text = (outer + ["\u{1B}[5n"]).map(TmuxPassthrough.wrap).joined() + deviceAttributes
        case (true, false): text = deviceAttributes
        }
        return Queries(bytes: Array(text.utf8), kittyID: kittyID, throughPassthrough: inTmux && passthrough)
    }

    /// Whether asking the terminal is worth it: not for `off` or `blocks`, nor where `auto` turns art
    /// off anyway (a query the terminal does not understand may show as junk, on the Linux console say).
    /// Forced pixel settings still ask, for the cell size (and, for kitty, placeholders or not).
    public static func shouldQuery(setting: ArtSetting, environment: [String: String], colors: Int, isTTY: Bool) -> Bool {
        guard isTTY else { return false }
        switch setting {
        case .off, .blocks: return false
        case .kitty, .iterm, .sixel: return true
        case .auto: return artBelongs(environment: environment, colors: colors)
        }
    }

    /// Whether this process runs inside tmux (`TMUX` is set; `TERM` is not reliable, people set it).
    public static func inTmux(_ environment: [String: String]) -> Bool {
        !(environment["TMUX"] ?? "").isEmpty
    }

    /// Said once (in the status line) when covers are blocks only because tmux keeps images from the
    /// terminal.
    public static let passthroughHint =
        "Covers are in blocks: tmux keeps images from the terminal. For sharp covers (kitty ≥ 0.28, Ghostty): "
        + "tmux set -g allow-passthrough on"

    /// Said once when the terminal draws sixel but would not say how big its cells are: a sixel picture
    /// is pixels, and drawn at a guessed size it can spill over the text around it (xterm answers no
    /// size queries unless its window ops are allowed).
    public static let sixelSizeHint =
        "Covers are in blocks: this terminal draws sixel but does not say its cell size "
        + "(xterm: XTerm*allowWindowOps: true)"

    /// The best way to show covers here.
    ///
    /// - A forced setting is honoured whatever the terminal said (NO_COLOR and `TERM` included: a
    ///   setting is the person's own word). Forced `kitty` means placeholders in tmux or where the
    ///   terminal has them, direct placement otherwise.
    /// - `auto` is off when the output is not a TTY, for `NO_COLOR`, for `TERM` dumb, linux or vt*
    ///   (or unset), and with fewer than 256 colours. Then, outside tmux: kitty placeholders (kitty ≥ 0.28
    ///   or Ghostty, by XTVERSION, that answered `a=q`), kitty direct (answered `a=q`, no placeholders),
    ///   iTerm2 (`TERM_PROGRAM` iTerm.app or WezTerm, or XTVERSION), sixel (DA1 has 4 and the cell size
    ///   was told), else blocks (with `sixelSizeHint` when only the size was missing).
    /// - In tmux only what survives tmux: kitty placeholders with passthrough on, sixel when tmux's own
    ///   DA1 has 4 (tmux 3.4 built with sixel draws it itself), else blocks; and when passthrough is
    ///   off (or unknown: `tmux show -pv allow-passthrough` is the caller's to run), `passthroughHint`.
    ///
    /// - Parameters:
    ///   - replies: what the terminal answered; nil when it was not asked (or said nothing).
    ///   - colors: the terminal's colour count (terminfo's `colors`).
    ///   - tmuxPassthrough: the pane's `allow-passthrough` (`on` or `all` is true); nil outside tmux or
    ///     when it could not be read.
    public static func choose(
        setting: ArtSetting,
        replies: TerminalReplies?,
        environment: [String: String],
        colors: Int,
        isTTY: Bool,
        tmuxPassthrough: Bool?
    ) -> (mode: ArtMode, hint: String?) {
        let replies = replies ?? TerminalReplies()
        let tmux = inTmux(environment)
        let passthrough = tmuxPassthrough == true
        let placeholders = hasPlaceholders(replies: replies, environment: environment, inTmux: tmux)

        switch setting {
        case .off: return (.off, nil)
        case .blocks: return (.blocks, nil)
        case .sixel: return (.sixel, nil)  // in tmux, sent as it is: tmux draws sixel itself or not at all
        case .kitty:
            let mode: ArtMode = tmux || placeholders ? .kittyPlaceholders : .kittyDirect
            return (mode, tmux && !passthrough ? passthroughHint : nil)
        case .iterm:
            return (.iterm, tmux && !passthrough ? passthroughHint : nil)
        case .auto:
            break
        }

        guard isTTY, artBelongs(environment: environment, colors: colors) else { return (.off, nil) }
        // Sixel is pixels: only where the terminal said its cell size (or its text area's).
        let sizedSixel = replies.sixel && (replies.cellPixels != nil || replies.windowPixels != nil)
        if tmux {
            if passthrough && replies.kittyGraphics && placeholders { return (.kittyPlaceholders, nil) }
            if sizedSixel { return (.sixel, nil) }
            return (.blocks, passthrough ? (replies.sixel ? sixelSizeHint : nil) : passthroughHint)
        }
        if replies.kittyGraphics { return (placeholders ? .kittyPlaceholders : .kittyDirect, nil) }
        if speaksITerm2(replies: replies, environment: environment) { return (.iterm, nil) }
        if sizedSixel { return (.sixel, nil) }
        return (.blocks, replies.sixel ? sixelSizeHint : nil)
    }

    /// Terminals known to draw kitty's Unicode placeholders: kitty from 0.28, and Ghostty. XTVERSION
    /// decides; `TERM_PROGRAM` is used only when the terminal did not say and we are not in tmux (tmux
    /// overwrites it).
    static func hasPlaceholders(replies: TerminalReplies, environment: [String: String], inTmux: Bool) -> Bool {
        if let version = replies.version {
            return placeholdersSupported(version: version)
        }
        return !inTmux && environment["TERM_PROGRAM"]?.lowercased() == "ghostty"
    }

    /// Whether an XTVERSION reply names a terminal with placeholders: `kitty(0.28.0)` and later, or any
    /// Ghostty.
    public static func placeholdersSupported(version: String) -> Bool {
        let lowered = version.lowercased()
        if lowered.hasPrefix("ghostty") { return true }
        guard lowered.hasPrefix("kitty") else { return false }
        let numbers = lowered.dropFirst("kitty".count).split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard let major = numbers.first else { return false }
        let minor = numbers.dropFirst().first ?? 0
        return major > 0 || minor >= 28
    }

    static func speaksITerm2(replies: TerminalReplies, environment: [String: String]) -> Bool {
        if let version = replies.version?.lowercased(), version.hasPrefix("iterm2") || version.hasPrefix("wezterm") {
            return true
        }
        return ["iTerm.app", "WezTerm"].contains(environment["TERM_PROGRAM"] ?? "")
    }

    /// Whether `auto` may show art at all: 256 colours or more, no `NO_COLOR`, a `TERM` that is not
    /// limited.
    static func artBelongs(environment: [String: String], colors: Int) -> Bool {
        colors >= 256 && (environment["NO_COLOR"] ?? "").isEmpty && !isLimitedTerminal(environment["TERM"])
    }

    /// `TERM` values that mean no art: unset, dumb, the Linux console, and the VT family.
    static func isLimitedTerminal(_ term: String?) -> Bool {
        guard let term = term?.lowercased(), !term.isEmpty else { return true }
        return term == "dumb" || term == "linux" || term.hasPrefix("linux-") || term.hasPrefix("vt")
    }
}
