import LibraryModel

/// The change feed's side of the reducer: songs, genres, the listener's marks and playlists changed by
/// someone else (an upload, another replica, another of the listener's players) arrive in place, and every
/// cursor stays on what it was on, not on its row number.
extension AppState {
    mutating func changesArrived(_ page: ChangePage) -> [Effect] {
        guard !page.changes.isEmpty else { return [] }
        // The search's slots are the library's before the change: it finishes over them first.
        finishSearch()
        // A song can move or go in every list of songs: each cursor notes its song and the ones after it,
        // as many as could go in this page, to land on the first of them still there.
        let window = page.changes.count { $0.kind == .song } + 1
        let anchors = CursorAnchors(self, window: window)
        var changes = page.changes
        for index in changes.indices { changes[index] = keepingUnconfirmedMarks(changes[index]) }
        let applied = library.apply(changes)
        if applied.changed {
            carrySearchResults(along: applied)
            anchors.restore(in: &self)
            markRemovedEntries(changes)
        }
        var effects: [Effect] = []
        for change in changes {
            switch change.kind {
            case .marks: if let marks = change.marks { marksChanged(songID: change.id, marks) }
            case .playlist: effects += playlistChanged(id: change.id, change.playlist)
            case .song, .genre: break
            }
        }
        return effects
    }

    /// A song listed with marks that differ from the listener's changes still on their way keeps what
    /// shows; what the service has saved is kept to go back to.
    private mutating func keepingUnconfirmedMarks(_ change: Change) -> Change {
        guard change.kind == .song, var song = change.song, var pending = listener.unconfirmedMarks[change.id],
              let shown = library.song(withID: change.id) else { return change }
        (pending.liked, pending.rating) = (song.liked ?? pending.liked, song.rating ?? pending.rating)
        listener.unconfirmedMarks[change.id] = pending
        (song.liked, song.rating) = (shown.liked, shown.rating)
        var kept = change
        kept.song = song
        return kept
    }

    /// The listener's like or rating changed elsewhere: it shows, unless a change of theirs from here is
    /// on its way (then it is what a refusal goes back to).
    private mutating func marksChanged(songID: String, _ marks: SongMark) {
        if var pending = listener.unconfirmedMarks[songID] {
            if let liked = marks.liked { pending.liked = liked }
            if let rating = marks.rating { pending.rating = rating }
            listener.unconfirmedMarks[songID] = pending
            return
        }
        library.setMarks(ofSongID: songID, liked: marks.liked, rating: marks.rating)
    }

    /// Search results follow the library without a new search: removed slots out, new ones in where the
    /// title order puts them when they match.
    private mutating func carrySearchResults(along applied: Library.Applied) {
        // Backspace's earlier results would bring back what is gone: it searches afresh instead.
        earlierSearches = []
        if applied.rebuilt {
            startSearch()
            return
        }
        for slot in applied.removedSlots { library.remove(slot, fromTitleOrdered: &searchResults) }
        for slot in applied.insertedSlots where library.matches(slot, query) { library.insert(slot, intoTitleOrdered: &searchResults) }
    }

    /// The open playlist's entries for songs gone from the library show as unavailable.
    private mutating func markRemovedEntries(_ changes: [Change]) {
        guard let entries = listener.openPlaylist?.entries else { return }
        let gone = Set(changes.filter { $0.kind == .song && $0.isRemoval }.map(\.id))
        guard !gone.isEmpty, entries.contains(where: { gone.contains($0.songId) && $0.song != nil }) else { return }
        listener.openPlaylist?.entries = entries.map { entry in
            var entry = entry
            if gone.contains(entry.songId) { entry.song = nil }
            return entry
        }
    }

    /// A playlist made, changed or deleted elsewhere. Rows with the listener's own edits or deletion on
    /// their way keep what shows, as a reload keeps them; an open playlist that changed is asked for again.
    private mutating func playlistChanged(id: String, _ summary: PlaylistSummary?) -> [Effect] {
        guard listener.playlistsLoad == .loaded, listener.unconfirmedPlaylists[id] == nil, listener.deletedPlaylists[id] == nil else {
            return []
        }
        let selected = listener.selectedPlaylist?.id
        let row = listener.playlistIndex(id: id)
        switch (summary, row) {
        case (nil, nil):
            return []
        case (nil, let row?):
            listener.playlists.remove(at: row)
            // A cursor on it stays on its row, the next playlist, as after a deletion here; else on its own.
            if selected != id, let selected, let row = listener.playlistIndex(id: selected) { follow(\.listener.playlistCursor, to: row) }
            listener.playlistCursor.keepVisible(count: listener.playlists.count, visible: listRows)
            return view == .playlists && listener.selectedPlaylist?.id != listener.openPlaylist?.id ? openSelectedPlaylist() : []
        case (let summary?, let row?):
            guard summary.version >= listener.playlists[row].version, summary != listener.playlists[row] else { return [] }
            listener.playlists[row] = summary
            return listener.openPlaylist?.id == id && listener.openPlaylist?.entries != nil ? [.loadPlaylist(id: id)] : []
        case (let summary?, nil):
            // Where a reload would list it: the listener's own after theirs, other people's at the end.
            let end = listener.isOwn(summary) || summary.smart
                ? listener.playlists.lastIndex { $0.smart || listener.isOwn($0) }.map { $0 + 1 } ?? 0
                : listener.playlists.count
            listener.playlists.insert(summary, at: end)
            if let selected, let row = listener.playlistIndex(id: selected) { follow(\.listener.playlistCursor, to: row) }
            return []
        }
    }
}

/// What each cursor over the library was on before a change: the songs (or genre, artist, album names)
/// from its row on, to find again afterwards.
private struct CursorAnchors {
    var songs: [String]
    var genre: [String]
    var genreSongs: [String]
    var artist: [String]
    var album: [String]
    var albumSongs: [String]
    var search: [String]

    init(_ state: AppState, window: Int) {
        let library = state.library
        func ids(_ list: [Int], _ cursor: ListCursor) -> [String] {
            guard list.indices.contains(cursor.selected) else { return [] }
            return list[cursor.selected..<min(list.count, cursor.selected + window)].map { library.songs[$0].id }
        }
        func names(_ list: [String], _ cursor: ListCursor) -> [String] {
            guard list.indices.contains(cursor.selected) else { return [] }
            return Array(list[cursor.selected..<min(list.count, cursor.selected + window)])
        }
        songs = ids(library.order(state.songSort), state.songs)
        genre = names(library.genres.map(\.name), state.genres)
        genreSongs = ids(state.selectedGenreSongs, state.genreSongs)
        artist = names(library.artists.map(\.name), state.artists)
        album = names(state.selectedArtistAlbums.map(\.name), state.albums)
        albumSongs = ids(state.selectedAlbumSongs, state.albumSongs)
        search = ids(state.searchResults, state.searchCursor)
    }

    /// Each cursor on the first of its anchors still there, scrolled by as much as it moved; a list whose
    /// genre, artist or album went shows the next one's from the top.
    func restore(in state: inout AppState) {
        let library = state.library
        func row(_ anchors: [String], in list: (Int) -> Int?) -> Int? {
            for id in anchors {
                if let slot = library.index(ofSongID: id), let row = list(slot) { return row }
            }
            return nil
        }
        func first(_ anchors: [String], in names: [String]) -> (row: Int, same: Bool)? {
            for (offset, name) in anchors.enumerated() {
                if let row = names.firstIndex(of: name) { return (row, offset == 0) }
            }
            return nil
        }
        if let found = row(songs, in: { library.row(ofSlot: $0, in: state.songSort) }) { state.follow(\.songs, to: found) }
        if let (found, same) = first(genre, in: library.genres.map(\.name)) {
            state.follow(\.genres, to: found)
            if !same { state.genreSongs = ListCursor() }
        }
        let genreSongs = state.selectedGenreSongs
        if let found = row(self.genreSongs, in: { library.row(ofSlot: $0, inTitleOrdered: genreSongs) }) { state.follow(\.genreSongs, to: found) }
        if let (found, same) = first(artist, in: library.artists.map(\.name)) {
            state.follow(\.artists, to: found)
            if !same { (state.albums, state.albumSongs) = (ListCursor(), ListCursor()) }
        }
        if let (found, same) = first(album, in: state.selectedArtistAlbums.map(\.name)) {
            state.follow(\.albums, to: found)
            if !same { state.albumSongs = ListCursor() }
        }
        let albumSongs = state.selectedAlbumSongs
        if let found = row(self.albumSongs, in: { library.row(ofSlot: $0, inTitleOrdered: albumSongs) }) { state.follow(\.albumSongs, to: found) }
        let results = state.searchResults
        if let found = row(search, in: { library.row(ofSlot: $0, inTitleOrdered: results) }) { state.follow(\.searchCursor, to: found) }
    }
}
