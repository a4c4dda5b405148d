import PlayerCore

/// A place on screen where a cover goes, with or without a cover to put there.
public struct ArtSlot: Sendable, Equatable {
    public enum Place: Sendable, Equatable {
        /// Beside the now-playing lines: the playing song's cover.
        case nowPlaying
        /// At the bottom of view 3's albums pane: the selected album's.
        case album
        /// `i`: over the current view.
        case large
    }

    public var place: Place
    public var x: Int
    public var y: Int
    public var columns: Int
    public var rows: Int
    /// The cover to show; nil when there is none (nothing playing, a song without a cover): the quiet
    /// placeholder, and nothing is asked for.
    public var url: String?

    /// The cover at this slot's size; nil without a cover.
    public var key: ArtKey? { url.map { ArtKey(url: $0, columns: columns, rows: rows) } }

    public var region: ArtRegion? { key.map { ArtRegion(x: x, y: y, columns: columns, rows: rows, key: $0) } }
}

/// Where covers go, from the state alone: the renderer draws these slots, and the reducer asks for the
/// covers they need after every action. Resizing, scrolling, a new view or a new song move or change them
/// with nothing else to remember, so nothing stale can stay on screen.
public enum ArtLayout {
    /// The smallest window that gets the cover panel and view 3's album cover. Below it the layout is
    /// exactly as without art.
    public static let minimumWidth = 100
    public static let minimumHeight = 30
    /// The cover panel's height: the cover, beside it title, artist — album, genre · year · length, and
    /// the two now-playing lines.
    public static let panelRows = 6
    /// view 3's album cover is at most this many rows, so the albums stay the pane's main business.
    public static let albumMaximumRows = 16
    /// The tallest status line (a wrapped message): sizes are taken as if it showed, so a message
    /// coming and going moves covers but never resizes (and so reloads) them.
    static let tallestStatus = 3

    /// Whether the bottom area is the cover panel.
    public static func showsPanel(_ state: AppState) -> Bool {
        state.art.isActive && state.width >= minimumWidth && state.height >= minimumHeight
    }

    /// Every slot on screen, bottom layer first: the panel's, the album's, then the large cover's.
    public static func slots(for state: AppState) -> [ArtSlot] {
        guard state.art.isActive, !state.isTooSmall else { return [] }
        var slots: [ArtSlot] = []
        if showsPanel(state) { slots.append(panelSlot(state)) }
        if let album = albumSlot(state) { slots.append(album) }
        if let large = largeSlot(state) { slots.append(large) }
        return slots
    }

    /// The slots that have a cover, as regions: the covers the screen wants, at the sizes it wants them.
    public static func regions(for state: AppState) -> [ArtRegion] {
        slots(for: state).compactMap(\.region)
    }

    // MARK: The slots

    /// The panel's cover: `panelRows` tall, as wide as a square picture is at this cell aspect.
    static func panelSlot(_ state: AppState) -> ArtSlot {
        let columns = min(24, max(6, Int((Double(panelRows) * state.art.cellAspect).rounded())))
        let y = state.height - state.statusRows - panelRows
        return ArtSlot(place: .nowPlaying, x: 0, y: y, columns: columns, rows: panelRows, url: state.playingCoverURL)
    }

    /// The geometry of view 3's album cover: centred at the bottom of the albums pane, as wide as the pane
    /// allows less a column each side, at most half the pane's height and `albumMaximumRows`; nil where
    /// that leaves it under 4 rows.
    static func albumBox(_ state: AppState) -> (x: Int, y: Int, columns: Int, rows: Int)? {
        guard state.art.isActive, state.view == .artists, state.width >= minimumWidth, state.height >= minimumHeight else { return nil }
        let aspect = state.art.cellAspect
        let paneWidth = Renderer.artistsPaneWidth(state.width)
        let room = paneWidth - 2
        let steadyBody = state.height - state.nowPlayingRows - tallestStatus - 1
        let rows = min(albumMaximumRows, (steadyBody - 1) / 2, Int(Double(room) / aspect))
        let columns = min(room, Int((Double(rows) * aspect).rounded()))
        guard rows >= 4, columns >= 4 else { return nil }
        return (paneWidth + 1 + (paneWidth - columns) / 2, state.bodyRows.upperBound - rows, columns, rows)
    }

    static func albumSlot(_ state: AppState) -> ArtSlot? {
        guard let box = albumBox(state), !state.selectedArtistAlbums.isEmpty else { return nil }
        return ArtSlot(place: .album, x: box.x, y: box.y, columns: box.columns, rows: box.rows, url: state.selectedAlbumCoverURL)
    }

    /// Rows of album names in view 3: fewer where the album's cover takes the bottom of the pane (and a
    /// blank row above it).
    static func albumListRows(_ state: AppState) -> Int {
        guard let box = albumBox(state) else { return state.listRows }
        return max(1, box.y - 1 - state.bodyRows.lowerBound - 1)
    }

    /// The box the large cover's overlay fills: everything between the tab bar and the status line.
    static func largeBox(_ state: AppState) -> (x: Int, y: Int, width: Int, height: Int) {
        (0, 1, state.width, max(0, state.height - state.statusRows - 1))
    }

    /// The large cover: as big as fits under the overlay's title and over its caption, a square picture's
    /// shape at this cell aspect, centred; at most 297 cells each way (kitty's placeholders' limit).
    static func largeSlot(_ state: AppState) -> ArtSlot? {
        guard state.art.isShowingLarge else { return nil }
        let box = largeBox(state)
        let aspect = state.art.cellAspect
        let span = 297
        let steadyRows = state.height - 1 - tallestStatus - 2
        let roomRows = box.height - 2
        let roomColumns = box.width - 2
        let rows = min(span, steadyRows, roomRows, Int(Double(roomColumns) / aspect))
        let columns = min(span, roomColumns, Int((Double(rows) * aspect).rounded()))
        guard rows >= 1, columns >= 1 else { return nil }
        let subject = largeSubject(state)
        return ArtSlot(place: .large, x: box.x + (box.width - columns) / 2, y: box.y + 1 + (roomRows - rows) / 2,
                       columns: columns, rows: rows, url: subject?.url)
    }

    /// What `i` shows: the playing song's cover, else the song's under the cursor, else (in view 3) the
    /// album's; with a line saying whose it is. Nil when there is nothing to show.
    static func largeSubject(_ state: AppState) -> (url: String?, caption: String)? {
        if let track = state.player.track {
            return (state.playingCoverURL, caption(title: track.title, artist: track.artist, album: track.album))
        }
        if let (list, row) = state.focusedSongList(), let song = list.song(at: row, in: state) {
            return (song.image, caption(title: song.title, artist: song.artist, album: song.album))
        }
        if state.view == .artists, state.focus < 2, let album = state.selectedAlbum {
            let artist = state.library.artists.indices.contains(state.artists.selected) ? state.library.artists[state.artists.selected].name : ""
            return (state.selectedAlbumCoverURL, caption(title: album.name.isEmpty ? "(no album)" : album.name, artist: artist, album: ""))
        }
        return nil
    }

    static func caption(title: String, artist: String, album: String) -> String {
        var line = title
        if !artist.isEmpty { line += " — \(artist)" }
        if !album.isEmpty { line += " · \(album)" }
        return line
    }
}

extension AppState {
    /// The playing song's cover: the library's song's, else the queue's copy's (a song listed from a
    /// playlist or the history that the library does not hold).
    var playingCoverURL: String? {
        guard let track = player.track else { return nil }
        if let song = library.song(withID: track.id) { return song.image }
        return queue.first { $0.id == track.id }?.image
    }

    var selectedAlbum: Library.AlbumEntry? {
        let albums = selectedArtistAlbums
        return albums.indices.contains(self.albums.selected) ? albums[self.albums.selected] : nil
    }

    /// The selected album's cover: its first song's that has one.
    var selectedAlbumCoverURL: String? {
        guard let album = selectedAlbum else { return nil }
        for index in album.songs {
            if let image = library.songs[index].image { return image }
        }
        return nil
    }

    /// Rows of album names view 3 shows (the album's cover may take the bottom of the pane).
    public var albumListRows: Int { ArtLayout.albumListRows(self) }
}
