public import PlayerCore

/// Something that happened: a key, a resize, an answer from the service, news from the player.
public enum Action: Sendable {
    case key(Key)
    case resized(width: Int, height: Int)
    case libraryLoaded(Library)
    case libraryFailed(String)
    case player(PlayerSnapshot)
    case playerEvent(PlayerEvent)
    /// A line for the status bar from an effect (the demo loaded, a keymap file was wrong…).
    case message(StatusMessage)
    /// The service has no songs and is the embedded one: offer the demo.
    case libraryIsEmptyAndLocal
}

/// Work for the runner, outside the pure state: talking to the service and the player, quitting.
public enum Effect: Sendable, Equatable {
    /// Fetch songs and genres, after `delay` (a retry).
    case loadLibrary(after: Duration)
    case play([LibrarySong], index: Int)
    case append([LibrarySong])
    case togglePause, next, previous
    case seek(by: Double)
    case setVolume(Int)
    case setShuffle(Bool)
    case setRepeat(RepeatMode)
    case loadDemo
    case quit
}

extension AppState {
    /// How long a failed load waits before trying again.
    public static let retryDelay = Duration.seconds(3)

    /// Applies `action` and returns the work it asks for. Pure: no I/O, no clocks, no terminal.
    public mutating func reduce(_ action: Action) -> [Effect] {
        // A new message can take more status rows, and a new library or size fewer list rows.
        defer { clampCursors() }
        switch action {
        case .key(let key):
            return handle(key)
        case .resized(let width, let height):
            self.width = width
            self.height = height
            return []
        case .libraryLoaded(let library):
            if case .failed = loadState { message = nil }
            self.library = library
            loadState = .loaded
            if !library.songs.isEmpty { offersDemo = false }
            searchResults = library.search(query)
            earlierResults = []
            return []
        case .libraryFailed(let reason):
            loadState = .failed(reason)
            message = StatusMessage("\(reason) — retrying every \(Self.retryDelay.components.seconds) s", isError: true)
            return [.loadLibrary(after: Self.retryDelay)]
        case .player(let snapshot):
            player = snapshot
            return []
        case .playerEvent(let event):
            noteEvent(event)
            return []
        case .message(let message):
            self.message = message
            return []
        case .libraryIsEmptyAndLocal:
            offersDemo = true
            message = StatusMessage("The library is empty: press D to add the demo songs, or `termplayer import DIR`.")
            return []
        }
    }

    private mutating func noteEvent(_ event: PlayerEvent) {
        switch event {
        case .trackStarted:
            if message?.isError == true { message = nil }
        case .trackFailed(let track, _, let error):
            message = StatusMessage("\(track.title): \(error)", isError: true)
        case .outputFailed(let error):
            message = StatusMessage("\(error)", isError: true)
        case .trackEnded, .queueFinished, .stopped:
            break
        }
    }

    private mutating func handle(_ key: Key) -> [Effect] {
        if isEditingQuery { return editQuery(key) }
        if isShowingHelp {
            isShowingHelp = false
            return keymap.command(for: key) == .quit ? [.quit] : []
        }
        guard let command = keymap.command(for: key) else { return [] }
        return perform(command)
    }

    // MARK: Commands

    private mutating func perform(_ command: Command) -> [Effect] {
        let page = listRows
        switch command {
        case .down: moveCursor(by: 1)
        case .up: moveCursor(by: -1)
        case .top: moveCursor(by: -Int.max / 2)
        case .bottom: moveCursor(by: Int.max / 2)
        case .pageDown: moveCursor(by: page)
        case .pageUp: moveCursor(by: -page)
        case .halfPageDown: moveCursor(by: max(1, page / 2))
        case .halfPageUp: moveCursor(by: -max(1, page / 2))
        case .nextPane: focus = min(view.paneCount - 1, focus + 1)
        case .previousPane: focus = max(0, focus - 1)
        case .play: return playSelection()
        case .append:
            guard let (list, index) = focusedSongList(), let song = list.song(at: index, in: self) else { return [] }
            queue.append(song)
            message = StatusMessage("Added \(song.title) to the queue (\(queue.count))")
            return [.append([song])]
        case .togglePause: return player.track == nil ? [] : [.togglePause]
        case .next: return [.next]
        case .previous: return [.previous]
        case .seekBack: return [.seek(by: -5)]
        case .seekForward: return [.seek(by: 5)]
        case .seekBackLong: return [.seek(by: -60)]
        case .seekForwardLong: return [.seek(by: 60)]
        case .volumeUp, .volumeDown:
            player.volume = min(150, max(0, player.volume + (command == .volumeUp ? 5 : -5)))
            return [.setVolume(player.volume)]
        case .shuffle:
            player.shuffle.toggle()
            return [.setShuffle(player.shuffle)]
        case .cycleRepeat:
            player.repeatMode = player.repeatMode.next
            return [.setRepeat(player.repeatMode)]
        case .search:
            view = .search
            focus = 0
            isEditingQuery = true
        case .sort:
            songSort = songSort.next
            songs = ListCursor()
            message = StatusMessage("Songs sorted by \(songSort.rawValue)")
        case .songsView, .genresView, .artistsView, .queueView, .searchView:
            let chosen: View = switch command {
            case .genresView: .genres
            case .artistsView: .artists
            case .queueView: .queue
            case .searchView: .search
            default: .songs
            }
            if chosen != view { focus = 0 }
            view = chosen
        case .help: isShowingHelp = true
        case .quit: return [.quit]
        case .loadDemo:
            guard offersDemo else { return [] }
            offersDemo = false
            message = StatusMessage("Adding the demo songs…")
            return [.loadDemo]
        }
        return []
    }

    /// Enter: in a list of songs, play it from the cursor; in genres, artists and albums, step right.
    private mutating func playSelection() -> [Effect] {
        if focus < view.paneCount - 1 {
            focus += 1
            return []
        }
        guard let (list, index) = focusedSongList(), list.song(at: index, in: self) != nil else { return [] }
        let songs = list.songs(in: self)
        queue = songs
        queueCursor = ListCursor()
        queueCursor.move(to: index, count: songs.count, visible: listRows)
        return [.play(songs, index: index)]
    }

    // MARK: Search

    private mutating func editQuery(_ key: Key) -> [Effect] {
        switch key {
        case .enter:
            isEditingQuery = false
        case .escape:
            isEditingQuery = false
            query = ""
            searchResults = library.search("")
            earlierResults = []
        case .backspace, .delete:
            guard !query.isEmpty else { return [] }
            query.removeLast()
            searchResults = earlierResults.popLast() ?? library.search(query)
        case .character(let character):
            let narrowed = query.isEmpty ? nil : searchResults
            earlierResults.append(searchResults)
            query.append(character)
            // A longer query (a longer word, or one more) can only narrow the results; a space starts a
            // word that is still empty, so changes nothing yet.
            if character != " " { searchResults = library.search(query, within: narrowed) }
        case .control("c"):
            return [.quit]
        default:
            return []
        }
        searchCursor = ListCursor()
        return []
    }

    // MARK: Lists

    /// A list of songs on screen: library songs by index, or the queue.
    enum SongList {
        case library([Int])
        case queue

        func song(at row: Int, in state: AppState) -> LibrarySong? {
            switch self {
            case .library(let indexes): indexes.indices.contains(row) ? state.library.songs[indexes[row]] : nil
            case .queue: state.queue.indices.contains(row) ? state.queue[row] : nil
            }
        }

        func songs(in state: AppState) -> [LibrarySong] {
            switch self {
            case .library(let indexes): indexes.map { state.library.songs[$0] }
            case .queue: state.queue
            }
        }
    }

    /// The list of songs that has the focus, and the cursor's row; nil when that list is not of songs.
    func focusedSongList() -> (SongList, Int)? {
        switch (view, focus) {
        case (.songs, _): (.library(library.order(songSort)), songs.selected)
        case (.genres, 1): (.library(selectedGenreSongs), genreSongs.selected)
        case (.artists, 2): (.library(selectedAlbumSongs), albumSongs.selected)
        case (.queue, _): (.queue, queueCursor.selected)
        case (.search, _): (.library(searchResults), searchCursor.selected)
        default: nil
        }
    }

    var selectedGenreSongs: [Int] {
        library.genres.indices.contains(genres.selected) ? library.genres[genres.selected].songs : []
    }

    var selectedArtistAlbums: [Library.AlbumEntry] {
        library.artists.indices.contains(artists.selected) ? library.artists[artists.selected].albums : []
    }

    var selectedAlbumSongs: [Int] {
        let albums = selectedArtistAlbums
        return albums.indices.contains(self.albums.selected) ? albums[self.albums.selected].songs : []
    }

    /// The cursor that has the focus, and how many rows its list has.
    private var focusedCursor: (WritableKeyPath<AppState, ListCursor>, Int) {
        switch (view, focus) {
        case (.songs, _): (\.songs, library.songs.count)
        case (.genres, 0): (\.genres, library.genres.count)
        case (.genres, _): (\.genreSongs, selectedGenreSongs.count)
        case (.artists, 0): (\.artists, library.artists.count)
        case (.artists, 1): (\.albums, selectedArtistAlbums.count)
        case (.artists, _): (\.albumSongs, selectedAlbumSongs.count)
        case (.queue, _): (\.queueCursor, queue.count)
        case (.search, _): (\.searchCursor, searchResults.count)
        }
    }

    private mutating func moveCursor(by delta: Int) {
        let (path, count) = focusedCursor
        self[keyPath: path].move(by: delta, count: count, visible: listRows)
        // A new genre, artist or album shows its own list from the top.
        switch path {
        case \.genres: genreSongs = ListCursor()
        case \.artists:
            albums = ListCursor()
            albumSongs = ListCursor()
        case \.albums: albumSongs = ListCursor()
        default: break
        }
    }

    private mutating func clampCursors() {
        let rows = listRows
        songs.keepVisible(count: library.songs.count, visible: rows)
        genres.keepVisible(count: library.genres.count, visible: rows)
        genreSongs.keepVisible(count: selectedGenreSongs.count, visible: rows)
        artists.keepVisible(count: library.artists.count, visible: rows)
        albums.keepVisible(count: selectedArtistAlbums.count, visible: rows)
        albumSongs.keepVisible(count: selectedAlbumSongs.count, visible: rows)
        queueCursor.keepVisible(count: queue.count, visible: rows)
        searchCursor.keepVisible(count: searchResults.count, visible: rows)
    }
}
