public import CoverArt
internal import CChafa

/// DEC sixel, encoded by libchafa (Debian's 1.12), the one C library TerminalArt uses: its quantiser
/// and encoder are good and fast (a 320×160 cover in well under 30 ms), and sixel is the one protocol
/// too fiddly to be worth writing again.
public enum SixelImage {
    /// The largest box side, in pixels, `encode` accepts: far beyond any cover panel, small enough that
    /// a mistaken cell size cannot make it allocate gigabytes.
    public static let maximumSide = 4096

    /// The picture fitted (aspect kept, centred) into a box of `columns × rows` cells of `cellPixels`
    /// each, as one sixel sequence (`ESC P … q … ESC \`). The letterbox around it is left transparent,
    /// so the cells under it show through.
    ///
    /// The image is `columns × cell width` wide and its height is the box's rounded *down* to a multiple
    /// of 6 (a sixel band), so it never reaches the row below the box: a sixel touching the last screen
    /// row scrolls the screen.
    public static func encode(_ picture: CoverPicture, columns: Int, rows: Int, cellPixels: PixelSize) throws(TerminalArtError) -> String {
        guard columns > 0, rows > 0 else { throw .invalidGeometry("a box of \(columns)×\(rows) cells") }
        guard cellPixels.width > 0, cellPixels.height > 0 else { throw .invalidGeometry("cells of \(cellPixels)") }
        let (boxWidth, widthOverflow) = columns.multipliedReportingOverflow(by: cellPixels.width)
        let (fullHeight, heightOverflow) = rows.multipliedReportingOverflow(by: cellPixels.height)
        let boxHeight = fullHeight / 6 * 6
        guard !widthOverflow, !heightOverflow, boxWidth <= maximumSide, boxHeight <= maximumSide else {
            throw .tooLarge(width: widthOverflow ? Int.max : boxWidth, height: heightOverflow ? Int.max : boxHeight)
        }
        guard boxHeight > 0 else { throw .invalidGeometry("\(rows) rows of \(cellPixels) is less than one sixel band (6 px)") }
        guard picture.width > 0, picture.height > 0, picture.rgba.count >= picture.width * picture.height * 4 else {
            throw .invalidGeometry("a picture of \(picture.width)×\(picture.height) with \(picture.rgba.count) bytes")
        }

        // chafa stretches whatever it is given over the whole canvas: fit and centre here, on a
        // transparent box exactly the canvas's size, so chafa scales 1:1.
        let fitted = Resample.fit(width: picture.width, height: picture.height, boxWidth: boxWidth, boxHeight: boxHeight, unitAspect: 1)
        guard let scaled = Resample.average(picture, toWidth: fitted.width, height: fitted.height) else {
            throw .invalidGeometry("a picture of \(picture.width)×\(picture.height)")
        }
        var box = [UInt8](repeating: 0, count: boxWidth * boxHeight * 4)
        let left = (boxWidth - fitted.width) / 2, top = (boxHeight - fitted.height) / 2
        for y in 0..<fitted.height {
            let source = y * fitted.width * 4
            let target = ((top + y) * boxWidth + left) * 4
            box.replaceSubrange(target..<target + fitted.width * 4, with: scaled[source..<source + fitted.width * 4])
        }
        return try Chafa.sixel(rgba: box, width: boxWidth, height: boxHeight, columns: columns, rows: rows, cellPixels: cellPixels)
    }
}

/// The facade over libchafa: every chafa call TerminalArt makes.
enum Chafa {
    static func sixel(rgba: [UInt8], width: Int, height: Int, columns: Int, rows: Int, cellPixels: PixelSize) throws(TerminalArtError) -> String {
        guard let config = chafa_canvas_config_new() else { throw .chafa("chafa_canvas_config_new returned NULL") }
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_SIXELS)
        chafa_canvas_config_set_geometry(config, gint(columns), gint(rows))
        chafa_canvas_config_set_cell_geometry(config, gint(cellPixels.width), gint(cellPixels.height))
        guard let canvas = chafa_canvas_new(config) else { throw .chafa("chafa_canvas_new returned NULL for \(columns)×\(rows) cells of \(cellPixels)") }
        defer { chafa_canvas_unref(canvas) }
        rgba.withUnsafeBufferPointer { pixels in
            chafa_canvas_draw_all_pixels(canvas, CHAFA_PIXEL_RGBA8_UNASSOCIATED, pixels.baseAddress, gint(width), gint(height), gint(width * 4))
        }
        // No ChafaTermInfo: chafa's fallback one has the sixel sequences, and detecting the terminal is
        // not chafa's job here (1.12 reads only environment variables).
        guard let printed = chafa_canvas_print(canvas, nil) else { throw .chafa("chafa_canvas_print returned NULL") }
        defer { termplayer_gstring_free(printed) }
        let length = Int(printed.pointee.len)
        guard let characters = printed.pointee.str, length > 0 else { throw .chafa("chafa_canvas_print returned an empty string") }
        return characters.withMemoryRebound(to: UInt8.self, capacity: length) { start in
            String(decoding: UnsafeBufferPointer(start: start, count: length), as: UTF8.self)
        }
    }
}
