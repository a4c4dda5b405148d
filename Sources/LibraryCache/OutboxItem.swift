public import LibraryModel

/// A change the listener made that the service must hear of, kept in the outbox until it has: what the
/// UI sends when it is online, written down first so that quitting, a crash or an outage loses none of
/// it. Sending one again is harmless for all but playlist edits, which name the playlist's version (a
/// second copy is refused as a conflict, not applied twice).
public enum OutboxItem: Codable, Sendable, Equatable {
    case like(songID: String, liked: Bool)
    case rate(songID: String, stars: Int)
    case play(PlayReport)
    case createPlaylist(PlaylistChanges)
    case updatePlaylist(id: String, PlaylistChanges)
    case deletePlaylist(id: String)
    case addToPlaylist(id: String, PlaylistAddition)
    case removeFromPlaylist(id: String, PlaylistRemoval)
    case moveInPlaylist(id: String, PlaylistMove)
}
