import LibraryModel
import PlayerCore

/// Songs kept on this machine (the offline song cache), and what the UI does with them: while the
/// service cannot be reached the others are marked unavailable and Enter skips them. (The player reads
/// kept songs from disk, online too: the wiring tells it where each track is as it opens.)
public struct OfflineSongs: Sendable, Equatable {
    /// On disk now: these play without the service.
    public var kept: Set<String> = []
    /// Kept however long ago they played (`O`): never evicted, fetched whenever the service is reachable.
    public var pinned: Set<String> = []
    /// Playlists kept for offline: their songs are pinned, those added later too.
    public var keptPlaylists: Set<String> = []

    public init(kept: Set<String> = [], pinned: Set<String> = [], keptPlaylists: Set<String> = []) {
        (self.kept, self.pinned, self.keptPlaylists) = (kept, pinned, keptPlaylists)
    }

    public func isKept(_ songID: String) -> Bool { kept.contains(songID) }
}

extension AppState {
    /// The service cannot be reached, and a library (from the cache, or from before) is on screen.
    public var isOffline: Bool {
        guard hasLibrary, case .failed = loadState else { return false }
        return true
    }

    /// Whether `songID` can play now: always online; offline only when it is kept on this machine.
    public func canPlay(_ songID: String) -> Bool {
        !isOffline || offline.isKept(songID)
    }

    /// What Enter plays while offline: only the songs kept here, starting from the chosen one. Nil (with
    /// a message) when the chosen one is not kept.
    mutating func playableOffline(_ songs: [LibrarySong], from index: Int) -> ([LibrarySong], Int)? {
        guard isOffline else { return (songs, index) }
        guard songs.indices.contains(index), offline.isKept(songs[index].id) else {
            let title = songs.indices.contains(index) ? "“\(songs[index].title)”" : "That song"
            message = StatusMessage("\(title) is not on this machine, and \(serverName) cannot be reached (O keeps songs for offline)", isError: true)
            return nil
        }
        let before = songs[..<index].count { offline.isKept($0.id) }
        return (songs.filter { offline.isKept($0.id) }, before)
    }

    // MARK: Keeping songs (`O`)

    /// `O`: keeps the song, album or playlist under the cursor on this machine, or stops keeping it.
    mutating func toggleKeptOffline() -> [Effect] {
        switch (view, focus) {
        case (.playlists, 0):
            guard let playlist = listener.selectedPlaylist else { return nothingToKeep() }
            return keepPlaylist(id: playlist.id, name: playlist.name, !offline.keptPlaylists.contains(playlist.id))
        case (.artists, 1):
            let albums = selectedArtistAlbums
            guard albums.indices.contains(self.albums.selected) else { return nothingToKeep() }
            let album = albums[self.albums.selected]
            let songs = album.songs.compactMap { library.songs.indices.contains($0) ? library.songs[$0] : nil }
            let keep = !songs.allSatisfy { offline.pinned.contains($0.id) }
            return keepSongs(songs, keep, named: album.name.isEmpty ? "the album" : "“\(album.name)”")
        default:
            guard let (list, row) = focusedSongList(), let song = list.song(at: row, in: self) else { return nothingToKeep() }
            let known = library.song(withID: song.id) ?? song
            return keepSongs([known], !offline.pinned.contains(song.id), named: "“\(song.title)”")
        }
    }

    private mutating func nothingToKeep() -> [Effect] {
        message = StatusMessage("Nothing here to keep: O keeps a song, an album (view 3) or a playlist (view 6) for offline", isError: true)
        return []
    }

    private mutating func keepSongs(_ songs: [LibrarySong], _ keep: Bool, named name: String) -> [Effect] {
        guard !songs.isEmpty else { return nothingToKeep() }
        let ids = songs.map(\.id)
        if keep { offline.pinned.formUnion(ids) } else { offline.pinned.subtract(ids) }
        let missing = songs.filter { !offline.isKept($0.id) }
        if !keep {
            message = StatusMessage("\(name) is no longer kept for offline (copies stay until room is needed)")
        } else if missing.isEmpty {
            message = StatusMessage("\(name) is kept for offline: it is on this machine")
        } else if isOffline {
            message = StatusMessage("\(name) will be kept for offline once \(serverName) is back")
        } else {
            message = StatusMessage("Keeping \(name) for offline: fetching \(missing.count == 1 ? "1 song" : "\(missing.count) songs")…")
        }
        return [.pinSongs(ids, pinned: keep)] + (keep && !isOffline && !missing.isEmpty ? [.fetchSongs(missing)] : [])
    }

    private mutating func keepPlaylist(id: String, name: String, _ keep: Bool) -> [Effect] {
        if keep { offline.keptPlaylists.insert(id) } else { offline.keptPlaylists.remove(id) }
        var effects: [Effect] = [.keepPlaylist(id: id, kept: keep)]
        guard let entries = listener.openPlaylist.flatMap({ $0.id == id ? $0.entries : nil }) else {
            message = StatusMessage(keep ? "Keeping “\(name)” for offline…" : "“\(name)” is no longer kept for offline")
            // Its songs are pinned when it arrives (`playlistLoaded`); one kept while offline, when it is back.
            if keep, !isOffline { effects.append(.loadPlaylist(id: id)) }
            return effects
        }
        effects += keepSongs(songs(of: entries), keep, named: "“\(name)”")
        return effects
    }

    /// The songs of a playlist's entries, as the library has them.
    private func songs(of entries: [PlaylistEntry]) -> [LibrarySong] {
        entries.compactMap { entry in library.song(withID: entry.songId) ?? entry.song.map(LibrarySong.init) }
    }

    /// A kept playlist arrived: songs added to it since are pinned, and those not on disk fetched.
    mutating func keptPlaylistLoaded(_ detail: PlaylistDetail) -> [Effect] {
        guard offline.keptPlaylists.contains(detail.playlist.id) else { return [] }
        let songs = songs(of: detail.entries)
        let unpinned = songs.map(\.id).filter { !offline.pinned.contains($0) }
        offline.pinned.formUnion(unpinned)
        let missing = songs.filter { !offline.isKept($0.id) }
        return (unpinned.isEmpty ? [] : [.pinSongs(unpinned, pinned: true)]) + (isOffline || missing.isEmpty ? [] : [.fetchSongs(missing)])
    }

    /// Pinned songs with no copy yet, to fetch now the service answers.
    var pinnedSongsToFetch: [LibrarySong] {
        offline.pinned.filter { !offline.isKept($0) }.sorted().compactMap { library.song(withID: $0) }
    }

    /// What a page of the change feed means for the kept copies: a re-uploaded song's copy is checked
    /// against the service (its ETag) and replaced if it changed; a deleted song's copy goes.
    func keptCopiesChanged(by changes: [Change]) -> [Effect] {
        var stale: [LibrarySong] = []
        var gone: [String] = []
        for change in changes where change.kind == .song && (offline.isKept(change.id) || offline.pinned.contains(change.id)) {
            if change.song == nil {
                gone.append(change.id)
            } else if let song = library.song(withID: change.id) {
                stale.append(song)
            }
        }
        return (gone.isEmpty ? [] : [.forgetSongs(gone)]) + (stale.isEmpty || isOffline ? [] : [.fetchSongs(stale)])
    }

    /// A song started: it moves to the back of the eviction order, and is fetched (or its copy checked)
    /// so that it plays offline next time.
    func keptCopyOnStart(_ track: Track) -> [Effect] {
        guard let song = library.song(withID: track.id) else { return [] }
        return [.notePlayed(songID: song.id)] + (isOffline ? [] : [.fetchSongs([song])])
    }
}
