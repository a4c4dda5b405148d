import Foundation
import LibraryModel

/// The reads recommendations are built from: the whole library, every sharing listener's plays and
/// marks in bulk, and a stamp that says when they changed.
extension SQLCatalog {
    public func setSharesListening(_ shares: Bool, userID: String) async throws(CatalogError) {
        try await engine.transaction(
            [SQLStep("UPDATE users SET shares_listening = \(shares) WHERE id = \(userID)", expecting: 1...1, otherwise: .notFound("no listener with id \(userID)"))],
            lock: nil, SQLContext("set sharing", table: "users"))
    }

    static let listingSelect = "SELECT id, title, album, artist, genreid, year, audio_key, cover_key, duration, bitrate FROM songs"

    public func songListings(after id: String?, limit: Int) async throws(CatalogError) -> [SongListing] {
        try await named(
            try await engine.fetch(
                "\(raw: Self.listingSelect) WHERE id > \(id ?? "") ORDER BY id LIMIT \(limit)", SQLContext("list songs by id", table: "songs"),
                decode: Self.decodeListing))
    }

    public func songListings(ids: [String]) async throws(CatalogError) -> [SongListing] {
        var listings: [SongListing] = []
        for chunk in Array(Set(ids)).chunked(Self.batchSize) {
            listings += try await engine.fetch(
                "\(raw: Self.listingSelect) WHERE id IN (\(list: chunk))", SQLContext("find songs", table: "songs"), decode: Self.decodeListing)
        }
        return try await named(listings)
    }

    /// The listings with their genres named, from memory.
    func named(_ listings: [SongListing]) async throws(CatalogError) -> [SongListing] {
        var listings = listings
        let names = try await genreNames(covering: listings.map(\.genreID))
        for index in listings.indices { listings[index].genre = names[listings[index].genreID] ?? "" }
        return listings
    }

    public func sharedPlays(after cursor: PlayRecord?, limit: Int) async throws(CatalogError) -> [PlayRecord] {
        // A row value, as the songs listing pages: both engines walk the primary key from the cursor.
        let after: SQL = cursor.map { play in
            "AND (p.user_id, p.started_at, p.song_id) > (\(play.userID), \(play.startedAt.timeIntervalSince1970), \(play.songID))"
        } ?? ""
        return try await engine.fetch(
            """
            SELECT p.user_id, p.started_at, p.song_id, p.played, p.counted, p.skipped, p.client
            FROM plays p JOIN users u ON u.id = p.user_id
            WHERE u.shares_listening = 1 \(after)
            ORDER BY p.user_id, p.started_at, p.song_id LIMIT \(limit)
            """,
            SQLContext("read shared plays", table: "plays")
        ) { row throws(CatalogError) in
            let userID = try row.text()
            let startedAt = Date(timeIntervalSince1970: try row.real())
            let songID = try row.text()
            return PlayRecord(
                userID: userID, songID: songID, startedAt: startedAt, playedSeconds: try row.real(), counted: try row.flag(),
                skipped: try row.flag(), client: try row.text())
        }
    }

    public func sharedAppeal() async throws(CatalogError) -> [SongAppealRecord] {
        try await engine.fetch(
            """
            SELECT m.song_id, COUNT(m.liked_at), COUNT(CASE WHEN m.rating >= 4 THEN 1 END), COUNT(CASE WHEN m.rating <= 2 THEN 1 END)
            FROM song_marks m JOIN users u ON u.id = m.user_id
            WHERE u.shares_listening = 1 AND (m.liked_at IS NOT NULL OR m.rating IS NOT NULL)
            GROUP BY m.song_id ORDER BY m.song_id
            """,
            SQLContext("sum shared marks", table: "song_marks")
        ) { row throws(CatalogError) in
            SongAppealRecord(songID: try row.text(), likes: try row.integer(), goodRatings: try row.integer(), poorRatings: try row.integer())
        }
    }

    public func listeningStamp() async throws(CatalogError) -> ListeningStamp {
        let rows = try await engine.fetch(
            """
            SELECT (SELECT COUNT(*) FROM plays), (SELECT MAX(started_at) FROM plays),
                (SELECT COUNT(*) FROM song_marks WHERE liked_at IS NOT NULL OR rating IS NOT NULL),
                (SELECT MAX(CASE WHEN COALESCE(liked_at, 0) > COALESCE(rated_at, 0) THEN liked_at ELSE rated_at END) FROM song_marks),
                (SELECT COUNT(*) FROM songs), (SELECT MAX(updated_at) FROM songs), (SELECT COUNT(*) FROM users WHERE shares_listening = 1)
            """,
            SQLContext("stamp listening", table: "plays")
        ) { row throws(CatalogError) in
            ListeningStamp(
                plays: try row.integer(), latestPlay: try row.optionalReal(), marks: try row.integer(), latestMark: try row.optionalReal(),
                songs: try row.integer(), latestSong: try row.optionalReal(), sharingListeners: try row.integer())
        }
        guard let stamp = rows.first else { throw .corruptRow(table: "plays", detail: "the listening summary returned no row") }
        return stamp
    }
}
