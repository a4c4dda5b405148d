public import Foundation

/// A listener's account. The implicit local listener (the machine's owner) is one too, with no password.
public struct UserRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    public var isAdmin: Bool
    public var isLocal: Bool
    /// A slow salted hash of the password (see the service's `PasswordHasher`), for logins.
    public var passwordHash: String?
    /// The password sealed with a key kept outside the catalog, for protocols that need the password
    /// itself (Subsonic's md5(password + salt) tokens). Useless without that key.
    public var sealedPassword: String?
    /// Whether this listener's plays may shape other listeners' "others who played this" suggestions.
    public var sharesListening: Bool
    public var createdAt: Date

    public init(
        id: String, name: String, isAdmin: Bool = false, isLocal: Bool = false, passwordHash: String? = nil,
        sealedPassword: String? = nil, sharesListening: Bool = true, createdAt: Date = Date()
    ) {
        self.id = id
        self.name = name
        self.isAdmin = isAdmin
        self.isLocal = isLocal
        self.passwordHash = passwordHash
        self.sealedPassword = sealedPassword
        self.sharesListening = sharesListening
        self.createdAt = createdAt
    }

    /// The id of the implicit local listener, whom the service's own token and (with no accounts) every
    /// request on a loopback-only service act as.
    public static let localID = "local"
}

/// A secret that stands for a listener: a login's bearer token (expires) or an API key (until revoked).
/// Only a hash of the secret is stored.
public struct CredentialRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case session
        case apiKey = "api-key"
    }

    public var id: String
    public var userID: String
    public var kind: Kind
    /// For API keys, what the listener called it ("phone").
    public var name: String
    /// Hex SHA-256 of the secret.
    public var secretHash: String
    public var createdAt: Date
    public var expiresAt: Date?

    public init(id: String, userID: String, kind: Kind, name: String, secretHash: String, createdAt: Date = Date(), expiresAt: Date? = nil) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.name = name
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// What one listener has done with one song.
public struct SongMarks: Sendable, Hashable {
    public var likedAt: Date?
    /// 0 (unrated) to 5.
    public var rating: Int
    /// Counted plays.
    public var plays: Int
    public var skips: Int
    public var lastPlayed: Date?

    public init(likedAt: Date? = nil, rating: Int = 0, plays: Int = 0, skips: Int = 0, lastPlayed: Date? = nil) {
        self.likedAt = likedAt
        self.rating = rating
        self.plays = plays
        self.skips = skips
        self.lastPlayed = lastPlayed
    }

    public static let empty = SongMarks()
}

/// One play of a song by a listener. A play is the same play when listener, song and start agree, so a
/// report sent twice is stored once.
public struct PlayRecord: Sendable, Hashable {
    public var userID: String
    public var songID: String
    public var startedAt: Date
    public var playedSeconds: Double
    /// Played at least half the song or 4 minutes, whichever is less (the scrobblers' rule).
    public var counted: Bool
    /// Played under 30 seconds, and not counted.
    public var skipped: Bool
    public var client: String

    public init(userID: String, songID: String, startedAt: Date, playedSeconds: Double, counted: Bool, skipped: Bool, client: String = "") {
        self.userID = userID
        self.songID = songID
        self.startedAt = startedAt
        self.playedSeconds = playedSeconds
        self.counted = counted
        self.skipped = skipped
        self.client = client
    }

    /// Applies the scrobblers' rule to a play of `played` seconds of a `duration`-second song.
    public static func judge(played: Double, duration: Double) -> (counted: Bool, skipped: Bool) {
        let counted = played >= min(duration / 2, 240) && played > 0
        return (counted, !counted && played < 30)
    }
}

/// A song in one of a listener's lists (liked, history, a playlist): its id, and its listing when the
/// library still holds it (nil: deleted, shown as unavailable, skipped when playing).
public struct ListedSong: Sendable, Hashable {
    public var songID: String
    public var song: SongListing?
    /// When it was liked, played or added, depending on the list.
    public var at: Date?
    /// The reader's marks of the song, when the list was read with them (`.empty` for a song they never marked).
    public var marks: SongMarks?

    public init(songID: String, song: SongListing?, at: Date? = nil, marks: SongMarks? = nil) {
        self.songID = songID
        self.song = song
        self.at = at
        self.marks = marks
    }
}

/// A playlist, with what its entries add up to.
public struct PlaylistRecord: Sendable, Hashable {
    public var id: String
    public var ownerID: String
    /// Filled in by reads (joined from users); ignored on write.
    public var ownerName: String
    public var name: String
    public var description: String
    public var isPublic: Bool
    /// Goes up by one with every change, so an edit made against an older one can be refused.
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Filled in by reads.
    public var songCount: Int
    /// Seconds, of the entries still in the library; filled in by reads.
    public var duration: Double

    public init(
        id: String, ownerID: String, ownerName: String = "", name: String, description: String = "", isPublic: Bool = false,
        version: Int = 1, createdAt: Date = Date(), updatedAt: Date = Date(), songCount: Int = 0, duration: Double = 0
    ) {
        self.id = id
        self.ownerID = ownerID
        self.ownerName = ownerName
        self.name = name
        self.description = description
        self.isPublic = isPublic
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.songCount = songCount
        self.duration = duration
    }
}

/// A change to a playlist's entries. Positions are 1-based, as the API shows them.
public enum PlaylistEdit: Sendable, Hashable {
    /// Songs inserted before `position` (nil: at the end). The same song may be in a playlist twice.
    case insert([String], at: Int?)
    case remove(positions: [Int])
    /// The entry at `from` ends up at `to`; the ones between shift by one.
    case move(from: Int, to: Int)
}

/// A playlist's name, description and visibility, as an edit sets them (nil: unchanged).
public struct PlaylistDetails: Sendable, Hashable {
    public var name: String?
    public var description: String?
    public var isPublic: Bool?

    public init(name: String? = nil, description: String? = nil, isPublic: Bool? = nil) {
        self.name = name
        self.description = description
        self.isPublic = isPublic
    }
}

/// One song's likes and ratings among the listeners who share their listening.
public struct SongAppealRecord: Sendable, Hashable {
    public var songID: String
    public var likes: Int
    /// Ratings of 4 or 5.
    public var goodRatings: Int
    /// Ratings of 1 or 2.
    public var poorRatings: Int

    public init(songID: String, likes: Int, goodRatings: Int, poorRatings: Int) {
        self.songID = songID
        self.likes = likes
        self.goodRatings = goodRatings
        self.poorRatings = poorRatings
    }
}

/// A summary of everything recommendations learn from; equal stamps mean nothing to rebuild.
public struct ListeningStamp: Sendable, Hashable {
    public var plays: Int
    public var latestPlay: Double?
    public var marks: Int
    public var latestMark: Double?
    public var songs: Int
    public var latestSong: Double?
    public var sharingListeners: Int

    public init(plays: Int, latestPlay: Double?, marks: Int, latestMark: Double?, songs: Int, latestSong: Double?, sharingListeners: Int) {
        self.plays = plays
        self.latestPlay = latestPlay
        self.marks = marks
        self.latestMark = latestMark
        self.songs = songs
        self.latestSong = latestSong
        self.sharingListeners = sharingListeners
    }
}

/// One row of the change feed: what changed (its kind and id) and for whom, not how; readers look the
/// subject up as it is now.
public struct ChangeRecord: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case song, genre, marks, playlist
    }

    public var position: Int
    public var at: Date
    public var kind: Kind
    public var subject: String
    /// Set when only this listener may see it.
    public var userID: String?

    public init(position: Int, at: Date, kind: Kind, subject: String, userID: String?) {
        self.position = position
        self.at = at
        self.kind = kind
        self.subject = subject
        self.userID = userID
    }
}
