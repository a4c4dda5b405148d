/// A genre as `GET /genres` serves it: `{"genreid":1,"genre":"Rock"}`, plus how many songs it holds.
public struct Genre: Codable, Hashable, Sendable {
    public var genreid: Int
    public var genre: String
    /// Extra field; older clients ignore it.
    public var songs: Int?

    public init(genreid: Int, genre: String, songs: Int? = nil) {
        self.genreid = genreid
        self.genre = genre
        self.songs = songs
    }

    /// The genres every catalog starts with. Bundles from the original cloud design name them by these ids.
    public static let seeded: [Genre] = [
        Genre(genreid: 1, genre: "Rock"),
        Genre(genreid: 2, genre: "Indie"),
        Genre(genreid: 3, genre: "Pop"),
        Genre(genreid: 4, genre: "Hiphop"),
        Genre(genreid: 5, genre: "Jazz"),
        Genre(genreid: 6, genre: "Country"),
        Genre(genreid: 7, genre: "Classical"),
        Genre(genreid: 8, genre: "Other"),
    ]

    /// Where a song without any genre information lands.
    public static let fallbackID = 8
}
