import PlayerCore
import TerminalArt

/// Album art in the frame: the cover panel beside the now-playing lines, a cover in its slot in whichever
/// form it came, and `i`'s large cover. Where the slots are is `ArtLayout`'s business.
extension Renderer {
    /// The bottom area with covers on: the cover at the left, and beside it title, artist — album,
    /// genre · year · length over the two now-playing lines.
    static func drawCoverPanel(_ state: AppState, cover: ArtSlot, into frame: inout Frame) {
        let left = cover.x + cover.columns + 1
        let width = frame.width - left
        let top = cover.y
        let textWidth = width - 2
        if let track = state.player.track {
            let song = state.library.song(withID: track.id) ?? state.queue.first { $0.id == track.id }
            frame.put(TextWidth.truncate(track.title, to: textWidth), x: left + 1, y: top, style: .heading)
            let names = [track.artist, track.album].filter { !$0.isEmpty }.joined(separator: " — ")
            frame.put(TextWidth.truncate(names, to: textWidth), x: left + 1, y: top + 1)
            var details: [String] = []
            if let genre = song?.genre, !genre.isEmpty { details.append(genre) }
            if let year = song?.year { details.append(String(year)) }
            let length = PlaybackClock.format(state.player.duration ?? track.duration)
            if !length.isEmpty { details.append(length) }
            frame.put(TextWidth.truncate(details.joined(separator: " · "), to: textWidth), x: left + 1, y: top + 2, style: .dim)
        } else {
            frame.put(TextWidth.truncate("nothing playing", to: textWidth), x: left + 1, y: top, style: .dim)
        }
        drawNowPlaying(state, x: left, width: width, into: &frame)
    }

    /// One cover in its slot: blocks as ▀ cells in their own colours, centred, the letterbox left plain;
    /// kitty placeholders as U+10EEEE cells in the image id's colour; a pixel protocol's picture as blank
    /// cells listed in `frame.artRegions`; otherwise a dim box (with ♪ when there is no cover to come).
    static func drawCover(_ slot: ArtSlot, _ state: AppState, into frame: inout Frame) {
        for y in slot.y..<slot.y + slot.rows { frame.fill(.normal, x: slot.x, y: y, width: slot.columns) }
        guard let key = slot.key else {
            drawCoverPlaceholder(slot, note: true, into: &frame)
            return
        }
        switch state.art.covers[key] ?? .loading {
        case .loading:
            drawCoverPlaceholder(slot, note: false, into: &frame)
        case .unavailable:
            drawCoverPlaceholder(slot, note: true, into: &frame)
        case .blocks(let art):
            let left = slot.x + (slot.columns - art.columns) / 2
            let top = slot.y + (slot.rows - art.rows) / 2
            for row in 0..<art.rows {
                let y = top + row
                guard y >= slot.y, y < slot.y + slot.rows else { continue }
                for column in 0..<art.columns {
                    let x = left + column
                    guard x >= slot.x, x < slot.x + slot.columns, let cell = art.cell(column: column, row: row) else { continue }
                    frame.putArt(BlockArt.character, x: x, y: y, color: CellColor(foreground: .rgb(cell.top), background: .rgb(cell.bottom)))
                }
            }
        case .placeholders(let id):
            let color = KittyGraphics.placeholderColor(id: id)
            let cellColor = CellColor(foreground: color.index256.map(ArtColor.palette) ?? .rgb(color.rgb))
            for (row, text) in KittyGraphics.placeholderRows(id: id, columns: slot.columns, rows: slot.rows).enumerated() {
                var x = slot.x
                for character in text {
                    frame.putArt(character, x: x, y: slot.y + row, color: cellColor)
                    x += 1
                }
            }
        case .image:
            if let region = slot.region { frame.addArtRegion(region) }
        }
    }

    /// The quiet placeholder: a dim box, ♪ in the middle for a song without a cover (not while one loads).
    private static func drawCoverPlaceholder(_ slot: ArtSlot, note: Bool, into frame: inout Frame) {
        let (x, y, columns, rows) = (slot.x, slot.y, slot.columns, slot.rows)
        if columns >= 3, rows >= 3 {
            let line = String(repeating: "─", count: columns - 2)
            frame.put("┌\(line)┐", x: x, y: y, style: .dim, limit: columns)
            for row in y + 1..<y + rows - 1 {
                frame.put("│", x: x, y: row, style: .dim, limit: 1)
                frame.put("│", x: x + columns - 1, y: row, style: .dim, limit: 1)
            }
            frame.put("└\(line)┘", x: x, y: y + rows - 1, style: .dim, limit: columns)
        }
        if note { frame.put("♪", x: x + (columns - 1) / 2, y: y + (rows - 1) / 2, style: .dim, limit: 1) }
    }

    /// `i`: a box over everything between the tab bar and the status line, the cover as large as fits in
    /// it, and whose cover it is under it.
    static func drawLargeCover(_ state: AppState, cover: ArtSlot, into frame: inout Frame) {
        let box = ArtLayout.largeBox(state)
        for y in box.y..<box.y + box.height { frame.fill(.overlay, x: box.x, y: y, width: box.width) }
        frame.put(TextWidth.truncate(" Cover — any key closes this ", to: box.width - 2), x: box.x + 2, y: box.y, style: .heading)
        drawCover(cover, state, into: &frame)
        var caption = ArtLayout.largeSubject(state)?.caption ?? "Nothing to show"
        if cover.url == nil {
            caption += " · no cover"
        } else if let key = cover.key, case .unavailable(let reason)? = state.art.covers[key] {
            caption += " · \(reason)"
        }
        let text = TextWidth.truncate(caption, to: box.width - 2)
        let y = box.y + box.height - 1
        if y > cover.y + cover.rows - 1 {
            frame.put(text, x: box.x + max(1, (box.width - TextWidth.columns(of: text)) / 2), y: y, style: .overlay)
        }
    }
}
