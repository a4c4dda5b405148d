import LibraryModel

/// Songs kept on this machine (the offline song cache), and what the UI does with them while the service
/// cannot be reached: they play, the others are marked unavailable and Enter skips them.
public struct OfflineSongs: Sendable, Equatable {
    /// On disk now: they play without the service.
    public var kept: Set<String> = []

    public init(kept: Set<String> = []) {
        self.kept = kept
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
