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

/// A screen's worth of text and styles, drawn by the renderer and written out by the terminal layer.
///
/// A wide character occupies its cell and the next one, which holds `nil`; nothing is ever drawn half a
/// character wide, so CJK titles and emoji cannot tear the layout.
public struct Frame: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        /// nil: the right half of the wide character to the left.
        public var character: Character?
        public var style: CellStyle
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(character: " ", style: .normal), count: self.width * self.height)
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
                cells[y * width + column] = Cell(character: character, style: style)
                if columns == 2 {
                    clearHalfCharacter(at: column + 1, y: y)
                    cells[y * width + column + 1] = Cell(character: nil, style: style)
                }
            }
            column += columns
        }
        return column
    }

    /// Paints `style` over a stretch of a row, keeping its text.
    public mutating func paint(_ style: CellStyle, x: Int, y: Int, width count: Int) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + count) { cells[y * width + column].style = style }
    }

    /// Fills a row stretch with spaces in `style`.
    public mutating func fill(_ style: CellStyle, x: Int, y: Int, width count: Int) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, max(0, x + count)) {
            clearHalfCharacter(at: column, y: y)
            cells[y * width + column] = Cell(character: " ", style: style)
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
