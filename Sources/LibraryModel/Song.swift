/// A song as `GET /songs` serves it.
///
/// The first seven fields are the original API's shape and never change; `id` and the fields after it were
/// added later and are optional so that a client can read either generation of server.
public struct Song: Codable, Hashable, Sendable, Identifiable {
    public var title: String
    public var album: String
    public var artist: String
    public var genre: String
    public var year: Int?
    /// Absolute URL of the MP3.
    public var file: String
    /// Absolute URL of the cover image, if the bundle has one.
    public var image: String?

    public var id: String
    public var genreid: Int?
    /// Seconds.
    public var duration: Double?
    /// Average bitrate, kbit/s.
    public var bitrate: Int?

    /// The caller's own marks, present only when the request was made as a listener.
    public var liked: Bool?
    public var rating: Int?
    /// Counted plays (at least half the song, or 4 minutes).
    public var plays: Int?
    /// ISO 8601, or absent when never played.
    public var lastPlayed: String?
    /// Only in `GET /likes`: when the song was liked.
    public var likedAt: String?

    public init(
        id: String,
        title: String,
        album: String,
        artist: String,
        genre: String,
        year: Int?,
        file: String,
        image: String?,
        genreid: Int? = nil,
        duration: Double? = nil,
        bitrate: Int? = nil
    ) {
        self.id = id
        self.title = title
        self.album = album
        self.artist = artist
        self.genre = genre
        self.year = year
        self.file = file
        self.image = image
        self.genreid = genreid
        self.duration = duration
        self.bitrate = bitrate
    }

    private enum CodingKeys: String, CodingKey {
        case title, album, artist, genre, year, file, image, id, genreid, duration, bitrate
        case liked, rating, plays, lastPlayed, likedAt
    }

    /// Writes `year` and `image` as null when absent, as `GET /songs` does, rather than leaving them out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        try container.encode(album, forKey: .album)
        try container.encode(artist, forKey: .artist)
        try container.encode(genre, forKey: .genre)
        try container.encode(year, forKey: .year)
        try container.encode(file, forKey: .file)
        try container.encode(image, forKey: .image)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(genreid, forKey: .genreid)
        try container.encodeIfPresent(duration, forKey: .duration)
        try container.encodeIfPresent(bitrate, forKey: .bitrate)
        try container.encodeIfPresent(liked, forKey: .liked)
        try container.encodeIfPresent(rating, forKey: .rating)
        try container.encodeIfPresent(plays, forKey: .plays)
        try container.encodeIfPresent(lastPlayed, forKey: .lastPlayed)
        try container.encodeIfPresent(likedAt, forKey: .likedAt)
    }
}
