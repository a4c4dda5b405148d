import LibraryModel
import PlayerCore

/// Views 6 (playlists) and 7 (history), and the popups, drawn from the state like every other view.
extension Renderer {
    // MARK: View 6

    static func drawPlaylistsView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let listener = state.listener
        let paneWidth = min(30, frame.width / 3)
        let playlists = listener.playlists
        let heading = switch listener.playlistsLoad {
        case .loading?: "Playlists · loading…"
        case .failed?: "Playlists · offline"
        default: "Playlists"
        }
        drawNames(count: playlists.count, { row in
            let playlist = playlists[row]
            if playlist.smart { return playlist.name }
            let owner = listener.isOwn(playlist) ? "" : " · \(playlist.owner)"
            return "\(playlist.name)\(owner) (\(playlist.songCount))"
        }, cursor: listener.playlistCursor, focused: state.focus == 0, heading: heading, x: 0, width: paneWidth, rows: rows, into: &frame)
        drawDivider(x: paneWidth, rows: rows, into: &frame)

        let x = paneWidth + 1
        let width = frame.width - x
        guard let playlist = listener.selectedPlaylist, let open = listener.openPlaylist, open.id == playlist.id else { return }
        var details = [playlist.name]
        if !playlist.smart, !listener.isOwn(playlist) { details.append(playlist.owner) }
        if let entries = open.entries {
            details.append(entries.count == 1 ? "1 song" : "\(entries.count) songs")
            let length = PlaybackClock.format(playlist.duration)
            if playlist.duration > 0 { details.append(length) }
        }
        let note: (String, CellStyle)? = if let failure = open.failure {
            ("Could not load it: \(failure)", .error)
        } else if open.entries == nil {
            ("loading…", .dim)
        } else if open.entries?.isEmpty == true {
            (listener.isOwn(playlist) ? "No songs yet: y on any song adds it here." : "No songs.", .dim)
        } else {
            nil
        }
        if let (text, style) = note {
            frame.put(TextWidth.truncate(details.joined(separator: " · "), to: width), x: x, y: rows.lowerBound, style: .heading)
            frame.put(TextWidth.truncate(text, to: width - 2), x: x + 1, y: rows.lowerBound + 1, style: style)
            return
        }
        let entries = listener.entries
        let playingID = state.player.track?.id
        drawSongRows(state, count: entries.count, song: { state.playableSong(entries[$0].song) }, cursor: listener.entryCursor,
                     focused: state.focus == 1, x: x, width: width, rows: rows, heading: details.joined(separator: " · "),
                     isPlaying: { $1.id == playingID }, into: &frame)
    }

    // MARK: View 7

    static func drawHistoryView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let listener = state.listener
        let history = listener.history
        let width = frame.width
        let note: (String, CellStyle)? = switch listener.historyLoad {
        case .failed(let reason)? where history.isEmpty: ("Could not load the history: \(reason)", .error)
        case .loading?, nil: history.isEmpty ? ("Loading the history…", .dim) : nil
        default: history.isEmpty ? ("Nothing played yet.", .dim) : nil
        }
        let count = history.count == 1 ? " · 1 play" : " · \(history.count) plays"
        let heading = "History" + (listener.historyLoad == .loaded || !history.isEmpty ? count : "")
        frame.put(TextWidth.truncate(heading, to: width), x: 0, y: rows.lowerBound, style: .heading)
        if let (text, style) = note {
            frame.put(TextWidth.truncate(text, to: width - 2), x: 1, y: rows.lowerBound + 1, style: style)
            return
        }
        let marker = 3
        let when = min(17, width / 4)
        let played = width >= 50 ? 14 : 0
        let skipped = width >= 64 ? 8 : 5
        let title = max(0, width - marker - when - played - skipped)
        let cursor = listener.historyCursor
        let playingID = state.player.track?.id
        for (offset, y) in rows.dropFirst().enumerated() {
            let row = cursor.top + offset
            guard history.indices.contains(row) else { break }
            let entry = history[row].entry
            let song = state.playableSong(entry.song)
            let isCursor = row == cursor.selected
            let isPlaying = song != nil && entry.songId == playingID
            let style: CellStyle = isCursor ? .selected : (song == nil ? .dim : (isPlaying ? .playing : .normal))
            frame.fill(style, x: 0, y: y, width: width)
            if let song { drawMarkers(state, song: song, isPlaying: isPlaying, style: style, x: 0, y: y, width: width, into: &frame) }
            var column = marker
            frame.put(TextWidth.truncate(history[row].when, to: when - 1), x: column, y: y, style: style)
            column += when
            let name = song.map { $0.artist.isEmpty ? $0.title : "\($0.title) — \($0.artist)" } ?? "(unavailable)"
            frame.put(TextWidth.truncate(name, to: title - 1), x: column, y: y, style: style)
            column += title
            if played > 0 {
                let length = PlaybackClock.format(song?.duration)
                let text = PlaybackClock.format(entry.playedSeconds) + (length.isEmpty ? "" : " / \(length)")
                frame.put(TextWidth.truncate(text, to: played - 1), x: column + played - 1 - min(played - 1, TextWidth.columns(of: text)), y: y, style: style)
                column += played
            }
            if entry.skipped {
                frame.put(skipped >= 8 ? "skipped" : "skip", x: column, y: y, style: isCursor ? style : .dim, limit: skipped - 1)
            }
        }
    }

    // MARK: Popups

    /// A popup is a box over the middle of the screen; the next frame without it shows what it covered.
    static func drawPopup(_ popup: Popup, _ state: AppState, into frame: inout Frame) {
        switch popup {
        case .rating(_, let title, let choice):
            let labels = (0...5).reversed().map { rating in
                rating == 0 ? "0  no rating" : "\(rating)  \(state.glyphs.stars(rating))\(rating == 1 ? "  never suggest" : "")"
            }
            drawListBox(title: "Rate “\(title)”", count: labels.count, { labels[$0] }, selected: 5 - choice,
                        hint: "0–5 rate · Enter · Esc", width: 40, into: &frame)
        case .playlistPicker(_, let title, let selected):
            let own = state.listener.ownPlaylists
            let loading = state.listener.playlistsLoad == .loading
            drawListBox(title: "Add “\(title)” to", count: own.count + 1, { row in
                own.indices.contains(row) ? "\(own[row].name) (\(own[row].songCount))" : "New playlist…"
            }, selected: selected, hint: loading ? "loading your playlists…" : "Enter adds · Esc closes", width: 46, into: &frame)
        case .prompt(let prompt):
            let box = box(rows: 3, width: 54, in: frame)
            drawBoxFrame(box, title: prompt.title, into: &frame)
            // The end of the text, where typing happens, stays in view.
            let room = box.width - 4
            var shown = prompt.text + "▏"
            while TextWidth.columns(of: shown) > room, !shown.isEmpty { shown.removeFirst() }
            if box.height > 1 {
                frame.fill(.normal, x: box.x + 1, y: box.y + 1, width: box.width - 2)
                frame.put(shown, x: box.x + 2, y: box.y + 1, style: .normal, limit: room)
            }
            if box.height > 2 {
                frame.put(TextWidth.truncate("Enter saves · Esc cancels", to: box.width - 2), x: box.x + 1, y: box.y + 2, style: .overlay)
            }
        case .confirmDelete(_, let name):
            let box = box(rows: 2, width: 48, in: frame)
            drawBoxFrame(box, title: "Delete “\(name)”? y/n", into: &frame)
            if box.height > 1 {
                frame.put(TextWidth.truncate("y deletes it · any other key keeps it", to: box.width - 2), x: box.x + 1, y: box.y + 1, style: .overlay)
            }
        }
    }

    private struct Box {
        var x: Int
        var y: Int
        var width: Int
        var height: Int
    }

    /// A box for `rows` rows under a title, centred, as wide as `width` where the window allows.
    private static func box(rows: Int, width: Int, in frame: Frame) -> Box {
        let boxWidth = max(0, min(frame.width - 2, width))
        let boxHeight = max(0, min(frame.height - 2, rows + 1))
        return Box(x: (frame.width - boxWidth) / 2, y: (frame.height - boxHeight) / 2, width: boxWidth, height: boxHeight)
    }

    private static func drawBoxFrame(_ box: Box, title: String, into frame: inout Frame) {
        for y in box.y..<box.y + box.height { frame.fill(.overlay, x: box.x, y: y, width: box.width) }
        frame.put(TextWidth.truncate(" \(title) ", to: box.width - 1), x: box.x + 1, y: box.y, style: .heading)
    }

    /// A titled list with one row highlighted and a hint under it; a long list scrolls to keep that row shown.
    private static func drawListBox(
        title: String, count: Int, _ label: (Int) -> String, selected: Int, hint: String, width: Int, into frame: inout Frame
    ) {
        let box = box(rows: count + 1, width: width, in: frame)
        drawBoxFrame(box, title: title, into: &frame)
        let listRows = max(0, box.height - 2)
        let top = selected >= listRows ? selected - listRows + 1 : 0
        for offset in 0..<listRows {
            let row = top + offset
            guard row < count else { break }
            let y = box.y + 1 + offset
            let style: CellStyle = row == selected ? .selected : .overlay
            frame.fill(style, x: box.x + 1, y: y, width: box.width - 2)
            frame.put(TextWidth.truncate(label(row), to: box.width - 4), x: box.x + 2, y: y, style: style)
        }
        if box.height >= 3 {
            frame.put(TextWidth.truncate(hint, to: box.width - 2), x: box.x + 1, y: box.y + box.height - 1, style: .overlay)
        }
    }
}
