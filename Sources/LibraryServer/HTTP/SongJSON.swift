import Catalog
import LibraryModel

/// Builds absolute URLs for objects, as the `file` and `image` fields need them: this service's
/// `/media/<key>` (which works for every bucket, private ones included), or the bucket's own URLs.
public struct MediaLinks: Sendable {
    /// Set when the service sits behind a proxy: "https://music.example.com". Otherwise URLs point at the
    /// host the client reached (its `Host` header).
    public var publicBaseURL: String?
    /// Makes the bucket's own URL for a key name (presigned or public), instead of a `/media/` one.
    public var directURL: (@Sendable (_ keyName: String) -> String)?
    /// "https" when the service itself serves TLS.
    public var scheme: String

    public init(publicBaseURL: String? = nil, scheme: String = "http", directURL: (@Sendable (_ keyName: String) -> String)? = nil) {
        self.publicBaseURL = publicBaseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.scheme = scheme
        self.directURL = directURL
    }

    func baseURL(host: String?, fallbackHost: String) -> String {
        if let publicBaseURL { return publicBaseURL }
        return "\(scheme)://\(host ?? fallbackHost)"
    }

    func url(for key: String, base: String) -> String { directURL?(key) ?? base + APIPath.mediaPrefix + key }
}

/// Writes songs in the `/songs` shape straight from catalog listings, without `Encodable`, because a
/// 100,000-song listing has to stream in well under a second. One writer serves one request.
struct SongJSON {
    /// `"<base>/media/`, escaped once per request rather than once per URL.
    private let mediaURLPrefix: [UInt8]
    private let directURL: (@Sendable (String) -> String)?

    init(base: String, links: MediaLinks) {
        var prefix: [UInt8] = [UInt8(ascii: "\"")]
        JSONText.appendEscaped(base, to: &prefix)
        prefix.append(contentsOf: APIPath.mediaPrefix.utf8)
        mediaURLPrefix = prefix
        directURL = links.directURL
    }

    private static let titleField = Array(#"{"title":"#.utf8)
    private static let albumField = Array(#","album":"#.utf8)
    private static let artistField = Array(#","artist":"#.utf8)
    private static let genreField = Array(#","genre":"#.utf8)
    private static let yearField = Array(#","year":"#.utf8)
    private static let fileField = Array(#","file":"#.utf8)
    private static let imageField = Array(#","image":"#.utf8)
    private static let idField = Array(#","id":"#.utf8)
    private static let genreIDField = Array(#","genreid":"#.utf8)
    private static let durationField = Array(#","duration":"#.utf8)
    private static let bitrateField = Array(#","bitrate":"#.utf8)
    private static let likedField = Array(#","liked":"#.utf8)
    private static let ratingField = Array(#","rating":"#.utf8)
    private static let playsField = Array(#","plays":"#.utf8)
    private static let lastPlayedField = Array(#","lastPlayed":"#.utf8)
    private static let null = Array("null".utf8)

    /// One song; with `marks` (the caller is a listener) also its `liked`, `rating`, `plays` and
    /// `lastPlayed`, which anonymous callers and old clients never see.
    func append(_ song: SongListing, marks: SongMarks? = nil, to output: inout [UInt8]) {
        output.append(contentsOf: Self.titleField)
        JSONText.appendString(song.title, to: &output)
        output.append(contentsOf: Self.albumField)
        JSONText.appendString(song.album, to: &output)
        output.append(contentsOf: Self.artistField)
        JSONText.appendString(song.artist, to: &output)
        output.append(contentsOf: Self.genreField)
        JSONText.appendString(song.genre, to: &output)
        output.append(contentsOf: Self.yearField)
        if let year = song.year { JSONText.appendInteger(year, to: &output) } else { output.append(contentsOf: Self.null) }
        output.append(contentsOf: Self.fileField)
        appendMediaURL(song.audioKey, to: &output)
        output.append(contentsOf: Self.imageField)
        if let cover = song.coverKey { appendMediaURL(cover, to: &output) } else { output.append(contentsOf: Self.null) }
        output.append(contentsOf: Self.idField)
        JSONText.appendString(song.id, to: &output)
        output.append(contentsOf: Self.genreIDField)
        JSONText.appendInteger(song.genreID, to: &output)
        output.append(contentsOf: Self.durationField)
        JSONText.appendMilli(Int((song.duration * 1000).rounded()), to: &output)
        output.append(contentsOf: Self.bitrateField)
        JSONText.appendInteger(song.bitrate, to: &output)
        if let marks {
            output.append(contentsOf: Self.likedField)
            output.append(contentsOf: (marks.likedAt == nil ? "false" : "true").utf8)
            output.append(contentsOf: Self.ratingField)
            JSONText.appendInteger(marks.rating, to: &output)
            output.append(contentsOf: Self.playsField)
            JSONText.appendInteger(marks.plays, to: &output)
            output.append(contentsOf: Self.lastPlayedField)
            if let lastPlayed = marks.lastPlayed { JSONText.appendString(ISOTime.format(lastPlayed), to: &output) } else { output.append(contentsOf: Self.null) }
        }
        output.append(UInt8(ascii: "}"))
    }

    private func appendMediaURL(_ key: String, to output: inout [UInt8]) {
        if let directURL { return JSONText.appendString(directURL(key), to: &output) }
        output.append(contentsOf: mediaURLPrefix)
        JSONText.appendEscaped(key, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// A listing as `Song`, for the listeners' endpoints, with the caller's marks.
    static func song(_ listing: SongListing, base: String, links: MediaLinks, marks: SongMarks?) -> Song {
        var song = Song(
            id: listing.id, title: listing.title, album: listing.album, artist: listing.artist, genre: listing.genre, year: listing.year,
            file: links.url(for: listing.audioKey, base: base), image: listing.coverKey.map { links.url(for: $0, base: base) },
            genreid: listing.genreID, duration: (listing.duration * 1000).rounded() / 1000, bitrate: listing.bitrate)
        if let marks { song.apply(marks) }
        return song
    }

    static func song(_ record: SongRecord, base: String, links: MediaLinks) -> Song {
        Song(
            id: record.id.rawValue,
            title: record.title,
            album: record.album,
            artist: record.artist,
            genre: record.genreName,
            year: record.year,
            file: links.url(for: record.audioKey.name, base: base),
            image: record.coverKey.map { links.url(for: $0.name, base: base) },
            genreid: record.genreID,
            duration: (record.duration * 1000).rounded() / 1000,
            bitrate: record.bitrate
        )
    }
}

extension Song {
    /// The caller's own marks, as listings carry them.
    mutating func apply(_ marks: SongMarks) {
        liked = marks.likedAt != nil
        rating = marks.rating
        plays = marks.plays
        lastPlayed = marks.lastPlayed.map(ISOTime.format)
    }
}
