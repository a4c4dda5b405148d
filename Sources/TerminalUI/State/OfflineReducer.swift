import LibraryModel

/// Songs kept on this machine (the offline song cache), and what the UI does with them while the service
/// cannot be reached: they play, the others are marked unavailable and Enter skips them.
public struct OfflineSongs: Sendable, Equatable {
    /// On disk now: they play without the service.
    public var kept: Set<String> = []
    /// Pinned with `O`: never evicted, fetched as soon as they can be.
    public var pinned: Set<String> = []

    public init(kept: Set<String> = [], pinned: Set<String> = []) {
        self.kept = kept
        self.pinned = pinned
    }
}

extension AppState {
    /// The service cannot be reached, and a library (from the cache, or from before) is on screen.
    public var isOffline: Bool {
        guard hasLibrary, case .failed = loadState else { return false }
        return true
    }

    /// Whether `songID` can play now: always online; offline only when it is kept on this machine.
    public func canPlay(_ songID: String) -> Bool {
        !isOffline || offline.kept.contains(songID)
    }

    /// `O`: pins the song under the cursor for offline (or lets it go again); in the playlists view, the
    /// selected playlist's songs, all of them ("keep this playlist offline").
    mutating func toggleKeptOffline() -> [Effect] {
        let songs: [(id: String, title: String)]
        let name: String
        if view == .playlists, focus == 0 || focusedSongList() == nil {
            guard let playlist = listener.selectedPlaylist else { return [] }
            guard listener.openPlaylist?.id == playlist.id, listener.openPlaylist?.entries != nil else {
                message = StatusMessage("“\(playlist.name)” is still loading; press O again in a moment")
                return []
            }
            songs = listener.entries.compactMap { $0.song.map { ($0.id, $0.title) } }
            name = "the \(songs.count) songs of “\(playlist.name)”"
        } else {
            guard let (list, row) = focusedSongList(), let song = list.song(at: row, in: self) else { return [] }
            songs = [(song.id, song.title)]
            name = "“\(song.title)”"
        }
        guard !songs.isEmpty else { return [] }
        let ids = songs.map(\.id)
        let keep = !ids.allSatisfy(offline.pinned.contains)
        if keep { offline.pinned.formUnion(ids) } else { offline.pinned.subtract(ids) }
        message = StatusMessage(keep ? "Keeping \(name) on this machine for offline" : "\(name.prefix(1).uppercased() + name.dropFirst()) may be let go when the cache is full")
        return [.keepOffline(songIDs: ids, keep: keep)]
    }

    /// What Enter plays while offline: only the songs kept here, starting from the chosen one. Nil (with
    /// a message) when the chosen one is not kept.
    mutating func playableOffline(_ songs: [LibrarySong], from index: Int) -> ([LibrarySong], Int)? {
        guard isOffline else { return (songs, index) }
        guard songs.indices.contains(index), offline.kept.contains(songs[index].id) else {
            let title = songs.indices.contains(index) ? "“\(songs[index].title)”" : "That song"
            message = StatusMessage("\(title) is not on this machine, and \(serverName) cannot be reached (O keeps songs for offline)", isError: true)
            return nil
        }
        let before = songs[..<index].count { offline.kept.contains($0.id) }
        return (songs.filter { offline.kept.contains($0.id) }, before)
    }
}
