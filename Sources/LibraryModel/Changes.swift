/// The change feed on the wire: `GET /changes?since=CURSOR` (and `GET /events`, the same as Server-Sent
/// Events). Every change to what a client can see has a position in one ordered feed; a change carries
/// the subject's state as it is when the feed is read, so applying a change twice, or an older change
/// after a newer state, is harmless.

/// `GET /changes`: the changes after `since`, oldest first.
public struct ChangePage: Codable, Hashable, Sendable {
    public var changes: [Change]
    /// The cursor to ask with next: the last change's position, or `since` when there were none.
    public var next: Int
    /// More changes wait after `next`: ask again at once.
    public var more: Bool

    public init(changes: [Change], next: Int, more: Bool) {
        self.changes = changes
        self.next = next
        self.more = more
    }
}

/// One change to something a client can see.
public struct Change: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        /// A song ingested, re-uploaded or deleted: `song` is its listing now, nil when it is gone.
        case song
        /// A genre added: `genre`.
        case genre
        /// The caller's own like, rating or plays of a song: `marks` (only the caller's own are listed).
        case marks
        /// A playlist the caller can see was created, changed or deleted: `playlist`, nil when it is gone
        /// or no longer visible to the caller.
        case playlist
    }

    public var position: Int
    /// When it was committed (ISO 8601).
    public var at: String
    public var kind: Kind
    /// The song's, genre's or playlist's id.
    public var id: String
    public var song: Song?
    public var genre: Genre?
    public var marks: SongMark?
    public var playlist: PlaylistSummary?

    public init(
        position: Int, at: String, kind: Kind, id: String, song: Song? = nil, genre: Genre? = nil, marks: SongMark? = nil,
        playlist: PlaylistSummary? = nil
    ) {
        self.position = position
        self.at = at
        self.kind = kind
        self.id = id
        self.song = song
        self.genre = genre
        self.marks = marks
        self.playlist = playlist
    }

    /// Gone: a deleted song, or a playlist deleted or hidden from the caller.
    public var isRemoval: Bool {
        switch kind {
        case .song: song == nil
        case .playlist: playlist == nil
        case .genre, .marks: false
        }
    }
}

extension APIPath {
    public static let changes = "/changes"
    public static let events = "/events"
    /// The feed's position when a listing was read, on `GET /songs` and `GET /genres`: follow the feed
    /// from it (`?since=`) and nothing is missed.
    public static let changesPositionHeader = "X-Changes-Position"
    /// The catalog's identity, on every answer: a client's cache of one catalog is never mixed with
    /// another's, even at the same URL (a rebuilt service, another library behind the same port).
    public static let catalogIdentityHeader = "X-Catalog-Id"
}
