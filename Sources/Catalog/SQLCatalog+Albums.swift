public import Foundation
import LibraryModel

/// An album as the catalog can tell it: the songs sharing one folded artist and one folded album name.
/// Bundles carry no album ids, so an album is its two keys; the Subsonic API derives its ids from them.
public struct AlbumSummary: Sendable, Hashable {
    /// `SearchKey.fold` of the artist and of the album: what makes two songs the same album.
    public var artistKey: String
    public var albumKey: String
    /// As one of its songs spells them.
    public var artist: String
    public var name: String
    public var songCount: Int
    /// Seconds, all songs together.
    public var duration: Double
    /// The latest year any song gives.
    public var year: Int?
    public var genreID: Int
    /// Filled in by reads, from the genres.
    public var genre: String
    /// When its first song arrived, and its latest.
    public var createdAt: Date
    public var latestAt: Date
    /// A song of the album that has a cover, for the album's cover art.
    public var coverSongID: String?

    public init(
        artistKey: String, albumKey: String, artist: String, name: String, songCount: Int, duration: Double, year: Int?, genreID: Int,
        genre: String, createdAt: Date, latestAt: Date, coverSongID: String?
    ) {
        self.artistKey = artistKey
        self.albumKey = albumKey
        self.artist = artist
        self.name = name
        self.songCount = songCount
        self.duration = duration
        self.year = year
        self.genreID = genreID
        self.genre = genre
        self.createdAt = createdAt
        self.latestAt = latestAt
        self.coverSongID = coverSongID
    }
}

/// Which songs, in full, for the Subsonic API: its songs carry size, times and keys that a `SongListing` leaves out.
public struct SongSelection: Sendable, Hashable {
    public enum Order: Sendable, Hashable {
        /// Folded title, then id: the listing order.
        case title
        /// Newest first.
        case newest
        case random
    }

    public var filter: SongFilter
    /// Only songs whose year is within (songs with no year are left out).
    public var years: ClosedRange<Int>?
    /// Only these songs (nil: any).
    public var ids: [String]?
    public var order: Order
    public var offset: Int
    public var limit: Int

    public init(filter: SongFilter = SongFilter(), years: ClosedRange<Int>? = nil, ids: [String]? = nil, order: Order = .title, offset: Int = 0, limit: Int) {
        self.filter = filter
        self.years = years
        self.ids = ids
        self.order = order
        self.offset = offset
        self.limit = limit
    }
}

/// A song with its place on its album: bundles have no track numbers, so a song's track is its rank among
/// the album's songs in title order, the order the album lists them in.
public struct TrackRecord: Sendable, Hashable {
    public var song: SongRecord
    public var track: Int
    /// The folded artist and album as the catalog keeps them, so a listing page does not fold them again.
    public var artistKey: String
    public var albumKey: String

    public init(song: SongRecord, track: Int, artistKey: String? = nil, albumKey: String? = nil) {
        self.song = song
        self.track = track
        self.artistKey = artistKey ?? SearchKey.fold(song.artist)
        self.albumKey = albumKey ?? SearchKey.fold(song.album)
    }
}

extension SQLCatalog {
    public func albumSummaries() async throws(CatalogError) -> [AlbumSummary] {
        var albums = try await engine.fetch(
            """
            SELECT artist_key, album_key, MIN(artist), MIN(album), COUNT(*), SUM(duration), MAX(year), MIN(genreid),
                MIN(created_at), MAX(created_at), MIN(CASE WHEN cover_key IS NULL THEN NULL ELSE id END)
            FROM songs GROUP BY artist_key, album_key ORDER BY artist_key, album_key
            """,
            SQLContext("list albums", table: "songs")
        ) { row throws(CatalogError) in
            AlbumSummary(
                artistKey: try row.text(), albumKey: try row.text(), artist: try row.text(), name: try row.text(), songCount: try row.integer(),
                duration: try row.real(), year: try row.optionalInteger(), genreID: try row.integer(), genre: "",
                createdAt: Date(timeIntervalSince1970: try row.real()), latestAt: Date(timeIntervalSince1970: try row.real()),
                coverSongID: try row.optionalText())
        }
        let names = try await genreNames(covering: albums.map(\.genreID))
        for index in albums.indices { albums[index].genre = names[albums[index].genreID] ?? "" }
        return albums
    }

    public func songRecords(_ selection: SongSelection) async throws(CatalogError) -> [TrackRecord] {
        if let ids = selection.ids, ids.isEmpty { return [] }
        var conditions: [SQL] = []
        let filter = selection.filter
        if let genreID = filter.genreID { conditions.append("s.genreid = \(genreID)") }
        if let artistKey = filter.artistKey { conditions.append("s.artist_key = \(artistKey)") }
        if let albumKey = filter.albumKey { conditions.append("s.album_key = \(albumKey)") }
        for word in filter.searchWords { conditions.append(dialect.contains("s.search_text", "\(word)")) }
        if let years = selection.years { conditions.append("s.year >= \(years.lowerBound) AND s.year <= \(years.upperBound)") }
        if let ids = selection.ids {
            guard ids.count <= Self.batchSize else { throw .invalid("at most \(Self.batchSize) song ids per selection, not \(ids.count)") }
            conditions.append("s.id IN (\(list: Array(Set(ids))))")
        }
        var whereClause: SQL = conditions.isEmpty ? "" : "WHERE " + SQL.joined(conditions, separator: " AND ")
        var page: SQL = "LIMIT \(selection.limit) OFFSET \(selection.offset)"
        let order: SQL
        switch selection.order {
        case .title:
            order = "s.sort_title, s.id"
            // A page far into the list starts at the key the narrow title index has at that offset, and
            // reads on from there in the table's own order: every row an OFFSET skips would otherwise be
            // joined to its genre and counted into its album, most of a Subsonic client's page in the middle
            // of 100,000 songs. Past the end, the start is NULL and the page empty.
            if selection.offset > 0 {
                let start: SQL = "(SELECT s.sort_title, s.id FROM songs s \(whereClause) ORDER BY \(order) LIMIT 1 OFFSET \(selection.offset))"
                conditions.append("(s.sort_title, s.id) >= \(start)")
                whereClause = "WHERE " + SQL.joined(conditions, separator: " AND ")
                page = "LIMIT \(selection.limit)"
            }
        case .newest:
            order = "s.created_at DESC, s.id"
            // The same idea among the ids, for an order the table is not kept in.
            if selection.offset > 0 {
                whereClause = "WHERE s.id IN (SELECT s.id FROM songs s \(whereClause) ORDER BY \(order) \(page))"
                page = ""
            }
        case .random:
            // Drawn among narrow rows first, so the full columns and the track are read for the page alone,
            // not for every song the shuffle sorts.
            whereClause = "WHERE s.id IN (SELECT s.id FROM songs s \(whereClause) ORDER BY random() \(page))"
            page = ""
            order = "random()"
        }
        // The rank among the album's songs: a short range of songs_by_album_artist, read from the index alone.
        return try await engine.fetch(
            """
            SELECT \(raw: Self.songColumns), s.artist_key, s.album_key,
                (SELECT COUNT(*) FROM songs t WHERE t.album_key = s.album_key AND t.artist_key = s.artist_key
                    AND (t.sort_title, t.id) <= (s.sort_title, s.id))
            FROM songs s JOIN genres g ON g.genreid = s.genreid \(whereClause)
            ORDER BY \(order) \(page)
            """,
            SQLContext("list songs in full", table: "songs")
        ) { row throws(CatalogError) in
            let song = try Self.decodeSong(&row)
            let (artistKey, albumKey) = (try row.text(), try row.text())
            return TrackRecord(song: song, track: try row.integer(), artistKey: artistKey, albumKey: albumKey)
        }
    }
}
