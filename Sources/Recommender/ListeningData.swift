#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// What the recommender knows of a song: who made it, where it sits, what it is like.
public struct SongFacts: Sendable, Hashable {
    public var id: String
    public var title: String
    public var artist: String
    public var album: String
    public var genre: String
    public var year: Int?
    public var duration: Double

    public init(id: String, title: String, artist: String, album: String, genre: String, year: Int?, duration: Double) {
        self.id = id
        self.title = title
        self.artist = artist
        self.album = album
        self.genre = genre
        self.year = year
        self.duration = duration
    }
}

/// One play, as the catalog keeps it. Times are seconds since 1970, so the module needs no Foundation.
public struct Listen: Sendable, Hashable {
    public var listener: String
    public var song: String
    public var startedAt: Double
    public var played: Double
    public var counted: Bool
    public var skipped: Bool

    public init(listener: String, song: String, startedAt: Double, played: Double, counted: Bool, skipped: Bool) {
        self.listener = listener
        self.song = song
        self.startedAt = startedAt
        self.played = played
        self.counted = counted
        self.skipped = skipped
    }
}

/// Likes and ratings of one song summed over the listeners who share their listening.
public struct SongAppeal: Sendable, Hashable {
    public var likes: Int
    /// Ratings of 4 and 5.
    public var goodRatings: Int
    /// Ratings of 1 and 2.
    public var poorRatings: Int

    public init(likes: Int = 0, goodRatings: Int = 0, poorRatings: Int = 0) {
        self.likes = likes
        self.goodRatings = goodRatings
        self.poorRatings = poorRatings
    }
}

/// One listener's marks on one song: the catalog's `song_marks` row.
public struct SongTaste: Sendable, Hashable {
    public var liked: Bool
    /// 0 (unrated) to 5.
    public var rating: Int
    public var plays: Int
    public var skips: Int
    public var lastPlayed: Double?

    public init(liked: Bool = false, rating: Int = 0, plays: Int = 0, skips: Int = 0, lastPlayed: Double? = nil) {
        self.liked = liked
        self.rating = rating
        self.plays = plays
        self.skips = skips
        self.lastPlayed = lastPlayed
    }

    /// How much this song says about what the listener likes: a completed play +1 (with diminishing
    /// returns), a like +3, a rating r gives r − 3, a skip −½ (at most −2).
    var weight: Double {
        var weight = 1.5 * log1p(Double(plays))
        if liked { weight += 3 }
        if rating > 0 { weight += Double(rating - 3) }
        weight -= 0.5 * Double(min(skips, 4))
        return weight
    }

    /// Played at all, skipped or not: Discover leaves such songs out.
    var wasPlayed: Bool { plays > 0 || skips > 0 || lastPlayed != nil }
}

/// Everything one listener brings to a request: their marks, and their latest plays (newest last),
/// which say what they are listening to right now.
public struct ListenerTaste: Sendable {
    public var marks: [String: SongTaste]
    public var recent: [Listen]
    /// Whether the service-wide "others who played this" signal shapes this listener's lists.
    public var usesSharedSignal: Bool

    public init(marks: [String: SongTaste], recent: [Listen], usesSharedSignal: Bool = true) {
        self.marks = marks
        self.recent = recent
        self.usesSharedSignal = usesSharedSignal
    }

    public static let newcomer = ListenerTaste(marks: [:], recent: [])
}
