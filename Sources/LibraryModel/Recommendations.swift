/// Recommendations on the wire: `GET /recommendations/for-you`, `GET /recommendations/discover`,
/// `GET /songs/{id}/similar` and `POST /radio` answer arrays of `Suggestion`.

/// A suggested song, with the caller's marks, and a short reason to show beside it.
public struct Suggestion: Codable, Hashable, Sendable {
    public var song: Song
    /// "because you liked “Blue in Green”", "often played after “So What”", "more Jazz from 1987".
    public var reason: String
    /// A stable name for the kind of reason: liked, rated, played, after, also-played, artist, album,
    /// genre, favourite, popular, variety, seed.
    public var reasonKind: String
    /// The song the reason names, when it names one.
    public var reasonSongId: String?

    public init(song: Song, reason: String, reasonKind: String, reasonSongId: String? = nil) {
        self.song = song
        self.reason = reason
        self.reasonKind = reasonKind
        self.reasonSongId = reasonSongId
    }
}

/// `POST /radio`: where a radio starts, what it has played so far (oldest first; never repeated), and
/// how many songs to add.
public struct RadioRequest: Codable, Hashable, Sendable {
    public var seeds: [RadioSeedSpec]
    public var played: [String]?
    public var limit: Int?

    public init(seeds: [RadioSeedSpec], played: [String]? = nil, limit: Int? = nil) {
        self.seeds = seeds
        self.played = played
        self.limit = limit
    }
}

/// One seed: exactly one of `song`, `artist`, `album` (with `artist`), `genre` or `playlist`.
public struct RadioSeedSpec: Codable, Hashable, Sendable {
    public var song: String?
    public var artist: String?
    public var album: String?
    public var genre: String?
    public var playlist: String?

    public init(song: String? = nil, artist: String? = nil, album: String? = nil, genre: String? = nil, playlist: String? = nil) {
        self.song = song
        self.artist = artist
        self.album = album
        self.genre = genre
        self.playlist = playlist
    }

    public static func song(_ id: String) -> Self { Self(song: id) }
    public static func artist(_ name: String) -> Self { Self(artist: name) }
    public static func album(_ title: String, by artist: String) -> Self { Self(artist: artist, album: title) }
    public static func genre(_ name: String) -> Self { Self(genre: name) }
    public static func playlist(_ id: String) -> Self { Self(playlist: id) }

    /// For people: `song:ID`, `artist:NAME`, `album:ARTIST/TITLE`, `genre:NAME`, `playlist:ID`.
    public var label: String {
        if let song { return "song:\(song)" }
        if let album { return "album:\(artist ?? "")/\(album)" }
        if let artist { return "artist:\(artist)" }
        if let genre { return "genre:\(genre)" }
        if let playlist { return "playlist:\(playlist)" }
        return "nothing"
    }

    /// Reads the `label` form back; a bare word is a song id.
    public init?(parsing text: String) {
        guard !text.isEmpty else { return nil }
        guard let colon = text.firstIndex(of: ":") else {
            self.init(song: text)
            return
        }
        let kind = text[..<colon].lowercased()
        let value = String(text[text.index(after: colon)...])
        guard !value.isEmpty else { return nil }
        switch kind {
        case "song": self.init(song: value)
        case "artist": self.init(artist: value)
        case "genre": self.init(genre: value)
        case "playlist": self.init(playlist: value)
        case "album":
            guard let slash = value.lastIndex(of: "/"), slash != value.startIndex, value.index(after: slash) != value.endIndex else { return nil }
            self.init(artist: String(value[..<slash]), album: String(value[value.index(after: slash)...]))
        default: return nil
        }
    }
}
