/// What the recommender learned from the library and everyone's listening: songs indexed by artist,
/// album and genre, how popular each is, and which songs are played together and one after another.
/// Immutable and built in one go (`ModelBuilder`), so a service swaps a fresh one in atomically and
/// every replica that builds from the same catalog answers the same.
public struct RecommendationModel: Sendable {
    let songs: [SongFacts]
    let index: [String: Int32]
    let neighbours: NeighbourTable
    let followers: NeighbourTable
    /// Listeners who finished each song, plus likes and good ratings, minus poor ones.
    let popularity: [Float]
    let artistOf: [Int32]
    let albumOf: [Int32]
    let genreOf: [Int32]
    let artistNames: [String]
    let genreNames: [String]
    /// Each artist's, album's and genre's songs, most popular first.
    let songsByArtist: [[Int32]]
    let songsByAlbum: [[Int32]]
    let songsByGenre: [[Int32]]
    let artistIndex: [String: Int32]
    let albumIndex: [String: Int32]
    let genreIndex: [String: Int32]
    /// Genres, most popular first.
    let genresByPopularity: [Int32]
    /// How many plays it was built from.
    public let plays: Int

    init(
        songs: [SongFacts], index: [String: Int32], neighbours: NeighbourTable, followers: NeighbourTable,
        listeners: [Float], appeal: [Int32: SongAppeal], plays: Int
    ) {
        self.songs = songs
        self.index = index
        self.neighbours = neighbours
        self.followers = followers
        self.plays = plays
        var popularity = listeners
        for (song, appeal) in appeal {
            popularity[Int(song)] += 2 * Float(appeal.likes) + Float(appeal.goodRatings) - 2 * Float(appeal.poorRatings)
        }
        self.popularity = popularity

        func group(_ key: (SongFacts) -> String) -> (of: [Int32], names: [String], members: [[Int32]], index: [String: Int32]) {
            var index: [String: Int32] = [:]
            var names: [String] = []
            var members: [[Int32]] = []
            var of: [Int32] = []
            of.reserveCapacity(songs.count)
            for (position, song) in songs.enumerated() {
                let name = key(song)
                let group: Int32
                if let known = index[name] {
                    group = known
                } else {
                    group = Int32(names.count)
                    index[name] = group
                    names.append(name)
                    members.append([])
                }
                of.append(group)
                members[Int(group)].append(Int32(position))
            }
            let byPopularity = members.map { $0.sorted { Self.before($0, $1, popularity) } }
            return (of, names, byPopularity, index)
        }
        let artists = group { RecommendationModel.key($0.artist) }
        let albums = group { RecommendationModel.albumKey(artist: $0.artist, album: $0.album) }
        let genres = group { RecommendationModel.key($0.genre) }
        artistOf = artists.of
        albumOf = albums.of
        genreOf = genres.of
        artistNames = artists.members.map { $0.first.map { songs[Int($0)].artist } ?? "" }
        genreNames = genres.members.map { $0.first.map { songs[Int($0)].genre } ?? "" }
        songsByArtist = artists.members
        songsByAlbum = albums.members
        songsByGenre = genres.members
        artistIndex = artists.index
        albumIndex = albums.index
        genreIndex = genres.index
        let genreWeight = genres.members.map { $0.reduce(Float(0)) { $0 + popularity[Int($1)] } }
        genresByPopularity = (0..<Int32(genres.members.count)).sorted {
            genreWeight[Int($0)] != genreWeight[Int($1)] ? genreWeight[Int($0)] > genreWeight[Int($1)] : $0 < $1
        }
    }

    /// A model with no listening in it: metadata alone.
    public init(songs: [SongFacts]) {
        self = ModelBuilder(songs: songs).build()
    }

    public var songCount: Int { songs.count }
    public var neighbourEntries: Int { neighbours.entryCount + followers.entryCount }

    public func facts(_ songID: String) -> SongFacts? {
        index[songID].map { songs[Int($0)] }
    }

    /// More popular first; ties by catalog position, so orders never depend on hashing.
    static func before(_ a: Int32, _ b: Int32, _ popularity: [Float]) -> Bool {
        let pa = popularity[Int(a)], pb = popularity[Int(b)]
        return pa != pb ? pa > pb : a < b
    }

    /// Names compared the way a listener would: case and surrounding spaces ignored.
    static func key(_ name: String) -> String {
        name.trimmingSpaces().lowercased()
    }

    static func albumKey(artist: String, album: String) -> String {
        key(artist) + "\u{1F}" + key(album)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first?.isWhitespace == true { view.removeFirst() }
        while view.last?.isWhitespace == true { view.removeLast() }
        return String(view)
    }
}
