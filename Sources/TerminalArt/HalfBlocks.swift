public import CoverArt

/// A cover as half-block cells: each cell shows two pixels, the top one as the foreground colour of
/// "▀" (U+2580) and the bottom one as the background. ncurses draws these as ordinary cells, so they
/// work in any terminal with 256 colours, inside tmux too, and a repaint never leaves a hole.
public struct BlockArt: Sendable, Equatable {
    /// The character every cell of the picture shows.
    public static let character: Character = "\u{2580}"

    /// The box the art was made for, in cells.
    public let columns: Int
    public let rows: Int
    /// Row-major, `columns × rows` entries; nil where the cell lies outside the picture (the letterbox
    /// around a picture whose shape differs from the box's): the UI leaves those cells blank.
    public let cells: [BlockCell?]

    public init(columns: Int, rows: Int, cells: [BlockCell?]) {
        self.columns = columns
        self.rows = rows
        self.cells = cells
    }

    /// Each row as text to write at the row's start: "▀" per cell with its colours as SGR, 24-bit
    /// (`38;2;r;g;b` / `48;2;r;g;b`) or the 256-colour palette (`38;5;n` / `48;5;n`), and a plain space
    /// (default colours) for cells outside the picture; every row ends with SGR 0. For a writer that
    /// bypasses ncurses (which can only do 24-bit colour with a `*-direct` terminfo entry).
    public func sgrRows(trueColor: Bool) -> [String] {
        (0..<rows).map { row in
            var line = ""
            var inColour = false
            for column in 0..<columns {
                guard let cell = cell(column: column, row: row) else {
                    if inColour { line += "\u{1B}[0m" }
                    inColour = false
                    line += " "
                    continue
                }
                if trueColor {
                    line += "\u{1B}[38;2;\(cell.top.r);\(cell.top.g);\(cell.top.b);48;2;\(cell.bottom.r);\(cell.bottom.g);\(cell.bottom.b)m"
                } else {
                    let (top, bottom) = cell.palette256()
                    line += "\u{1B}[38;5;\(top);48;5;\(bottom)m"
                }
                inColour = true
                line.append(Self.character)
            }
            return line + "\u{1B}[0m"
        }
    }

    /// The cell at `column`, `row`; nil outside the picture or outside the box.
    public func cell(column: Int, row: Int) -> BlockCell? {
        guard column >= 0, column < columns, row >= 0, row < rows else { return nil }
        let index = row * columns + column
        return index < cells.count ? cells[index] : nil
    }
}

/// One half-block cell: two pixels, one above the other.
public struct BlockCell: Sendable, Hashable {
    public var top: RGB
    public var bottom: RGB

    public init(top: RGB, bottom: RGB) {
        self.top = top
        self.bottom = bottom
    }

    /// The nearest xterm-256 colours (cube and greys, by perceived difference; see
    /// `RGB.nearestXterm256()`), for terminals without 24-bit colour.
    public func palette256() -> (top: UInt8, bottom: UInt8) {
        (top.nearestXterm256(), bottom.nearestXterm256())
    }
}

public enum HalfBlocks {
    /// The picture fitted into `columns × rows` cells with its aspect ratio kept, centred, each cell's
    /// two pixels the average of the part of the picture they cover.
    ///
    /// - Parameter cellAspect: a cell's height divided by its width in pixels (about 2 in most fonts;
    ///   from `TerminalReplies.cellPixels` when the terminal says). Half of a cell is then `cellAspect/2`
    ///   as tall as wide, which is what keeps a square cover square.
    ///
    /// Transparent parts are drawn over black. An empty picture, an empty box or a picture whose pixel
    /// buffer is short gives art with every cell nil.
    public static func render(_ picture: CoverPicture, columns: Int, rows: Int, cellAspect: Double = 2) -> BlockArt {
        let columns = max(columns, 0), rows = max(rows, 0)
        let empty = BlockArt(columns: columns, rows: rows, cells: Array(repeating: nil, count: columns * rows))
        let fitted = Resample.fit(width: picture.width, height: picture.height, boxWidth: columns, boxHeight: rows, unitAspect: cellAspect)
        guard fitted.width > 0, fitted.height > 0,
            let pixels = Resample.average(picture, toWidth: fitted.width, height: fitted.height * 2)
        else { return empty }
        let left = (columns - fitted.width) / 2
        let top = (rows - fitted.height) / 2
        var cells = empty.cells
        func pixel(_ x: Int, _ y: Int) -> RGB {
            let offset = (y * fitted.width + x) * 4
            let alpha = UInt32(pixels[offset + 3])
            func over(_ channel: UInt8) -> UInt8 { UInt8((UInt32(channel) * alpha + 127) / 255) }
            return RGB(r: over(pixels[offset]), g: over(pixels[offset + 1]), b: over(pixels[offset + 2]))
        }
        for row in 0..<fitted.height {
            for column in 0..<fitted.width {
                cells[(top + row) * columns + left + column] = BlockCell(top: pixel(column, row * 2), bottom: pixel(column, row * 2 + 1))
            }
        }
        return BlockArt(columns: columns, rows: rows, cells: cells)
    }
}
