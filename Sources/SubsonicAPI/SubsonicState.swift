import Catalog
import Foundation
import Synchronization

/// Who is playing what now, from `scrobble` with `submission=false`. Kept in memory for a few minutes past each
/// song's report: it is gone when the service restarts, and each replica knows its own listeners only.
final class NowPlayingBoard: Sendable {
    struct Entry: Sendable {
        var songID: String
        var userID: String
        var userName: String
        var playerID: Int
        var playerName: String
        var since: Date
    }

    /// How long a report stands without another.
    static let lifetime: TimeInterval = 15 * 60
    private let entries = Mutex<[String: Entry]>([:])

    func playing(_ songID: String, by listener: UserRecord, player: String) {
        let now = Date()
        entries.withLock { entries in
            let key = "\(listener.id)\u{0}\(player)"
            let playerID = entries[key]?.playerID ?? (entries.values.map(\.playerID).max() ?? 0) + 1
            entries[key] = Entry(songID: songID, userID: listener.id, userName: listener.name, playerID: playerID, playerName: player, since: now)
            entries = entries.filter { now.timeIntervalSince($0.value.since) < Self.lifetime }
        }
    }

    /// A submission ends the listener's now-playing report of those songs.
    func finished(_ songIDs: [String], by listener: UserRecord) {
        entries.withLock { entries in entries = entries.filter { !($0.value.userID == listener.id && songIDs.contains($0.value.songID)) } }
    }

    /// Newest first.
    func current() -> [Entry] {
        let now = Date()
        return entries.withLock { $0.values.filter { now.timeIntervalSince($0.since) < Self.lifetime } }.sorted { $0.since > $1.since }
    }
}

/// Each listener's saved play queue (`savePlayQueue`), in memory: gone when the service restarts, and kept per
/// replica. The catalog has no table for it yet.
final class PlayQueueStore: Sendable {
    struct Queue: Sendable {
        var songIDs: [String]
        var current: String?
        /// Milliseconds into the current song.
        var position: Int
        var changed: Date
        var changedBy: String
    }

    private let queues = Mutex<[String: Queue]>([:])

    func save(_ queue: Queue?, for userID: String) {
        queues.withLock { $0[userID] = queue }
    }

    func queue(of userID: String) -> Queue? {
        queues.withLock { $0[userID] }
    }
}
