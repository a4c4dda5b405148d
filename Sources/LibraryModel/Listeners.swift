/// The listeners' side of the API: who is asking, what they like and rate, what they played, their
/// playlists. Times are ISO 8601 strings (`2026-12-01T21:15:38Z`, fractions allowed), as in `/status`.

/// `GET /me`: the listener a request acts as.
public struct Listener: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    /// May manage accounts (add, remove, reset passwords); never read another listener's music.
    public var admin: Bool
    /// The machine owner's implicit listener: the service token, or anyone when no accounts exist.
    public var local: Bool
    /// Whether their listening feeds everyone's "listeners who played this also played" suggestions,
    /// and others' feeds theirs. On unless they turn it off (`PATCH /me`).
    public var sharesListening: Bool?

    public init(id: String, name: String, admin: Bool, local: Bool, sharesListening: Bool? = nil) {
        self.id = id
        self.name = name
        self.admin = admin
        self.local = local
        self.sharesListening = sharesListening
    }
}

/// `PATCH /me`: the listener's own settings; fields left out stay as they are.
public struct ListenerSettings: Codable, Hashable, Sendable {
    public var sharesListening: Bool?

    public init(sharesListening: Bool? = nil) {
        self.sharesListening = sharesListening
    }
}

/// One account, as `GET /users` lists it.
public struct UserSummary: Codable, Hashable, Sendable {
    public var name: String
    public var admin: Bool
    public var local: Bool
    public var createdAt: String

    public init(name: String, admin: Bool, local: Bool, createdAt: String) {
        self.name = name
        self.admin = admin
        self.local = local
        self.createdAt = createdAt
    }
}

/// `POST /users`.
public struct NewUser: Codable, Hashable, Sendable {
    public var name: String
    public var password: String
    public var admin: Bool?

    public init(name: String, password: String, admin: Bool? = nil) {
        self.name = name
        self.password = password
        self.admin = admin
    }
}

/// `POST /login` and `PUT /users/{name}/password`.
public struct Credentials: Codable, Hashable, Sendable {
    public var name: String?
    public var password: String

    public init(name: String? = nil, password: String) {
        self.name = name
        self.password = password
    }
}

/// The answer to `POST /login`: a bearer token for every later request.
public struct LoginToken: Codable, Hashable, Sendable {
    public var token: String
    public var expiresAt: String
    public var listener: Listener

    public init(token: String, expiresAt: String, listener: Listener) {
        self.token = token
        self.expiresAt = expiresAt
        self.listener = listener
    }
}

/// A per-listener API key: `key` is only ever shown once, in the answer to `POST /me/keys`.
public struct APIKeyInfo: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var createdAt: String
    public var key: String?

    public init(id: String, name: String, createdAt: String, key: String? = nil) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.key = key
    }
}

/// `PUT /songs/{id}/rating` (0 clears), and what like, unlike and rate answer.
public struct SongMark: Codable, Hashable, Sendable {
    public var id: String?
    public var liked: Bool?
    public var likedAt: String?
    /// 0–5 stars; 0 means unrated. 1 star is "never suggest this".
    public var rating: Int?

    public init(id: String? = nil, liked: Bool? = nil, likedAt: String? = nil, rating: Int? = nil) {
        self.id = id
        self.liked = liked
        self.likedAt = likedAt
        self.rating = rating
    }
}

/// One play, as a player reports it (`POST /plays`, one object or an array). Reporting the same play
/// again (same song, same start) stores nothing new.
public struct PlayReport: Codable, Hashable, Sendable {
    public var song: String
    public var startedAt: String
    /// How long it really played, pauses left out.
    public var playedSeconds: Double
    /// "termplayer", "termplayer-play", an app's name…
    public var client: String?

    public init(song: String, startedAt: String, playedSeconds: Double, client: String? = nil) {
        self.song = song
        self.startedAt = startedAt
        self.playedSeconds = playedSeconds
        self.client = client
    }
}

/// The answer to `POST /plays` and `POST /history/import`.
public struct PlaysReceipt: Codable, Hashable, Sendable {
    /// Plays stored now.
    public var added: Int
    /// Plays already stored before (a retry, a file imported twice).
    public var duplicates: Int
    /// Entries that named no song this library holds.
    public var unmatched: Int
    /// The first few unmatched entries, for people: "Artist — Title".
    public var unmatchedExamples: [String]

    public init(added: Int, duplicates: Int, unmatched: Int = 0, unmatchedExamples: [String] = []) {
        self.added = added
        self.duplicates = duplicates
        self.unmatched = unmatched
        self.unmatchedExamples = unmatchedExamples
    }
}

/// One listen to import (`POST /history/import`, `{"listens":[…]}`): matched to a song by `songId`,
/// else by artist and title (case and accents folded).
public struct ImportedListen: Codable, Hashable, Sendable {
    public var songId: String?
    public var artist: String?
    public var title: String?
    public var album: String?
    public var listenedAt: String
    /// Unknown for most exports: the play then counts as a whole play.
    public var playedSeconds: Double?

    public init(songId: String? = nil, artist: String? = nil, title: String? = nil, album: String? = nil, listenedAt: String, playedSeconds: Double? = nil) {
        self.songId = songId
        self.artist = artist
        self.title = title
        self.album = album
        self.listenedAt = listenedAt
        self.playedSeconds = playedSeconds
    }
}

/// `POST /history/import`'s body.
public struct HistoryImport: Codable, Hashable, Sendable {
    public var listens: [ImportedListen]

    public init(listens: [ImportedListen]) { self.listens = listens }
}

/// One entry of `GET /history`, newest first.
public struct HistoryEntry: Codable, Hashable, Sendable {
    public var songId: String
    public var startedAt: String
    public var playedSeconds: Double
    /// Played at least half the song or 4 minutes, whichever is less.
    public var counted: Bool
    /// Played less than 30 seconds (and not counted).
    public var skipped: Bool
    /// nil when the song is no longer in the library.
    public var song: Song?

    public init(songId: String, startedAt: String, playedSeconds: Double, counted: Bool, skipped: Bool, song: Song?) {
        self.songId = songId
        self.startedAt = startedAt
        self.playedSeconds = playedSeconds
        self.counted = counted
        self.skipped = skipped
        self.song = song
    }
}

/// The lists that fill themselves from a listener's marks and plays; their ids are these names.
public enum SmartPlaylist: String, Codable, CaseIterable, Hashable, Sendable {
    case liked
    case recentlyAdded = "recently-added"
    case mostPlayed = "most-played"
    case recentlyPlayed = "recently-played"
    case topRated = "top-rated"
    case neverPlayed = "never-played"

    public var title: String {
        switch self {
        case .liked: "Liked songs"
        case .recentlyAdded: "Recently added"
        case .mostPlayed: "Most played"
        case .recentlyPlayed: "Recently played"
        case .topRated: "Top rated"
        case .neverPlayed: "Never played"
        }
    }
}

/// A playlist without its songs, as `GET /playlists` lists it.
public struct PlaylistSummary: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var description: String
    /// The owner's name.
    public var owner: String
    public var `public`: Bool
    /// Set for the smart lists, which cannot be edited.
    public var smart: Bool
    public var songCount: Int
    /// Seconds, of the songs still in the library.
    public var duration: Double
    /// Goes up with every change; an edit naming an older one is refused (409) instead of lost.
    public var version: Int
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: String, name: String, description: String, owner: String, public: Bool, smart: Bool, songCount: Int,
        duration: Double, version: Int, createdAt: String, updatedAt: String
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.owner = owner
        self.public = `public`
        self.smart = smart
        self.songCount = songCount
        self.duration = duration
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One entry of a playlist. A song deleted from the library stays listed as unavailable (and is
/// skipped when playing); re-uploading its bundle brings it back.
public struct PlaylistEntry: Codable, Hashable, Sendable {
    /// 1-based.
    public var position: Int
    public var songId: String
    public var song: Song?

    public var available: Bool { song != nil }

    public init(position: Int, songId: String, song: Song?) {
        self.position = position
        self.songId = songId
        self.song = song
    }
}

/// `GET /playlists/{id}`.
public struct PlaylistDetail: Codable, Hashable, Sendable {
    public var playlist: PlaylistSummary
    public var entries: [PlaylistEntry]

    public init(playlist: PlaylistSummary, entries: [PlaylistEntry]) {
        self.playlist = playlist
        self.entries = entries
    }
}

/// `POST /playlists` (create, optionally with songs) and `PATCH /playlists/{id}` (any field; `version`
/// guards against a concurrent edit).
public struct PlaylistChanges: Codable, Hashable, Sendable {
    public var name: String?
    public var description: String?
    public var `public`: Bool?
    public var songs: [String]?
    public var version: Int?

    public init(name: String? = nil, description: String? = nil, public: Bool? = nil, songs: [String]? = nil, version: Int? = nil) {
        self.name = name
        self.description = description
        self.public = `public`
        self.songs = songs
        self.version = version
    }
}

/// `POST /playlists/{id}/songs`: add songs at the end, or before `position` (1-based).
public struct PlaylistAddition: Codable, Hashable, Sendable {
    public var songs: [String]
    public var position: Int?
    public var version: Int?

    public init(songs: [String], position: Int? = nil, version: Int? = nil) {
        self.songs = songs
        self.position = position
        self.version = version
    }
}

/// `POST /playlists/{id}/remove`: entries by 1-based position.
public struct PlaylistRemoval: Codable, Hashable, Sendable {
    public var positions: [Int]
    public var version: Int?

    public init(positions: [Int], version: Int? = nil) {
        self.positions = positions
        self.version = version
    }
}

/// `POST /playlists/{id}/move`: the entry at `from` ends up at `to` (both 1-based).
public struct PlaylistMove: Codable, Hashable, Sendable {
    public var from: Int
    public var to: Int
    public var version: Int?

    public init(from: Int, to: Int, version: Int? = nil) {
        self.from = from
        self.to = to
        self.version = version
    }
}

/// The answer to `POST /playlists/import`: the new playlist and what could not be matched.
public struct PlaylistImportReceipt: Codable, Hashable, Sendable {
    public var playlist: PlaylistSummary
    public var matched: Int
    /// Entries that named no song here, as written in the file.
    public var unmatched: [String]

    public init(playlist: PlaylistSummary, matched: Int, unmatched: [String]) {
        self.playlist = playlist
        self.matched = matched
        self.unmatched = unmatched
    }
}

/// Limits every client and the service agree on.
public enum ListenerLimits {
    /// Names of users, playlists and API keys, in characters.
    public static let nameLength = 200
    public static let descriptionLength = 2000
    /// Songs one request may add to a playlist, and entries a playlist may hold.
    public static let playlistSize = 50_000
    public static let passwordLength = 1024
}
