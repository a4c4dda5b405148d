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
        // Where covers go, from the state alone; none unless art is on and the window has room.
        let slots = ArtLayout.slots(for: state)
        drawTabs(state, into: &frame)
        let body = state.bodyRows
        switch state.view {
        case .songs: drawSongsView(state, rows: body, into: &frame)
        case .genres: drawGenresView(state, rows: body, into: &frame)
        case .artists: drawArtistsView(state, rows: body, into: &frame)
        case .queue: drawQueueView(state, rows: body, into: &frame)
        case .search: drawSearchView(state, rows: body, into: &frame)
        case .playlists: drawPlaylistsView(state, rows: body, into: &frame)
        case .history: drawHistoryView(state, rows: body, into: &frame)
        case .forYou: drawForYouView(state, rows: body, into: &frame)
        }
        if let panel = slots.first(where: { $0.place == .nowPlaying }) {
            drawCoverPanel(state, cover: panel, into: &frame)
        } else {
            drawNowPlaying(state, x: 0, width: frame.width, into: &frame)
        }
        for slot in slots where slot.place != .large { drawCover(slot, state, into: &frame) }
        drawStatusLine(state, into: &frame)
        // Overlays last: whatever they cover of a picture's region takes that region out of
        // `frame.artRegions`, so no picture is ever drawn over them.
        if let large = slots.first(where: { $0.place == .large }) { drawLargeCover(state, cover: large, into: &frame) }
        if state.isShowingHelp { drawHelp(state, into: &frame) }
        if let popup = state.popup { drawPopup(popup, state, into: &frame) }
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

    /// Every view's number and title where they fit beside the song count and the server; else only the
    /// open view's title among the numbers, since "offline" matters more than the other views' names.
    private static func drawTabs(_ state: AppState, into frame: inout Frame) {
        frame.fill(.bar, x: 0, y: 0, width: frame.width)
        let right: String = switch state.loadState {
        case .loading: "loading… · \(state.serverName) "
        case .loaded: "\(state.library.count) songs · \(state.serverName) "
        case .failed: "offline · \(state.serverName) "
        }
        let full = View.allCases.map { " \($0.rawValue) \($0.title) " }
        let compact = View.allCases.map { $0 == state.view ? " \($0.rawValue) \($0.title) " : " \($0.rawValue) " }
        let rightWidth = TextWidth.columns(of: right) + 1
        let fullWidth = TextWidth.columns(of: full.joined())
        let compactWidth = TextWidth.columns(of: compact.joined())
        let (labels, showsRight): ([String], Bool) =
            if fullWidth + rightWidth <= frame.width { (full, true) }
            else if compactWidth + rightWidth <= frame.width { (compact, true) }
            else if fullWidth <= frame.width { (full, false) }
            else { (compact, false) }
        var x = 0
        for (view, label) in zip(View.allCases, labels) {
            x = frame.put(label, x: x, y: 0, style: view == state.view ? .selected : .bar)
        }
        let room = frame.width - x - 1
        if showsRight || room > 8 {
            let text = TextWidth.truncate(right, to: room)
            frame.put(text, x: frame.width - TextWidth.columns(of: text), y: 0, style: .bar)
        }
    }

    /// The two now-playing lines, from column `left` to the right edge (`width` columns).
    static func drawNowPlaying(_ state: AppState, x left: Int, width: Int, into frame: inout Frame) {
        let player = state.player
        let top = frame.height - 2 - state.statusRows
        frame.fill(.bar, x: left, y: top, width: width)
        frame.fill(.bar, x: left, y: top + 1, width: width)
        let symbol: String = switch player.status {
        case .playing: "▶"
        case .paused: "‖"
        case .buffering: "…"
        case .stopped: "■"
        }
        if let track = player.track {
            // The playing song's marks, as the library holds them now.
            let marks = state.library.song(withID: track.id)
            var line = " \(symbol) "
            let titleStart = TextWidth.columns(of: line)
            if marks?.liked == true { line += "\(state.glyphs.liked) " }
            line += track.title
            if !track.artist.isEmpty { line += " — \(track.artist)" }
            if !track.album.isEmpty { line += " · \(track.album)" }
            let stars = (marks?.rating ?? 0) > 0 ? " \(state.glyphs.stars(marks?.rating ?? 0)) " : ""
            let starsWidth = width >= 50 ? TextWidth.columns(of: stars) : 0
            frame.put(TextWidth.truncate(line, to: width - starsWidth), x: left, y: top, style: .bar)
            if marks?.liked == true { frame.paint(.likedOnBar, x: left + titleStart, y: top, width: 1) }
            if starsWidth > 0 { frame.put(stars, x: left + width - starsWidth, y: top, style: .bar) }
        } else {
            frame.put(" \(symbol) nothing playing — Enter plays the song under the cursor", x: left, y: top, style: .bar, limit: width)
        }

        let elapsed = PlaybackClock.format(player.track == nil ? nil : player.position)
        let total = PlaybackClock.format(player.duration)
        // Narrow windows show only the flags that are on.
        let flags = width >= 60
            ? "vol \(player.volume)%  \(player.shuffle ? "shuffle" : "in order")  repeat \(player.repeatMode.rawValue) "
            : "vol \(player.volume)%\(player.shuffle ? " shuffle" : "")\(player.repeatMode == .off ? "" : " repeat \(player.repeatMode.rawValue)") "
        let elapsedText = player.track == nil ? " " : " \(elapsed) / \(total.isEmpty ? "?" : total) "
        // While a radio plays, the bar names it, at the expense of the progress bar.
        let radioText = state.radio.flatMap { $0.isPlaying ? TextWidth.truncate("radio: \($0.name)", to: max(0, min(28, width / 3))) + " " : nil } ?? ""
        let barWidth = width - TextWidth.columns(of: elapsedText) - TextWidth.columns(of: radioText) - TextWidth.columns(of: flags) - 2
        var x = frame.put(elapsedText, x: left, y: top + 1, style: .bar)
        if !radioText.isEmpty { x = frame.put(radioText, x: x, y: top + 1, style: .bar) }
        if barWidth >= 5 {
            let fraction = player.duration.map { $0 > 0 ? min(1, player.position / $0) : 0 } ?? 0
            let filled = Int((Double(barWidth) * fraction).rounded(.down))
            frame.put(String(repeating: "━", count: filled), x: x, y: top + 1, style: .progress)
            frame.put(String(repeating: "─", count: barWidth - filled), x: x + filled, y: top + 1, style: .bar)
            x += barWidth + 1
        }
        frame.put(flags, x: max(x, left + width - TextWidth.columns(of: flags)), y: top + 1, style: .bar)
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
            let hint = switch state.view {
            case .playlists: "? help · N new · R rename · X delete · x remove · J K move · Enter play"
            case .history: "? help · Enter plays again · M radio · f like · * rate · y add to a playlist"
            case .forYou: "? help · Enter play · M radio · Tab the other list · f like · * rate · 8 refresh"
            // Pausing is the hint a narrower window does without, so quitting stays in sight.
            default: frame.width >= 75
                ? "? help · 1-8 views · / search · Enter play · M radio · Space pause · q quit"
                : "? help · 1-8 views · / search · Enter play · M radio · q quit"
            }
            frame.put(TextWidth.truncate(hint, to: frame.width), x: 0, y: y, style: .dim)
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

    /// The width of each of view 3's first two panes.
    static func artistsPaneWidth(_ width: Int) -> Int { max(12, width / 4) }

    private static func drawArtistsView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let paneWidth = artistsPaneWidth(frame.width)
        // The album's cover, when it shows, takes the bottom of the albums pane and a blank row above it.
        let albumRows = ArtLayout.albumBox(state).map { rows.lowerBound..<max(rows.lowerBound + 1, $0.y - 1) } ?? rows
        let artists = state.library.artists
        let albums = state.selectedArtistAlbums
        drawNames(count: artists.count, { artists[$0].name.isEmpty ? "(no artist)" : artists[$0].name }, cursor: state.artists, focused: state.focus == 0, heading: "Artists", x: 0, width: paneWidth, rows: rows, into: &frame)
        drawDivider(x: paneWidth, rows: rows, into: &frame)
        drawNames(count: albums.count, { "\(albums[$0].name.isEmpty ? "(no album)" : albums[$0].name) (\(albums[$0].songs.count))" }, cursor: state.albums, focused: state.focus == 1, heading: "Albums", x: paneWidth + 1, width: paneWidth, rows: albumRows, into: &frame)
        drawDivider(x: 2 * paneWidth + 1, rows: rows, into: &frame)
        drawSongTable(state, songs: state.selectedAlbumSongs, cursor: state.albumSongs, focused: state.focus == 2,
                      x: 2 * paneWidth + 2, width: frame.width - 2 * paneWidth - 2, rows: rows, heading: "Songs", into: &frame)
    }

    private static func drawQueueView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        guard !state.queue.isEmpty else {
            frame.put("The queue is empty: Enter plays a list from the cursor, a adds one song.", x: 1, y: rows.lowerBound + 1, style: .dim)
            return
        }
        let queue = state.queue
        var heading = "Queue (\(queue.count))"
        if let radio = state.radio, radio.isPlaying {
            heading += " · radio: \(radio.name)"
            switch radio.refill {
            case .asking: heading += " · asking for more…"
            case .waitingToRetry: heading += " · will ask again soon"
            case .exhausted: heading += " · no more to add"
            case .idle: break
            }
        }
        drawSongRows(state, count: queue.count, song: { queue[$0] }, cursor: state.queueCursor, focused: true, x: 0, width: frame.width,
                     rows: rows, heading: heading, isPlaying: { row, _ in row == state.player.queueIndex }, into: &frame)
    }

    private static func drawSearchView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let prompt = state.query.isEmpty && !state.isEditingQuery ? "/ to search titles, artists and albums" : "/\(state.query)"
        frame.put(TextWidth.truncate(prompt, to: frame.width - 2), x: 1, y: rows.lowerBound, style: state.isEditingQuery ? .selected : .dim)
        let results = (rows.lowerBound + 1)..<rows.upperBound
        if state.searchResults.isEmpty, !state.query.isEmpty {
            frame.put(state.isSearching ? "Searching…" : "No songs match.", x: 1, y: results.lowerBound + 1, style: .dim)
            return
        }
        let heading = state.isSearching ? "\(state.searchResults.count) found so far…" : "\(state.searchResults.count) found"
        drawSongTable(state, songs: state.searchResults, cursor: state.searchCursor, focused: !state.isEditingQuery,
                      x: 0, width: frame.width, rows: results, heading: heading, into: &frame)
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
        let playingID = state.player.track?.id
        drawSongRows(state, count: indexes.count, song: { state.library.songs[indexes[$0]] }, cursor: cursor, focused: focused,
                     x: x, width: width, rows: rows, heading: heading, isPlaying: { $1.id == playingID }, into: &frame)
    }

    /// Song rows: the playing marker, the like marker, title, artist, album, year, length, in columns that
    /// share the width. `song` is asked only for the rows on screen; nil is an entry whose song is gone.
    /// With `reason`, a suggestion's reason (dim) takes the album's and the year's place, and the
    /// artist's too in a narrow list.
    static func drawSongRows(
        _ state: AppState, count: Int, song: (Int) -> LibrarySong?, cursor: ListCursor, focused: Bool, x: Int, width: Int,
        rows: Range<Int>, heading: String, isPlaying: (Int, LibrarySong) -> Bool, reason: ((Int) -> String)? = nil, into frame: inout Frame
    ) {
        let marker = 3
        let time = 6
        let year = width >= 70 && reason == nil ? 5 : 0
        let rest = max(0, width - marker - time - year)
        let showsAlbum = width >= 60 && reason == nil
        let titleWidth = reason != nil ? (width >= 50 ? rest * 7 / 20 : rest * 11 / 20) : showsAlbum ? rest * 2 / 5 : rest * 3 / 5
        let artistWidth = reason != nil ? (width >= 50 ? rest / 4 : 0) : showsAlbum ? rest * 3 / 10 : rest - titleWidth
        let albumWidth = showsAlbum ? rest - titleWidth - artistWidth : 0
        let reasonWidth = reason != nil ? rest - titleWidth - artistWidth : 0

        frame.put(TextWidth.truncate(heading, to: width), x: x, y: rows.lowerBound, style: .heading)
        for (offset, y) in rows.dropFirst().enumerated() {
            let row = cursor.top + offset
            guard row < count else { break }
            let isCursor = row == cursor.selected
            let cursorStyle: CellStyle = focused ? .selected : .selectedDimmed
            guard let song = song(row) else {
                frame.fill(isCursor ? cursorStyle : .dim, x: x, y: y, width: width)
                frame.put(TextWidth.truncate("(unavailable)", to: max(0, width - marker)), x: x + marker, y: y, style: isCursor ? cursorStyle : .dim)
                continue
            }
            let isPlaying = isPlaying(row, song)
            // Offline, a song not kept on this machine cannot play: it shows dim.
            let style: CellStyle = isCursor ? cursorStyle : (isPlaying ? .playing : state.canPlay(song.id) ? .normal : .dim)
            frame.fill(style, x: x, y: y, width: width)
            drawMarkers(state, song: song, isPlaying: isPlaying, style: style, x: x, y: y, width: width, into: &frame)
            var column = x + marker
            frame.put(TextWidth.truncate(song.title, to: titleWidth - 1), x: column, y: y, style: style)
            column += titleWidth
            if artistWidth > 0 {
                frame.put(TextWidth.truncate(song.artist, to: artistWidth - 1), x: column, y: y, style: style)
                column += artistWidth
            }
            if let reason, reasonWidth > 1 {
                frame.put(TextWidth.truncate(reason(row), to: reasonWidth - 1), x: column, y: y, style: isCursor ? style : .dim)
                column += reasonWidth
            }
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

    /// The first three columns of a song row: ▶ when it plays, the like marker when liked (coloured unless the
    /// cursor's bar is on it), a space.
    static func drawMarkers(_ state: AppState, song: LibrarySong, isPlaying: Bool, style: CellStyle, x: Int, y: Int, width: Int, into frame: inout Frame) {
        guard width >= 3 else { return }
        if isPlaying { frame.put("▶", x: x, y: y, style: style, limit: 1) }
        // The library's copy has the marks as they are now; a queued or listed copy may be older.
        if state.library.song(withID: song.id)?.liked ?? song.liked {
            let onCursor = style == .selected || style == .selectedDimmed
            frame.put(String(state.glyphs.liked), x: x + 1, y: y, style: onCursor ? style : .liked, limit: 1)
        }
        if state.offline.pinned.contains(song.id) { frame.put(String(state.glyphs.pinned), x: x + 2, y: y, style: style, limit: 1) }
    }

    /// A list of names; only the visible rows' names are made.
    static func drawNames(
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

    static func drawDivider(x: Int, rows: Range<Int>, into frame: inout Frame) {
        for y in rows { frame.put("│", x: x, y: y, style: .dim) }
    }

    // MARK: Help

    /// Where the help overlay's entries go in a window of this size: `perPage` entries in `columns` columns
    /// of `rows` rows. `?` pages through the rest.
    struct HelpLayout {
        var boxWidth: Int
        var boxHeight: Int
        var columns: Int
        var rows: Int
        var perPage: Int { max(1, columns * rows) }

        init(width: Int, height: Int, entries: Int) {
            boxHeight = max(0, min(height - 2, entries + 3))
            rows = max(1, boxHeight - 3)
            columns = max(1, min((entries + rows - 1) / rows, (width - 2) / 30))
            boxWidth = max(0, min(width - 2, max(36, columns * 40)))
        }
    }

    /// How many pages the help overlay needs in `state`'s window.
    static func helpPages(_ state: AppState) -> Int {
        let layout = HelpLayout(width: state.width, height: state.height, entries: Command.allCases.count)
        return (Command.allCases.count + layout.perPage - 1) / layout.perPage
    }

    /// Every command with its keys, in as many columns as the window needs, a page at a time.
    private static func drawHelp(_ state: AppState, into frame: inout Frame) {
        let entries = Command.allCases.map { command in
            let keys = state.keymap.keys(for: command).prefix(3).joined(separator: " ")
            return (keys: keys.isEmpty ? "(unbound)" : keys, summary: command.summary)
        }
        let layout = HelpLayout(width: frame.width, height: frame.height, entries: entries.count)
        let pages = helpPages(state)
        let page = min(max(0, state.helpPage), pages - 1)
        let shown = entries.dropFirst(page * layout.perPage).prefix(layout.perPage)
        let columnWidth = (layout.boxWidth - 2) / layout.columns
        let keyWidth = min(columnWidth / 3, entries.map { TextWidth.columns(of: $0.keys) }.max() ?? 0)
        let left = (frame.width - layout.boxWidth) / 2
        let top = (frame.height - layout.boxHeight) / 2
        for y in top..<top + layout.boxHeight { frame.fill(.overlay, x: left, y: y, width: layout.boxWidth) }
        let title = pages > 1 ? " Keys — any key closes this · ? more (\(page + 1)/\(pages)) " : " Keys — any key closes this "
        frame.put(title, x: left + 2, y: top, style: .heading, limit: layout.boxWidth - 2)
        for (index, entry) in shown.enumerated() {
            let x = left + 2 + (index / layout.rows) * columnWidth
            let y = top + 2 + index % layout.rows
            frame.put(TextWidth.fit(entry.keys, to: keyWidth), x: x, y: y, style: .overlay)
            frame.put(TextWidth.truncate(entry.summary, to: columnWidth - keyWidth - 2), x: x + keyWidth + 1, y: y, style: .overlay)
        }
    }
}
