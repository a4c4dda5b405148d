public import TerminalArt

/// What a cell is for; the terminal layer picks colours or attributes for each, by what the terminal can do.
public enum CellStyle: UInt8, Sendable, CaseIterable {
    case normal
    /// Column headings, pane titles.
    case heading
    /// The cursor's row in the focused list.
    case selected
    /// The cursor's row in a list that does not have the focus.
    case selectedDimmed
    /// The song that is playing, wherever it is listed.
    case playing
    /// The now-playing bar.
    case bar
    /// The filled part of the progress bar.
    case progress
    /// Secondary text: counts, durations, hints.
    case dim
    case error
    /// The help overlay's box, and the popups'.
    case overlay
    /// The like marker in a song list, where the terminal can colour it; without colour the marker itself says it.
    case liked
    /// The like marker in the now-playing bar, on the bar's background.
    case likedOnBar
}

/// A colour a cover's cell carries itself: an xterm-256 palette index, or 24-bit.
public enum ArtColor: Sendable, Hashable {
    case palette(UInt8)
    case rgb(RGB)
}

/// Colours a cell carries itself (cover art), overriding its style's. A nil side keeps the style's.
public struct CellColor: Sendable, Hashable {
    public var foreground: ArtColor?
    public var background: ArtColor?

    public init(foreground: ArtColor? = nil, background: ArtColor? = nil) {
        self.foreground = foreground
        self.background = background
    }
}

/// Where a picture drawn by a pixel protocol (kitty direct, sixel, iTerm2) goes, in cells: the renderer
/// leaves these cells blank and the terminal layer draws `key`'s picture over them after the text.
public struct ArtRegion: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var columns: Int
    public var rows: Int
    /// The cover and the size it was made for; `columns` and `rows` are the key's.
    public var key: ArtKey

    public init(x: Int, y: Int, columns: Int, rows: Int, key: ArtKey) {
        (self.x, self.y, self.columns, self.rows, self.key) = (x, y, columns, rows, key)
    }

    func contains(x column: Int, y row: Int) -> Bool {
        column >= x && column < x + columns && row >= y && row < y + rows
    }
}

/// A screen's worth of text and styles, drawn by the renderer and written out by the terminal layer.
///
/// A wide character occupies its cell and the next one, which holds `nil`; nothing is ever drawn half a
/// character wide, so CJK titles and emoji cannot tear the layout.
public struct Frame: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        /// nil: the right half of the wide character to the left.
        public var character: Character?
        public var style: CellStyle
        /// nil: the style decides the colours. Set only by `putArt` (cover art).
        public var color: CellColor?

        public init(character: Character?, style: CellStyle, color: CellColor? = nil) {
            self.character = character
            self.style = style
            self.color = color
        }
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// The regions where the terminal layer draws pictures after the text, in the order added. A region
    /// leaves the list as soon as anything is drawn on one of its cells (a popup, the help, the large
    /// cover), so a listed region never has text under its picture; the terminal layer removes every
    /// picture whose region is not listed.
    public private(set) var artRegions: [ArtRegion] = []

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(character: " ", style: .normal), count: self.width * self.height)
    }

    /// Lists a region for a picture; its cells should already be drawn (blank). Clipped regions are not
    /// listed: a picture is drawn whole or not at all.
    public mutating func addArtRegion(_ region: ArtRegion) {
        guard region.columns > 0, region.rows > 0, region.x >= 0, region.y >= 0,
            region.x + region.columns <= width, region.y + region.rows <= height
        else { return }
        artRegions.append(region)
    }

    /// Writes one cell of cover art: a one-column `character` (▀, a kitty placeholder) in colours of its
    /// own, over the `.normal` style.
    public mutating func putArt(_ character: Character, x: Int, y: Int, color: CellColor) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        clearHalfCharacter(at: x, y: y)
        set(Cell(character: character, style: .normal, color: color), x: x, y: y)
    }

    /// Every cell write goes through here: drawing on a listed region's cell unlists the region.
    private mutating func set(_ cell: Cell, x: Int, y: Int) {
        if !artRegions.isEmpty { uncover(x: x, y: y) }
        cells[y * width + x] = cell
    }

    private mutating func uncover(x: Int, y: Int) {
        artRegions.removeAll { $0.contains(x: x, y: y) }
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Row `y`'s cells.
    public func row(_ y: Int) -> ArraySlice<Cell> { cells[y * width..<(y + 1) * width] }

    /// Writes `text` at (x, y), at most `limit` columns (default: to the right edge), and returns the
    /// column after it. Characters that do not fit whole are left out.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: CellStyle = .normal, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return x }
        let end = min(width, x + (limit ?? width))
        var column = x
        for character in text {
            let columns = TextWidth.columns(of: character)
            if columns == 0 { continue }
            if column + columns > end { break }
            if column >= 0 {
                clearHalfCharacter(at: column, y: y)
                set(Cell(character: character, style: style), x: column, y: y)
                if columns == 2 {
                    clearHalfCharacter(at: column + 1, y: y)
                    set(Cell(character: nil, style: style), x: column + 1, y: y)
                }
            }
            column += columns
        }
        return column
    }

    /// Paints `style` over a stretch of a row, keeping its text.
    public mutating func paint(_ style: CellStyle, x: Int, y: Int, width count: Int) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + count) {
            if !artRegions.isEmpty { uncover(x: column, y: y) }
            cells[y * width + column].style = style
        }
    }

    /// Fills a row stretch with spaces in `style`.
    public mutating func fill(_ style: CellStyle, x: Int, y: Int, width count: Int) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, max(0, x + count)) {
            clearHalfCharacter(at: column, y: y)
            set(Cell(character: " ", style: style), x: column, y: y)
        }
    }

    /// Overwriting either half of a wide character blanks the other half.
    private mutating func clearHalfCharacter(at x: Int, y: Int) {
        let index = y * width + x
        if cells[index].character == nil, x > 0 {
            cells[index - 1].character = " "
        } else if let character = cells[index].character, TextWidth.columns(of: character) == 2, x + 1 < width {
            cells[index + 1].character = " "
        }
    }

    /// Row `y` as text (a wide character once), for tests and for the terminal layer.
    public func line(_ y: Int) -> String {
        var text = ""
        for x in 0..<width {
            if let character = self[x, y].character { text.append(character) }
        }
        return text
    }

    /// The whole frame as text, rows separated by newlines, trailing spaces kept.
    public var text: String { (0..<height).map(line).joined(separator: "\n") }
}
