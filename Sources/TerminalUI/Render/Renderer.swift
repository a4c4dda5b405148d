import PlayerCore

/// Draws an `AppState` into a `Frame`. Only the rows on screen are looked at, so a frame costs the
/// window's size, not the library's.
public enum Renderer {
    public static func render(_ state: AppState) -> Frame {
        var frame = Frame(width: state.width, height: state.height)
        guard !state.isTooSmall else {
            drawTooSmall(state, into: &frame)
            return frame
        }
        drawTabs(state, into: &frame)
        let body = 1..<(state.height - 2 - state.statusRows)
        switch state.view {
        case .songs: drawSongsView(state, rows: body, into: &frame)
        case .genres: drawGenresView(state, rows: body, into: &frame)
        case .artists: drawArtistsView(state, rows: body, into: &frame)
        case .queue: drawQueueView(state, rows: body, into: &frame)
        case .search: drawSearchView(state, rows: body, into: &frame)
        }
        drawNowPlaying(state, into: &frame)
        drawStatusLine(state, into: &frame)
        if state.isShowingHelp { drawHelp(state, into: &frame) }
        return frame
    }

    // MARK: Chrome

    private static func drawTooSmall(_ state: AppState, into frame: inout Frame) {
        let lines = ["Terminal too small", "\(state.width)×\(state.height), needs \(AppState.minimumWidth)×\(AppState.minimumHeight)"]
        for (offset, line) in lines.prefix(state.height).enumerated() {
            let y = max(0, (state.height - lines.count) / 2) + offset
            frame.put(TextWidth.truncate(line, to: state.width), x: max(0, (state.width - TextWidth.columns(of: line)) / 2), y: y)
        }
    }

    private static func drawTabs(_ state: AppState, into frame: inout Frame) {
        frame.fill(.bar, x: 0, y: 0, width: frame.width)
        var x = 0
        for view in View.allCases {
            let label = " \(view.rawValue) \(view.title) "
            let end = frame.put(label, x: x, y: 0, style: view == state.view ? .selected : .bar)
            x = end
        }
        let right: String = switch state.loadState {
        case .loading: "loading… · \(state.serverName) "
        case .loaded: "\(state.library.songs.count) songs · \(state.serverName) "
        case .failed: "offline · \(state.serverName) "
        }
        let room = frame.width - x - 1
        if room > 8 {
            let text = TextWidth.truncate(right, to: room)
            frame.put(text, x: frame.width - TextWidth.columns(of: text), y: 0, style: .bar)
        }
    }

    private static func drawNowPlaying(_ state: AppState, into frame: inout Frame) {
        let player = state.player
        let top = frame.height - 2 - state.statusRows
        frame.fill(.bar, x: 0, y: top, width: frame.width)
        frame.fill(.bar, x: 0, y: top + 1, width: frame.width)
        let symbol: String = switch player.status {
        case .playing: "▶"
        case .paused: "‖"
        case .buffering: "…"
        case .stopped: "■"
        }
        if let track = player.track {
            var line = " \(symbol) \(track.title)"
            if !track.artist.isEmpty { line += " — \(track.artist)" }
            if !track.album.isEmpty { line += " · \(track.album)" }
            frame.put(TextWidth.truncate(line, to: frame.width), x: 0, y: top, style: .bar)
        } else {
            frame.put(" \(symbol) nothing playing — Enter plays the song under the cursor", x: 0, y: top, style: .bar)
        }

        let elapsed = PlaybackClock.format(player.track == nil ? nil : player.position)
        let total = PlaybackClock.format(player.duration)
        // Narrow windows show only the flags that are on.
        let flags = frame.width >= 60
            ? "vol \(player.volume)%  \(player.shuffle ? "shuffle" : "in order")  repeat \(player.repeatMode.rawValue) "
            : "vol \(player.volume)%\(player.shuffle ? " shuffle" : "")\(player.repeatMode == .off ? "" : " repeat \(player.repeatMode.rawValue)") "
        let left = player.track == nil ? " " : " \(elapsed) / \(total.isEmpty ? "?" : total) "
        let barWidth = frame.width - TextWidth.columns(of: left) - TextWidth.columns(of: flags) - 2
        var x = frame.put(left, x: 0, y: top + 1, style: .bar)
        if barWidth >= 5 {
            let fraction = player.duration.map { $0 > 0 ? min(1, player.position / $0) : 0 } ?? 0
            let filled = Int((Double(barWidth) * fraction).rounded(.down))
            frame.put(String(repeating: "━", count: filled), x: x, y: top + 1, style: .progress)
            frame.put(String(repeating: "─", count: barWidth - filled), x: x + filled, y: top + 1, style: .bar)
            x += barWidth + 1
        }
        frame.put(flags, x: max(x, frame.width - TextWidth.columns(of: flags)), y: top + 1, style: .bar)
    }

    private static func drawStatusLine(_ state: AppState, into frame: inout Frame) {
        let y = frame.height - state.statusRows
        if state.isEditingQuery {
            frame.put("/\(state.query)▏", x: 0, y: y)
        } else if let message = state.message {
            let lines = TextWidth.wrap(message.text, to: frame.width)
            for (offset, line) in lines.prefix(state.statusRows).enumerated() {
                let last = offset == state.statusRows - 1 && lines.count > state.statusRows
                frame.put(last ? TextWidth.truncate(line + " …", to: frame.width) : line, x: 0, y: y + offset, style: message.isError ? .error : .normal)
            }
        } else {
            frame.put(TextWidth.truncate("? help · 1-5 views · / search · Enter play · Space pause · q quit", to: frame.width), x: 0, y: y, style: .dim)
        }
    }

    // MARK: Views

    private static func drawSongsView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let order = state.library.order(state.songSort)
        if order.isEmpty {
            drawEmpty(state, rows: rows, into: &frame)
            return
        }
        drawSongTable(state, songs: order, cursor: state.songs, focused: true, x: 0, width: frame.width, rows: rows,
                      heading: "Songs by \(state.songSort.rawValue)", into: &frame)
    }

    private static func drawGenresView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let paneWidth = min(28, frame.width / 3)
        let genres = state.library.genres
        drawNames(count: genres.count, { "\(genres[$0].name) (\(genres[$0].songs.count))" }, cursor: state.genres, focused: state.focus == 0, heading: "Genres", x: 0, width: paneWidth, rows: rows, into: &frame)
        drawSongTable(state, songs: state.selectedGenreSongs, cursor: state.genreSongs, focused: state.focus == 1,
                      x: paneWidth + 1, width: frame.width - paneWidth - 1, rows: rows,
                      heading: state.library.genres.indices.contains(state.genres.selected) ? state.library.genres[state.genres.selected].name : "",
                      into: &frame)
        drawDivider(x: paneWidth, rows: rows, into: &frame)
    }

    private static func drawArtistsView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let paneWidth = max(12, frame.width / 4)
        let artists = state.library.artists
        let albums = state.selectedArtistAlbums
        drawNames(count: artists.count, { artists[$0].name.isEmpty ? "(no artist)" : artists[$0].name }, cursor: state.artists, focused: state.focus == 0, heading: "Artists", x: 0, width: paneWidth, rows: rows, into: &frame)
        drawDivider(x: paneWidth, rows: rows, into: &frame)
        drawNames(count: albums.count, { "\(albums[$0].name.isEmpty ? "(no album)" : albums[$0].name) (\(albums[$0].songs.count))" }, cursor: state.albums, focused: state.focus == 1, heading: "Albums", x: paneWidth + 1, width: paneWidth, rows: rows, into: &frame)
        drawDivider(x: 2 * paneWidth + 1, rows: rows, into: &frame)
        drawSongTable(state, songs: state.selectedAlbumSongs, cursor: state.albumSongs, focused: state.focus == 2,
                      x: 2 * paneWidth + 2, width: frame.width - 2 * paneWidth - 2, rows: rows, heading: "Songs", into: &frame)
    }

    private static func drawQueueView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        guard !state.queue.isEmpty else {
            frame.put("The queue is empty: Enter plays a list from the cursor, a adds one song.", x: 1, y: rows.lowerBound + 1, style: .dim)
            return
        }
        drawRows(state.queue, cursor: state.queueCursor, focused: true, x: 0, width: frame.width, rows: rows,
                 heading: "Queue (\(state.queue.count))", playingRow: state.player.queueIndex, into: &frame)
    }

    private static func drawSearchView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let prompt = state.query.isEmpty && !state.isEditingQuery ? "/ to search titles, artists and albums" : "/\(state.query)"
        frame.put(TextWidth.truncate(prompt, to: frame.width - 2), x: 1, y: rows.lowerBound, style: state.isEditingQuery ? .selected : .dim)
        let results = (rows.lowerBound + 1)..<rows.upperBound
        if state.searchResults.isEmpty, !state.query.isEmpty {
            frame.put("No songs match.", x: 1, y: results.lowerBound + 1, style: .dim)
            return
        }
        drawSongTable(state, songs: state.searchResults, cursor: state.searchCursor, focused: !state.isEditingQuery,
                      x: 0, width: frame.width, rows: results, heading: "\(state.searchResults.count) found", into: &frame)
    }

    private static func drawEmpty(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let text: String = switch state.loadState {
        case .loading: "Loading the library…"
        case .failed(let reason): "Cannot reach the library: \(reason)"
        case .loaded: state.offersDemo ? "The library is empty. Press D to add the demo songs." : "The library is empty."
        }
        frame.put(TextWidth.truncate(text, to: frame.width - 2), x: 1, y: rows.lowerBound + 1, style: .dim)
    }

    // MARK: Lists

    private static func drawSongTable(
        _ state: AppState, songs indexes: [Int], cursor: ListCursor, focused: Bool, x: Int, width: Int, rows: Range<Int>,
        heading: String, into frame: inout Frame
    ) {
        let visible = indexes[min(cursor.top, indexes.count)..<min(indexes.count, cursor.top + rows.count - 1)]
        let songs = visible.map { state.library.songs[$0] }
        drawRows(songs, cursor: ListCursor(selected: cursor.selected - cursor.top, top: 0), focused: focused, x: x, width: width,
                 rows: rows, heading: heading, firstRow: cursor.top, playingID: state.player.track?.id, into: &frame)
    }

    /// Song rows: title, artist, album, year, length, in columns that share the width.
    private static func drawRows(
        _ songs: [LibrarySong], cursor: ListCursor, focused: Bool, x: Int, width: Int, rows: Range<Int>, heading: String,
        firstRow: Int = -1, playingRow: Int? = nil, playingID: String? = nil, into frame: inout Frame
    ) {
        let fromQueue = firstRow < 0
        let top = fromQueue ? cursor.top : 0
        let marker = 2
        let time = 6
        let year = width >= 70 ? 5 : 0
        let rest = max(0, width - marker - time - year)
        let showsAlbum = width >= 60
        let titleWidth = showsAlbum ? rest * 2 / 5 : rest * 3 / 5
        let artistWidth = showsAlbum ? rest * 3 / 10 : rest - titleWidth
        let albumWidth = showsAlbum ? rest - titleWidth - artistWidth : 0

        frame.put(TextWidth.truncate(heading, to: width), x: x, y: rows.lowerBound, style: .heading)
        for (offset, y) in rows.dropFirst().enumerated() {
            let row = top + offset
            guard songs.indices.contains(row) else { break }
            let song = songs[row]
            let isCursor = row == cursor.selected
            let isPlaying = fromQueue ? playingRow == row : song.id == playingID
            let style: CellStyle = isCursor ? (focused ? .selected : .selectedDimmed) : (isPlaying ? .playing : .normal)
            frame.fill(style, x: x, y: y, width: width)
            var column = x
            column = frame.put(isPlaying ? "▶ " : "  ", x: column, y: y, style: style, limit: marker)
            frame.put(TextWidth.truncate(song.title, to: titleWidth - 1), x: column, y: y, style: style)
            column += titleWidth
            frame.put(TextWidth.truncate(song.artist, to: artistWidth - 1), x: column, y: y, style: style)
            column += artistWidth
            if showsAlbum {
                frame.put(TextWidth.truncate(song.album, to: albumWidth - 1), x: column, y: y, style: style)
                column += albumWidth
            }
            if year > 0 {
                frame.put(song.year.map(String.init) ?? "", x: column, y: y, style: style)
                column += year
            }
            let length = PlaybackClock.format(song.duration)
            frame.put(length, x: x + width - TextWidth.columns(of: length) - 1, y: y, style: style)
        }
    }

    /// A list of names; only the visible rows' names are made.
    private static func drawNames(
        count: Int, _ name: (Int) -> String, cursor: ListCursor, focused: Bool, heading: String, x: Int, width: Int, rows: Range<Int>, into frame: inout Frame
    ) {
        frame.put(TextWidth.truncate(heading, to: width), x: x, y: rows.lowerBound, style: .heading)
        for (offset, y) in rows.dropFirst().enumerated() {
            let row = cursor.top + offset
            guard row < count else { break }
            let style: CellStyle = row == cursor.selected ? (focused ? .selected : .selectedDimmed) : .normal
            frame.fill(style, x: x, y: y, width: width)
            frame.put(TextWidth.truncate(name(row), to: width - 2), x: x + 1, y: y, style: style)
        }
    }

    private static func drawDivider(x: Int, rows: Range<Int>, into frame: inout Frame) {
        for y in rows { frame.put("│", x: x, y: y, style: .dim) }
    }

    // MARK: Help

    /// Every command with its keys, in as many columns as the window needs (what does not fit ends in "…").
    private static func drawHelp(_ state: AppState, into frame: inout Frame) {
        let entries = Command.allCases.map { command in
            let keys = state.keymap.keys(for: command).prefix(3).joined(separator: " ")
            return (keys: keys.isEmpty ? "(unbound)" : keys, summary: command.summary)
        }
        let boxHeight = min(frame.height - 2, entries.count + 3)
        let rowsPerColumn = max(1, boxHeight - 3)
        let columns = max(1, min((entries.count + rowsPerColumn - 1) / rowsPerColumn, (frame.width - 2) / 30))
        let boxWidth = min(frame.width - 2, max(36, columns * 40))
        let columnWidth = (boxWidth - 2) / columns
        let keyWidth = min(columnWidth / 3, entries.map { TextWidth.columns(of: $0.keys) }.max() ?? 0)
        let left = (frame.width - boxWidth) / 2
        let top = (frame.height - boxHeight) / 2
        for y in top..<top + boxHeight { frame.fill(.overlay, x: left, y: y, width: boxWidth) }
        frame.put(" Keys — any key closes this ", x: left + 2, y: top, style: .heading, limit: boxWidth - 2)
        let shown = min(entries.count, rowsPerColumn * columns)
        for (index, entry) in entries.prefix(shown).enumerated() {
            let x = left + 2 + (index / rowsPerColumn) * columnWidth
            let y = top + 2 + index % rowsPerColumn
            let last = index == shown - 1 && shown < entries.count
            frame.put(TextWidth.fit(entry.keys, to: keyWidth), x: x, y: y, style: .overlay)
            let summary = last ? "…" : entry.summary
            frame.put(TextWidth.truncate(summary, to: columnWidth - keyWidth - 2), x: x + keyWidth + 1, y: y, style: .overlay)
        }
    }
}
