internal import CNcursesW
import OSThreads
import TerminalArt
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// The one place that talks to ncurses: keys in, frames out, the terminal put back on the way out.
///
/// Used from one thread only (the UI loop's). Colours follow what the terminal can do: 256 colours, 8,
/// or none (`NO_COLOR`, a monochrome `TERM`), where attributes alone (reverse, bold, dim) carry the styles.
final class CursesScreen {
    enum ColorMode: String {
        case none, eight = "8", full = "256"
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    private(set) var width = 0
    private(set) var height = 0
    let colorMode: ColorMode
    /// Per style: the attributes and colour pair to draw it with.
    private var looks: [CellStyle: (attributes: Int32, pair: Int16)] = [:]
    private var lastFrame: Frame?
    private var wideBuffer: [wchar_t] = []
    /// The stream ncurses writes to; pictures are written after it is flushed.
    private let output: UnsafeMutablePointer<FILE>
    /// Colour pairs made for cover art's colours, by (foreground, background) palette index.
    private var artPairs: [ArtPairKey: Int16] = [:]
    /// The first pair art may use: the styles' pairs come before it.
    private static let firstArtPair: Int16 = 64
    /// Set when the last frame was drawn onto a cleared screen: whatever pictures were on it are gone.
    private(set) var repaintedEverything = false

    private struct ArtPairKey: Hashable {
        var foreground: Int16
        var background: Int16
    }

    /// "ncurses 6.4.20221231", for `termplayer version`.
    static var libraryVersion: String { String(cString: curses_version()) }

    init() throws(StartError) {
        Self.ensureUTF8Locale()
        TerminalRestorer.saveTerminalState()
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"), let screen = newterm(nil, output, input) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? "(unset)"
            throw StartError(description: "cannot start the terminal UI for TERM=\(term): set TERM to your terminal's type (xterm-256color, screen, vt100…)")
        }
        _ = set_term(screen)
        self.output = output
        TerminalRestorer.installCrashHandlers()
        raw()  // Ctrl-C and Ctrl-Z arrive as keys; q and Ctrl-C quit cleanly.
        noecho()
        nonl()
        keypad(tp_stdscr(), true)
        nodelay(tp_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        if !noColor, has_colors() {
            start_color()
            use_default_colors()
            colorMode = tp_colors() >= 256 ? .full : .eight
        } else {
            colorMode = .none
        }
        defineLooks()
        updateSize()
    }

    /// Puts the terminal back as it was: main screen, cursor shown, modes restored.
    func stop() {
        endwin()
    }

    // MARK: Input

    /// Every key waiting on stdin, without blocking. A resize reads as `nil` after `updateSize()`.
    func readKeys() -> [Key?] {
        var keys: [Key?] = []
        var character: wint_t = 0
        while true {
            let result = wget_wch(tp_stdscr(), &character)
            if result == ERR { break }
            if result == KEY_CODE_YES {
                if Int32(character) == KEY_RESIZE {
                    updateSize()
                    keys.append(nil)
                } else if let key = Self.functionKey(Int32(character)) {
                    keys.append(key)
                }
            } else if let key = Self.characterKey(UInt32(character)) {
                keys.append(key)
            }
        }
        return keys
    }

    /// The size as the kernel reports it now; after SIGWINCH, ncurses is told too.
    @discardableResult
    func updateSize() -> Bool {
        var rows: Int32 = 0
        var columns: Int32 = 0
        if tp_terminal_size(STDOUT_FILENO, &rows, &columns) == 0 {
            if rows != Int32(height) || columns != Int32(width) { resizeterm(rows, columns) }
        } else {
            tp_screen_size(&rows, &columns)
        }
        let changed = Int(rows) != height || Int(columns) != width
        (height, width) = (Int(rows), Int(columns))
        if changed { lastFrame = nil }
        return changed
    }

    private static func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96) ?? "a"))
        default: return Unicode.Scalar(value).map { .character(Character($0)) }
        }
    }

    private static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_ENTER: .enter
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_BTAB: .backTab
        default: nil
        }
    }

    // MARK: Output

    /// Draws `frame` if it differs from the last one: only its changed rows are handed to ncurses, which
    /// then sends only the cells that changed.
    func draw(_ frame: Frame) {
        repaintedEverything = false
        guard frame != lastFrame else { return }
        let previous = lastFrame.flatMap { $0.width == frame.width && $0.height == frame.height ? $0 : nil }
        lastFrame = frame
        if previous == nil {
            werase(tp_stdscr())
            repaintedEverything = true
        }
        for y in 0..<min(frame.height, height) {
            if let previous, previous.row(y) == frame.row(y) { continue }
            var x = 0
            while x < min(frame.width, width) {
                // One run of cells in the same style and colours at a time.
                let style = frame[x, y].style
                let color = frame[x, y].color
                let start = x
                wideBuffer.removeAll(keepingCapacity: true)
                while x < frame.width, frame[x, y].style == style, frame[x, y].color == color {
                    if let character = frame[x, y].character {
                        for scalar in character.unicodeScalars { wideBuffer.append(wchar_t(bitPattern: scalar.value)) }
                    }
                    x += 1
                }
                let look = color.flatMap(artLook) ?? looks[style] ?? (0, 0)
                tp_set_attributes(look.attributes, look.pair)
                wideBuffer.append(0)
                // The bottom-right cell cannot be written without scrolling; ncurses reports ERR, harmlessly.
                _ = mvwaddnwstr(tp_stdscr(), Int32(y), Int32(start), wideBuffer, Int32(wideBuffer.count - 1))
            }
        }
        tp_set_attributes(0, 0)
        wnoutrefresh(tp_stdscr())
        doupdate()
    }

    /// Ctrl-L: the whole screen is written again on the next draw, as if nothing were on it.
    func redrawEverything() {
        clearok(tp_stdscr(), true)
        lastFrame = nil
    }

    /// Has ncurses write these cells again now, whatever it thinks is on them: a picture drawn over them
    /// is gone.
    func repaint(x: Int, y: Int, columns: Int, rows: Int) {
        guard rows > 0, y >= 0, y < height else { return }
        wredrawln(tp_stdscr(), Int32(y), Int32(min(rows, height - y)))
        wrefresh(tp_stdscr())
    }

    /// Bytes for the terminal itself (pictures), after what ncurses has written.
    func writeDirectly(_ text: String) {
        fflush(output)
        FullWrite.write(text, to: STDOUT_FILENO)
    }

    /// The pair drawing a cover cell's own colours; nil without colour (art is off then anyway).
    private func artLook(_ color: CellColor) -> (attributes: Int32, pair: Int16)? {
        guard colorMode == .full else { return nil }
        func index(_ color: ArtColor?) -> Int16 {
            switch color {
            case .palette(let index)?: Int16(index)
            case .rgb(let rgb)?: Int16(rgb.nearestXterm256())
            case nil: -1
            }
        }
        let key = ArtPairKey(foreground: index(color.foreground), background: index(color.background))
        if let pair = artPairs[key] { return (0, pair) }
        let limit = Int16(clamping: min(Int(tp_color_pairs()), Int(Int16.max)))
        var pair = Self.firstArtPair + Int16(artPairs.count)
        if pair >= limit {
            // Out of pairs: start over. Cells drawn with the old ones keep their colours until redrawn.
            artPairs.removeAll()
            pair = Self.firstArtPair
        }
        init_pair(pair, key.foreground, key.background)
        artPairs[key] = pair
        return (0, pair)
    }

    private func defineLooks() {
        let (reverse, bold, dim, underline) = (tp_attr_reverse(), tp_attr_bold(), tp_attr_dim(), tp_attr_underline())
        switch colorMode {
        case .none:
            looks = [
                .normal: (0, 0), .heading: (bold | underline, 0), .selected: (reverse | bold, 0), .selectedDimmed: (reverse, 0),
                .playing: (bold, 0), .bar: (reverse, 0), .progress: (reverse | bold, 0), .dim: (dim, 0), .error: (bold, 0),
                .overlay: (reverse, 0), .liked: (bold, 0), .likedOnBar: (reverse | bold, 0),
            ]
        case .eight, .full:
            // (foreground, background) per style; -1 is the terminal's own colour.
            let full = colorMode == .full
            let colors: [CellStyle: (Int16, Int16, Int32)] = [
                .normal: (-1, -1, 0),
                .heading: (full ? 75 : Int16(COLOR_CYAN), -1, bold),
                .selected: (Int16(COLOR_BLACK), full ? 75 : Int16(COLOR_CYAN), 0),
                .selectedDimmed: (-1, full ? 238 : Int16(COLOR_BLUE), 0),
                .playing: (full ? 114 : Int16(COLOR_GREEN), -1, bold),
                .bar: (full ? 252 : Int16(COLOR_WHITE), full ? 236 : Int16(COLOR_BLUE), 0),
                .progress: (full ? 114 : Int16(COLOR_GREEN), full ? 236 : Int16(COLOR_BLUE), bold),
                .dim: (full ? 244 : Int16(COLOR_WHITE), -1, full ? 0 : dim),
                .error: (full ? 203 : Int16(COLOR_RED), -1, bold),
                .overlay: (full ? 255 : Int16(COLOR_WHITE), full ? 24 : Int16(COLOR_BLUE), 0),
                .liked: (full ? 204 : Int16(COLOR_RED), -1, bold),
                .likedOnBar: (full ? 204 : Int16(COLOR_RED), full ? 236 : Int16(COLOR_BLUE), bold),
            ]
            for (index, style) in CellStyle.allCases.enumerated() {
                guard let (foreground, background, attributes) = colors[style] else { continue }
                let pair = Int16(index + 1)
                init_pair(pair, foreground, background)
                looks[style] = (attributes, pair)
            }
        }
    }

    /// ncursesw draws wide characters only under a UTF-8 locale: take the user's, else C.UTF-8.
    private static func ensureUTF8Locale() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
    }
}
