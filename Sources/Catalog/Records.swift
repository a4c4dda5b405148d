public import Foundation
public import LibraryModel

/// A song as the catalog stores it: the bundle's metadata merged with what the MP3 probe found, and
/// the entity tags of the objects it was made from (so a rescan can tell what changed).
public struct SongRecord: Hashable, Sendable {
    public var id: BundleID
    public var title: String
    public var album: String
    public var artist: String
    public var genreID: Int
    /// Filled in by reads (joined from genres); ignored on write.
    public var genreName: String
    public var year: Int?
    public var audioKey: ObjectKey
    public var coverKey: ObjectKey?
    public var duration: Double
    public var size: Int
    public var bitrate: Int
    public var sampleRate: Int
    public var channels: Int
    public var metadataETag: String
    public var audioETag: String
    public var coverETag: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: BundleID, title: String, album: String, artist: String, genreID: Int, genreName: String = "",
        year: Int?, audioKey: ObjectKey, coverKey: ObjectKey?, duration: Double, size: Int, bitrate: Int,
        sampleRate: Int, channels: Int, metadataETag: String, audioETag: String, coverETag: String?,
        createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.id = id
        self.title = title
        self.album = album
        self.artist = artist
        self.genreID = genreID
        self.genreName = genreName
        self.year = year
        self.audioKey = audioKey
        self.coverKey = coverKey
        self.duration = duration
        self.size = size
        self.bitrate = bitrate
        self.sampleRate = sampleRate
        self.channels = channels
        self.metadataETag = metadataETag
        self.audioETag = audioETag
        self.coverETag = coverETag
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The keys sorting and searching use; derived, never stored by callers.
    var sortTitle: String { SearchKey.fold(title) }
    var artistKey: String { SearchKey.fold(artist) }
    var albumKey: String { SearchKey.fold(album) }
    var searchText: String { SearchKey.fold("\(title)\n\(artist)\n\(album)") }
}

/// What a listing needs of a song: less than a `SongRecord` and read without validation (the catalog
/// only ever stores validated keys), because `/songs` reads 100,000 of them per request.
public struct SongListing: Hashable, Sendable {
    public var id: String
    public var title: String
    public var album: String
    public var artist: String
    public var genre: String
    public var genreID: Int
    public var year: Int?
    public var audioKey: String
    public var coverKey: String?
    public var duration: Double
    public var bitrate: Int

    public init(
        id: String, title: String, album: String, artist: String, genre: String, genreID: Int, year: Int?,
        audioKey: String, coverKey: String?, duration: Double, bitrate: Int
    ) {
        self.id = id
        self.title = title
        self.album = album
        self.artist = artist
        self.genre = genre
        self.genreID = genreID
        self.year = year
        self.audioKey = audioKey
        self.coverKey = coverKey
        self.duration = duration
        self.bitrate = bitrate
    }

    /// Where the next page starts.
    public var cursor: SongCursor { SongCursor(sortTitle: SearchKey.fold(title), id: id) }
}

extension SongRecord {
    var listing: SongListing {
        SongListing(
            id: id.rawValue, title: title, album: album, artist: artist, genre: genreName, genreID: genreID, year: year,
            audioKey: audioKey.name, coverKey: coverKey?.name, duration: duration, bitrate: bitrate)
    }
}

/// A song listing's filters, already resolved (genre by id, text folded).
public struct SongFilter: Hashable, Sendable {
    public var genreID: Int?
    public var artistKey: String?
    public var albumKey: String?
    /// Folded words that must all appear in title, artist or album.
    public var searchWords: [String]

    public init(genreID: Int? = nil, artist: String? = nil, album: String? = nil, search: String? = nil) {
        self.genreID = genreID
        self.artistKey = artist.map(SearchKey.fold)
        self.albumKey = album.map(SearchKey.fold)
        self.searchWords = search.map { SearchKey.fold($0).split(whereSeparator: \.isWhitespace).map(String.init) } ?? []
    }
}

/// Where a listing resumes: the last song of the previous page, in title order.
public struct SongCursor: Hashable, Sendable {
    public var sortTitle: String
    public var id: String
}

/// A recorded reason a bundle (or a stray object) is not, or not fully, in the catalog.
public struct ProblemRecord: Hashable, Sendable {
    public var subject: String
    public var state: BundleState
    public var reason: String
    public var since: Date

    public init(subject: String, state: BundleState, reason: String, since: Date = Date()) {
        self.subject = subject
        self.state = state
        self.reason = reason
        self.since = since
    }
}

