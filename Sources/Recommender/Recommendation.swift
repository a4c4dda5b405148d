/// One suggested song and why.
public struct Recommendation: Sendable, Hashable {
    public var songID: String
    public var reason: Reason
    public var score: Double

    public init(songID: String, reason: Reason, score: Double) {
        self.songID = songID
        self.reason = reason
        self.score = score
    }
}

/// Why a song was suggested: the strongest of the signals that put it there.
public enum Reason: Sendable, Hashable {
    /// Near a song the listener liked, rated well or played a lot.
    case liked(songID: String, title: String)
    case rated(songID: String, title: String, stars: Int)
    case played(songID: String, title: String)
    /// What listeners play right after this song.
    case after(songID: String, title: String)
    /// Played in the same sessions as this song.
    case alsoPlayed(songID: String, title: String)
    case moreBy(artist: String)
    case sameAlbum(album: String)
    case moreOf(genre: String, year: Int?)
    /// The listener's own favourite, not heard lately.
    case favourite
    /// A newcomer's start: well liked across the library.
    case popular(genre: String)
    /// A newcomer's start when nobody's listening may be used.
    case variety(genre: String)
    /// The song a radio starts from.
    case seed

    /// A short phrase to show beside the song.
    public var text: String {
        switch self {
        case .liked(_, let title): "because you liked “\(title)”"
        case .rated(_, let title, let stars): "because you rated “\(title)” \(stars)★"
        case .played(_, let title): "because you played “\(title)”"
        case .after(_, let title): "often played after “\(title)”"
        case .alsoPlayed(_, let title): "listeners of “\(title)” also played it"
        case .moreBy(let artist): "more by \(artist)"
        case .sameAlbum(let album): "also on \(album)"
        case .moreOf(let genre, let year?): "more \(genre) from \(year)"
        case .moreOf(let genre, nil): "more \(genre)"
        case .favourite: "a favourite you haven't heard lately"
        case .popular(let genre): "popular in \(genre)"
        case .variety(let genre): "something from \(genre)"
        case .seed: "where the radio starts"
        }
    }

    /// A stable name for clients that style or filter by kind.
    public var kind: String {
        switch self {
        case .liked: "liked"
        case .rated: "rated"
        case .played: "played"
        case .after: "after"
        case .alsoPlayed: "also-played"
        case .moreBy: "artist"
        case .sameAlbum: "album"
        case .moreOf: "genre"
        case .favourite: "favourite"
        case .popular: "popular"
        case .variety: "variety"
        case .seed: "seed"
        }
    }

    /// The song the reason names, if it names one.
    public var songID: String? {
        switch self {
        case .liked(let id, _), .rated(let id, _, _), .played(let id, _), .after(let id, _), .alsoPlayed(let id, _): id
        default: nil
        }
    }
}

public enum RecommenderError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownSong(String)
    case unknownArtist(String)
    case unknownAlbum(artist: String, album: String)
    case unknownGenre(String)
    case emptySeed

    public var description: String {
        switch self {
        case .unknownSong(let id): "no song with id “\(id)”"
        case .unknownArtist(let name): "no artist named “\(name)”"
        case .unknownAlbum(let artist, let album): "no album “\(album)” by “\(artist)”"
        case .unknownGenre(let name): "no genre named “\(name)”"
        case .emptySeed: "the radio has nothing to start from (an empty playlist?)"
        }
    }
}

/// Where a radio starts.
public enum RadioSeed: Sendable, Hashable {
    case song(String)
    case artist(String)
    case album(artist: String, album: String)
    case genre(String)
    /// Songs chosen elsewhere, such as a playlist's.
    case songs([String], label: String)
}
