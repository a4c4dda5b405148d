public import Foundation
public import LibraryModel
public import PlayerCore
public import TerminalArt

/// Something that happened: a key, a resize, an answer from the service, news from the player.
public enum Action: Sendable {
    case key(Key)
    /// The next slice of a search under way (`AppState.isSearching`), while no key waits.
    case searchContinues
    case resized(width: Int, height: Int)
    case libraryLoaded(Library)
    case libraryFailed(String)
    /// The server answered and refused (a wrong password, not a music server): asking again would only
    /// be refused again, and a Subsonic server counts every wrong password toward locking the account.
    case libraryRefused(String)
    /// The retry `loadLibrary` asked for is fetching now: a failure after this may schedule the next one.
    case libraryRetryStarted
    case player(PlayerSnapshot)
    case playerEvent(PlayerEvent)
    /// A line for the status bar from an effect (the demo loaded, a keymap file was wrong…).
    case message(StatusMessage)
    /// The service has no songs and is the embedded one: offer the demo.
    case libraryIsEmptyAndLocal
    /// A page of the change feed, applied to the library in place, oldest change first.
    case changesArrived(ChangePage)
    /// The service stopped answering. With a library in hand it stays on screen, marked offline, and the
    /// feed catches it up when the service is back (`.serviceBack`); with none, as `.libraryFailed`.
    case serviceLost(String)
    case serviceBack
    /// The offline song cache changed: what is on disk now.
    case offlineSongsChanged(OfflineSongs)

    // MARK: The listener's answers (one for each listener effect, success or failure)

    /// `.setLike` or `.setRating` was saved.
    case markSaved(songID: String, MarkChange)
    /// `.setLike` or `.setRating` was refused or never arrived: the mark goes back to what was saved.
    case markFailed(songID: String, MarkChange, reason: String)
    /// The answer to `.loadPlaylists`: `GET /playlists`, and `listener` the name `GET /me` gave (to tell
    /// the listener's own playlists from other people's).
    case playlistsLoaded([PlaylistSummary], listener: String)
    case playlistsFailed(reason: String)
    /// The answer to `.loadPlaylist`: `GET /playlists/{id}` (smart lists too, by their ids).
    case playlistLoaded(PlaylistDetail)
    case playlistFailed(id: String, reason: String)
    /// The answer to `.createPlaylist`: the new playlist.
    case playlistCreated(PlaylistSummary)
    case playlistCreateFailed(name: String, reason: String)
    /// A rename, add, remove or move was saved: the playlist as the service now has it (its new version).
    case playlistEdited(PlaylistSummary)
    /// A rename, add, remove, move or delete was refused (a 409 for a stale version, too) or never
    /// arrived: the playlist goes back to what was saved, and is asked for again.
    case playlistEditFailed(id: String, reason: String)
    /// `.deletePlaylist` was done.
    case playlistDeleted(id: String)
    /// The answer to `.loadHistory`: `GET /history`, newest first. `now` and `timeZone` put the times into
    /// words ("today 21:15"), so the reducer reads no clock.
    case historyLoaded([HistoryEntry], now: Date, timeZone: TimeZone)
    case historyFailed(reason: String)

    // MARK: Recommendations and the radio

    /// The answer to `.loadSuggestions`.
    case suggestionsLoaded(SuggestionKind, [Suggestion])
    case suggestionsFailed(SuggestionKind, reason: String)
    /// The answer to `.askRadio` for radio number `radio`: its first songs, or more of them.
    case radioAnswered(radio: Int, [Suggestion])
    case radioFailed(radio: Int, reason: String)
    /// `.retryRadio`'s wait is over: the radio may ask again.
    case radioRetryDue(radio: Int)

    // MARK: Album art

    /// Posted once at start by the terminal layer: how this terminal shows covers (`.off` when it cannot),
    /// a cell's height ÷ width in pixels, and a line to say once on the status line.
    case artModeChosen(ArtMode, cellAspect: Double, hint: String?)
    /// The answer to `.loadCover`: the cover made for the key's size in the mode it was asked in.
    case coverLoaded(ArtKey, CoverArtwork)
    /// `.loadCover` found no cover, or one it could not decode: the quiet placeholder shows.
    case coverFailed(ArtKey, reason: String)
    /// The terminal layer let go of what it needed to show this cover (its pixel payloads are bounded):
    /// the cover is forgotten, and asked for again while it is on screen.
    case coverDropped(ArtKey)
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

    // MARK: The listener's marks, playlists and history; each is answered by an action

    /// `PUT`/`DELETE /songs/{id}/like`; answered by `.markSaved` or `.markFailed` with `.liked(liked)`.
    case setLike(songID: String, liked: Bool)
    /// `PUT /songs/{id}/rating`, 0 clears; answered by `.markSaved` or `.markFailed` with `.rating(rating)`.
    case setRating(songID: String, rating: Int)
    /// `GET /me` and `GET /playlists`; answered by `.playlistsLoaded` or `.playlistsFailed`.
    case loadPlaylists
    /// `GET /playlists/{id}`; answered by `.playlistLoaded` or `.playlistFailed`.
    case loadPlaylist(id: String)
    /// `POST /playlists` with the songs, in order; answered by `.playlistCreated` or `.playlistCreateFailed`.
    case createPlaylist(name: String, songIDs: [String])
    /// `PATCH /playlists/{id}`; answered by `.playlistEdited` or `.playlistEditFailed`. Every edit names the
    /// version it was made against: the reducer counts one up per edit it sends, as the service does.
    case renamePlaylist(id: String, name: String, version: Int)
    /// `DELETE /playlists/{id}`; answered by `.playlistDeleted` or `.playlistEditFailed`.
    case deletePlaylist(id: String)
    /// `POST /playlists/{id}/songs`, at the end; answered by `.playlistEdited` or `.playlistEditFailed`.
    case addToPlaylist(id: String, songIDs: [String], version: Int)
    /// `POST /playlists/{id}/remove`, 1-based positions; answered by `.playlistEdited` or `.playlistEditFailed`.
    case removeFromPlaylist(id: String, positions: [Int], version: Int)
    /// `POST /playlists/{id}/move`, 1-based; answered by `.playlistEdited` or `.playlistEditFailed`.
    case movePlaylistEntry(id: String, from: Int, to: Int, version: Int)
    /// `GET /history`; answered by `.historyLoaded` or `.historyFailed`.
    case loadHistory

    // MARK: Recommendations and the radio

    /// `GET /recommendations/for-you` or `/discover`; answered by `.suggestionsLoaded` or `.suggestionsFailed`.
    case loadSuggestions(SuggestionKind, limit: Int)
    /// `POST /radio`, sent after the changes and plays before it (a skip reported first steers the answer);
    /// answered by `.radioAnswered` or `.radioFailed` with the radio's number.
    case askRadio(RadioRequest, radio: Int)
    /// Wait, then answer `.radioRetryDue`: a failed refill is tried again later, not at once.
    case retryRadio(after: Duration, radio: Int)

    // MARK: Album art

    /// Fetch the cover at `key.url` for a box of `key.columns × key.rows` cells and make it for `mode`
    /// (decoding and encoding off the UI thread); answered by `.coverLoaded` or `.coverFailed`. The state
    /// holds the key as `.loading` meanwhile.
    case loadCover(ArtKey, ArtMode)
    /// The cover asked for is no longer on screen, and has not arrived: stop the work if it can be
    /// stopped. An answer that still comes is ignored.
    case cancelCover(ArtKey)
    /// Ctrl-L: clear the terminal and repaint everything, pictures included.
    case redrawScreen

    // MARK: The offline song cache; each change is answered by `.offlineSongsChanged`

    /// Pin songs (never evicted, fetched whenever the service answers) or unpin them (evictable again).
    case pinSongs([String], pinned: Bool)
    /// Bring these songs' copies up to date: download the missing, check the kept against their ETag.
    case fetchSongs([LibrarySong])
    /// Remember (or forget) that a playlist is kept for offline.
    case keepPlaylist(id: String, kept: Bool)
    /// A song started playing: last in the eviction order.
    case notePlayed(songID: String)
    /// The songs are gone from the library: their copies and pins go too.
    case forgetSongs([String])
}

extension AppState {
    /// How long a failed load waits before trying again.
    public static let retryDelay = Duration.seconds(3)

    /// Applies `action` and returns the work it asks for. Pure: no I/O, no clocks, no terminal.
    public mutating func reduce(_ action: Action) -> [Effect] {
        let effects = apply(action)
        // A new message can take more status rows, and a new library or size fewer list rows.
        clampCursors()
        // A radio near the end of its queue (the player moved on, or its last answer came) asks for more.
        let refill = refillRadioIfDue()
        // Whatever changed, the covers on screen follow from the state.
        let covers = syncCovers()
        return refill.isEmpty && covers.isEmpty ? effects : effects + refill + covers
    }

    private mutating func apply(_ action: Action) -> [Effect] {
        switch action {
        case .key(let key):
            return handle(key)
        case .searchContinues:
            continueSearch()
            return []
        case .resized(let width, let height):
            self.width = width
            self.height = height
            return []
        case .libraryLoaded(let library):
            if case .failed = loadState { message = nil }
            // The songs view's cursor stays on its song when the library comes again.
            let order = self.library.order(songSort)
            let selectedID = order.indices.contains(songs.selected) ? self.library.songs[order[songs.selected]].id : nil
            self.library = library
            if let selectedID, let index = library.index(ofSongID: selectedID), let row = library.order(songSort).firstIndex(of: index) {
                follow(\.songs, to: row)
            }
            loadState = .loaded
            hasLibrary = true
            if !library.isEmpty { offersDemo = false }
            restartSearch()
            let pinned = pinnedSongsToFetch
            return pinned.isEmpty ? [] : [.fetchSongs(pinned)]
        case .changesArrived(let page):
            return changesArrived(page) + keptCopiesChanged(by: page.changes)
        case .serviceLost(let reason) where hasLibrary:
            loadState = .failed(reason)
            message = StatusMessage("\(reason) — retrying; the songs shown catch up when it is back", isError: true)
            return []
        case .serviceLost(let reason):
            return apply(.libraryFailed(reason))
        case .offlineSongsChanged(let songs):
            offline = songs
            return []
        case .serviceBack:
            guard hasLibrary, case .failed = loadState else { return [] }
            loadState = .loaded
            if message?.isError == true { message = nil }
            let pinned = pinnedSongsToFetch
            return pinned.isEmpty ? [] : [.fetchSongs(pinned)]
        case .libraryFailed(let reason):
            loadState = .failed(reason)
            message = StatusMessage("\(reason) — retrying every \(Self.retryDelay.components.seconds) s", isError: true)
            guard !libraryRetryPending else { return [] }
            libraryRetryPending = true
            return [.loadLibrary(after: Self.retryDelay)]
        case .libraryRetryStarted:
            libraryRetryPending = false
            return []
        case .libraryRefused(let reason):
            loadState = .failed(reason)
            message = StatusMessage(reason, isError: true)
            return []
        case .player(let snapshot):
            player = snapshot
            return []
        case .playerEvent(let event):
            noteEvent(event)
            if case .trackStarted(let track, _) = event { return keptCopyOnStart(track) }
            return []
        case .message(let message):
            self.message = message
            return []
        case .libraryIsEmptyAndLocal:
            offersDemo = true
            message = StatusMessage("The library is empty: press D to add the demo songs, or `termplayer import DIR`.")
            return []
        case .markSaved(let songID, let change):
            return markSaved(songID: songID, change)
        case .markFailed(let songID, let change, let reason):
            markFailed(songID: songID, change, reason: reason)
            return []
        case .playlistsLoaded(let playlists, let listenerName):
            return playlistsLoaded(playlists, listenerName: listenerName)
        case .playlistsFailed(let reason):
            listener.playlistsLoad = .failed(reason)
            message = StatusMessage("Could not load the playlists: \(reason)", isError: true)
            return []
        case .playlistLoaded(let detail):
            playlistLoaded(detail)
            return keptPlaylistLoaded(detail)
        case .playlistFailed(let id, let reason):
            if listener.openPlaylist?.id == id { listener.openPlaylist = OpenPlaylist(id: id, failure: reason) }
            return []
        case .playlistCreated(let playlist):
            return playlistCreated(playlist)
        case .playlistCreateFailed(let name, let reason):
            message = StatusMessage("Could not create “\(name)”: \(reason)", isError: true)
            return []
        case .playlistEdited(let playlist):
            return playlistEdited(playlist)
        case .playlistEditFailed(let id, let reason):
            return playlistEditFailed(id: id, reason: reason)
        case .playlistDeleted(let id):
            listener.deletedPlaylists[id] = nil
            listener.unconfirmedPlaylists[id] = nil
            return []
        case .historyLoaded(let entries, let now, let timeZone):
            historyLoaded(entries, now: now, timeZone: timeZone)
            return []
        case .historyFailed(let reason):
            listener.historyLoad = .failed(reason)
            return []
        case .suggestionsLoaded(let kind, let picks):
            suggestionsLoaded(kind, picks)
            return []
        case .suggestionsFailed(let kind, let reason):
            suggestions[kind].load = .failed(reason)
            return []
        case .radioAnswered(let number, let picks):
            return radioAnswered(number, picks)
        case .radioFailed(let number, let reason):
            return radioFailed(number, reason: reason)
        case .radioRetryDue(let number):
            radioRetryDue(number)
            return []
        case .artModeChosen(let mode, let cellAspect, let hint):
            return chooseArtMode(mode, cellAspect: cellAspect, hint: hint)
        case .coverLoaded(let key, let artwork):
            // Only covers still held: one cancelled on its way is dropped.
            if art.covers[key] != nil { art.store(artwork, for: key) }
            return []
        case .coverFailed(let key, let reason):
            if art.covers[key] != nil { art.store(.unavailable(reason), for: key) }
            return []
        case .coverDropped(let key):
            art.remove(key)
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
        case .rangesIgnored(let track):
            message = StatusMessage("\(track.title): the server sends the whole song where a part is asked for, so each seek reads it again from the start")
        case .queueFinished:
            radioQueueFinished()
        case .trackEnded, .stopped:
            break
        }
    }

    private mutating func handle(_ key: Key) -> [Effect] {
        if popup != nil { return handlePopup(key) }
        if isEditingQuery { return editQuery(key) }
        // Every other key may act on the results (play them, count them): they are made whole first.
        finishSearch()
        if isShowingHelp {
            // `?` again turns the page while there is one; any other key closes.
            if keymap.command(for: key) == .help, helpPage + 1 < Renderer.helpPages(self) {
                helpPage += 1
                return []
            }
            isShowingHelp = false
            return closingKey(key)
        }
        if art.isShowingLarge {
            art.isShowingLarge = false
            return closingKey(key)
        }
        guard let command = keymap.command(for: key) else { return [] }
        return perform(command)
    }

    /// The key that closed an overlay does nothing else, but quit still quits and Ctrl-L still repaints.
    private func closingKey(_ key: Key) -> [Effect] {
        switch keymap.command(for: key) {
        case .quit: [.quit]
        case .redraw: [.redrawScreen]
        default: []
        }
    }

    // MARK: Commands

    private mutating func perform(_ command: Command) -> [Effect] {
        let page = visibleRows(of: focusedCursor.0)
        switch command {
        case .down: return moveCursor(by: 1)
        case .up: return moveCursor(by: -1)
        case .top: return moveCursor(by: -Int.max / 2)
        case .bottom: return moveCursor(by: Int.max / 2)
        case .pageDown: return moveCursor(by: page)
        case .pageUp: return moveCursor(by: -page)
        case .halfPageDown: return moveCursor(by: max(1, page / 2))
        case .halfPageUp: return moveCursor(by: -max(1, page / 2))
        case .nextPane: focus = min(view.paneCount - 1, focus + 1)
        case .previousPane: focus = max(0, focus - 1)
        case .play: return playSelection()
        case .toggleLike: return toggleLike(onPlaying: false)
        case .toggleLikePlaying: return toggleLike(onPlaying: true)
        case .rate: openRating()
        case .startRadio: return startRadio()
        case .keepOffline: return toggleKeptOffline()
        case .addToPlaylist: return openPlaylistPicker()
        case .saveQueue: saveQueue()
        case .newPlaylist, .renamePlaylist, .deletePlaylist, .removeFromPlaylist, .moveEntryDown, .moveEntryUp:
            return editPlaylist(command)
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
        case .songsView, .genresView, .artistsView, .queueView, .searchView, .playlistsView, .historyView, .forYouView:
            let chosen: View = switch command {
            case .genresView: .genres
            case .artistsView: .artists
            case .queueView: .queue
            case .searchView: .search
            case .playlistsView: .playlists
            case .historyView: .history
            case .forYouView: .forYou
            default: .songs
            }
            let entering = chosen != view
            if entering { focus = 0 }
            view = chosen
            // 8 again in view 8 asks for fresh suggestions.
            return entering || chosen == .forYou ? entered(chosen) : []
        case .help:
            isShowingHelp = true
            helpPage = 0
        case .quit: return [.quit]
        case .toggleArt: toggleArt()
        case .showCover: showCover()
        case .redraw: return [.redrawScreen]
        case .loadDemo:
            guard offersDemo else { return [] }
            offersDemo = false
            message = StatusMessage("Adding the demo songs…")
            return [.loadDemo]
        }
        return []
    }

    /// Enter: in a list of songs, play it from the cursor; in genres, artists, albums and playlists, step right.
    /// Playing another list ends a radio; Enter in the queue only moves within it.
    private mutating func playSelection() -> [Effect] {
        if view != .forYou, focus < view.paneCount - 1 {
            focus += 1
            return []
        }
        guard let (list, row) = focusedSongList(), let (listed, start) = list.playable(from: row, in: self) else {
            if let (list, row) = focusedSongList(), list.hasRow(row, in: self) {
                message = StatusMessage("No song from here on is in the library any more", isError: true)
            }
            return []
        }
        guard let (songs, index) = playableOffline(listed, from: start) else { return [] }
        if view != .queue { endRadio() }
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
            restartSearch()
        case .backspace, .delete:
            guard !query.isEmpty else { return [] }
            widenSearch()
        case .character(let character):
            narrowSearch(typing: character)
        case .control("c"):
            return [.quit]
        case .control where keymap.command(for: key) == .redraw:
            return [.redrawScreen]
        default:
            return []
        }
        searchCursor = ListCursor()
        return []
    }

    // MARK: Lists

    /// A list of songs on screen: library songs by index, the queue, the open playlist, the history.
    enum SongList {
        case library([Int])
        case queue
        case playlist
        case history
        case suggestions(SuggestionKind)

        /// The song on `row`; nil past the end and for a song no longer in the library.
        func song(at row: Int, in state: AppState) -> LibrarySong? {
            switch self {
            case .library(let indexes): indexes.indices.contains(row) ? state.library.songs[indexes[row]] : nil
            case .queue: state.queue.indices.contains(row) ? state.queue[row] : nil
            case .playlist:
                state.listener.entries.indices.contains(row) ? state.playableSong(state.listener.entries[row].song) : nil
            case .history:
                state.listener.history.indices.contains(row) ? state.playableSong(state.listener.history[row].entry.song) : nil
            case .suggestions(let kind):
                state.suggestions[kind].rows.indices.contains(row) ? state.currentCopy(of: state.suggestions[kind].rows[row].song) : nil
            }
        }

        func hasRow(_ row: Int, in state: AppState) -> Bool {
            switch self {
            case .library(let indexes): indexes.indices.contains(row)
            case .queue: state.queue.indices.contains(row)
            case .playlist: state.listener.entries.indices.contains(row)
            case .history: state.listener.history.indices.contains(row)
            case .suggestions(let kind): state.suggestions[kind].rows.indices.contains(row)
            }
        }

        /// What Enter on `row` plays: the whole list without its unavailable songs, and where in it to start
        /// (on an unavailable row, the next song that is there).
        func playable(from row: Int, in state: AppState) -> ([LibrarySong], Int)? {
            switch self {
            case .library(let indexes):
                guard indexes.indices.contains(row) else { return nil }
                return (indexes.map { state.library.songs[$0] }, row)
            case .queue:
                return state.queue.indices.contains(row) ? (state.queue, row) : nil
            case .playlist:
                return Self.available(state.listener.entries.map(\.song), from: row, in: state)
            case .history:
                return Self.available(state.listener.history.map(\.entry.song), from: row, in: state)
            case .suggestions(let kind):
                let rows = state.suggestions[kind].rows
                return rows.indices.contains(row) ? (rows.map { state.currentCopy(of: $0.song) }, row) : nil
            }
        }

        private static func available(_ songs: [Song?], from row: Int, in state: AppState) -> ([LibrarySong], Int)? {
            guard songs.indices.contains(row) else { return nil }
            let before = songs[..<row].count(where: { $0 != nil })
            let playable = songs.compactMap { state.playableSong($0) }
            return before < playable.count ? (playable, before) : nil
        }
    }

    /// An entry's song as the UI plays it: the library's copy when it has one (current marks), else the
    /// entry's own; nil when the entry says the song is gone.
    func playableSong(_ song: Song?) -> LibrarySong? {
        guard let song else { return nil }
        return library.song(withID: song.id) ?? LibrarySong(song)
    }

    /// The library's copy of a song listed elsewhere, with its marks as they are now; else the listed one.
    func currentCopy(of song: LibrarySong) -> LibrarySong {
        library.song(withID: song.id) ?? song
    }

    /// The list of songs that has the focus, and the cursor's row; nil when that list is not of songs.
    func focusedSongList() -> (SongList, Int)? {
        switch (view, focus) {
        case (.songs, _): (.library(library.order(songSort)), songs.selected)
        case (.genres, 1): (.library(selectedGenreSongs), genreSongs.selected)
        case (.artists, 2): (.library(selectedAlbumSongs), albumSongs.selected)
        case (.queue, _): (.queue, queueCursor.selected)
        case (.search, _): (.library(searchResults), searchCursor.selected)
        case (.playlists, 1): (.playlist, listener.entryCursor.selected)
        case (.history, _): (.history, listener.historyCursor.selected)
        case (.forYou, _): (.suggestions(shownSuggestions), suggestions[shownSuggestions].cursor.selected)
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
        case (.songs, _): (\.songs, library.count)
        case (.genres, 0): (\.genres, library.genres.count)
        case (.genres, _): (\.genreSongs, selectedGenreSongs.count)
        case (.artists, 0): (\.artists, library.artists.count)
        case (.artists, 1): (\.albums, selectedArtistAlbums.count)
        case (.artists, _): (\.albumSongs, selectedAlbumSongs.count)
        case (.queue, _): (\.queueCursor, queue.count)
        case (.search, _): (\.searchCursor, searchResults.count)
        case (.playlists, 0): (\.listener.playlistCursor, listener.playlists.count)
        case (.playlists, _): (\.listener.entryCursor, listener.entries.count)
        case (.history, _): (\.listener.historyCursor, listener.history.count)
        case (.forYou, 0): (\.suggestions.forYou.cursor, suggestions.forYou.rows.count)
        case (.forYou, _): (\.suggestions.discover.cursor, suggestions.discover.rows.count)
        }
    }

    private mutating func moveCursor(by delta: Int) -> [Effect] {
        let (path, count) = focusedCursor
        let before = self[keyPath: path].selected
        self[keyPath: path].move(by: delta, count: count, visible: visibleRows(of: path))
        // A new genre, artist or album shows its own list from the top; a new playlist is asked for.
        switch path {
        case \.genres: genreSongs = ListCursor()
        case \.artists:
            albums = ListCursor()
            albumSongs = ListCursor()
        case \.albums: albumSongs = ListCursor()
        case \.listener.playlistCursor where listener.playlistCursor.selected != before: return openSelectedPlaylist()
        default: break
        }
        return []
    }

    /// Rows a cursor's list shows: view 3's albums give the bottom of their pane to the album's cover.
    private func visibleRows(of cursor: WritableKeyPath<AppState, ListCursor>) -> Int {
        cursor == \AppState.albums ? albumListRows : listRows
    }

    private mutating func clampCursors() {
        let rows = listRows
        songs.keepVisible(count: library.count, visible: rows)
        genres.keepVisible(count: library.genres.count, visible: rows)
        genreSongs.keepVisible(count: selectedGenreSongs.count, visible: rows)
        artists.keepVisible(count: library.artists.count, visible: rows)
        albums.keepVisible(count: selectedArtistAlbums.count, visible: albumListRows)
        albumSongs.keepVisible(count: selectedAlbumSongs.count, visible: rows)
        queueCursor.keepVisible(count: queue.count, visible: rows)
        searchCursor.keepVisible(count: searchResults.count, visible: rows)
        listener.playlistCursor.keepVisible(count: listener.playlists.count, visible: rows)
        listener.entryCursor.keepVisible(count: listener.entries.count, visible: rows)
        listener.historyCursor.keepVisible(count: listener.history.count, visible: rows)
        suggestions.forYou.cursor.keepVisible(count: suggestions.forYou.rows.count, visible: rows)
        suggestions.discover.cursor.keepVisible(count: suggestions.discover.rows.count, visible: rows)
    }
}
