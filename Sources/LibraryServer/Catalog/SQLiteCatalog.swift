import Foundation
import GRDB
public import LibraryModel
import Synchronization
public import SystemPackage

/// The catalog in one SQLite file (WAL mode), the zero-set-up default.
public final class SQLiteCatalog: CatalogStore {
    public let path: FilePath
    private let pool: DatabasePool
    /// Genre names by id. Genres are never renamed or removed, so listings name them from memory
    /// instead of joining every row; an id not seen yet reloads the table.
    private let genreNames = Mutex<[Int: String]>([:])

    public init(path: FilePath) throws(CatalogError) {
        self.path = path
        var configuration = Configuration()
        configuration.label = "catalog"
        configuration.maximumReaderCount = 2  // two cores: more readers only add page caches
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync: a crash loses at most the last transactions, never corrupts the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 1 MiB of page cache per connection instead of SQLite's 2 MiB: the kernel's page cache holds the
            // file anyway, and four connections' caches were the biggest part of the service's memory.
            try db.execute(sql: "PRAGMA cache_size = -1024")
        }
        do {
            pool = try DatabasePool(path: path.string, configuration: configuration)
        } catch {
            throw .unavailable(location: path.string, reason: Self.describe(error))
        }
    }

    public var description: String { "SQLite \(path)" }

    public func migrate() async throws(CatalogError) {
        let pool = self.pool
        let result = await withCheckedContinuation { continuation in
            Self.migrator.asyncMigrate(pool) { outcome in continuation.resume(returning: outcome.map { _ in () }) }
        }
        do { try result.get() } catch { throw Self.wrap(error, "migrate") }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: genres, songs, problems") { db in
            try db.execute(sql: """
                CREATE TABLE genres (
                    genreid INTEGER PRIMARY KEY,
                    genre TEXT NOT NULL,
                    genre_key TEXT NOT NULL UNIQUE
                );
                -- Clustered by title order (WITHOUT ROWID, keyed by sort_title then id), so a listing walks the
                -- table's own pages in order instead of looking every row up from an index.
                CREATE TABLE songs (
                    sort_title TEXT NOT NULL,
                    id TEXT NOT NULL,
                    title TEXT NOT NULL,
                    album TEXT NOT NULL,
                    artist TEXT NOT NULL,
                    genreid INTEGER NOT NULL REFERENCES genres(genreid),
                    year INTEGER,
                    audio_key TEXT NOT NULL,
                    cover_key TEXT,
                    duration REAL NOT NULL,
                    size INTEGER NOT NULL,
                    bitrate INTEGER NOT NULL,
                    sample_rate INTEGER NOT NULL,
                    channels INTEGER NOT NULL,
                    metadata_etag TEXT NOT NULL,
                    audio_etag TEXT NOT NULL,
                    cover_etag TEXT,
                    artist_key TEXT NOT NULL,
                    album_key TEXT NOT NULL,
                    search_text TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    PRIMARY KEY (sort_title, id)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX songs_by_id ON songs(id);
                -- Secondary indexes of a WITHOUT ROWID table end with its key, so these are in title order too.
                CREATE INDEX songs_by_genre ON songs(genreid);
                CREATE INDEX songs_by_artist ON songs(artist_key);
                CREATE INDEX songs_by_album ON songs(album_key);
                CREATE TABLE problems (
                    subject TEXT PRIMARY KEY NOT NULL,
                    state TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    since REAL NOT NULL
                );
                """)
            for genre in Genre.seeded {
                try db.execute(
                    sql: "INSERT INTO genres (genreid, genre, genre_key) VALUES (?, ?, ?)",
                    arguments: [genre.genreid, genre.genre, SearchKey.fold(genre.genre)]
                )
            }
        }
        return migrator
    }

    // MARK: Genres

    public func genres() async throws(CatalogError) -> [Genre] {
        try await read("list genres") { db in
            try Row.fetchAll(db, sql: """
                SELECT g.genreid, g.genre, (SELECT COUNT(*) FROM songs s WHERE s.genreid = g.genreid)
                FROM genres g ORDER BY g.genreid
                """
            ).map { Genre(genreid: $0[0], genre: $0[1], songs: $0[2]) }
        }
    }

    public func genre(for reference: GenreReference, create: Bool) async throws(CatalogError) -> Genre? {
        switch reference {
        case .id(let id):
            return try await read("find genre") { db in
                try Row.fetchOne(db, sql: "SELECT genreid, genre FROM genres WHERE genreid = ?", arguments: [id])
                    .map { Genre(genreid: $0[0], genre: $0[1]) }
            }
        case .name(let name):
            let key = SearchKey.fold(name)
            let find = { @Sendable (db: Database) throws -> Genre? in
                try Row.fetchOne(db, sql: "SELECT genreid, genre FROM genres WHERE genre_key = ?", arguments: [key])
                    .map { Genre(genreid: $0[0], genre: $0[1]) }
            }
            if let existing = try await read("find genre", find) { return existing }
            guard create else { return nil }
            return try await write("create genre") { db in
                try db.execute(
                    sql: "INSERT INTO genres (genre, genre_key) VALUES (?, ?) ON CONFLICT(genre_key) DO NOTHING",
                    arguments: [name, key]
                )
                return try find(db)
            }
        }
    }

    // MARK: Songs

    private static let songColumns = """
        s.id, s.title, s.album, s.artist, s.genreid, g.genre, s.year, s.audio_key, s.cover_key, s.duration,
        s.size, s.bitrate, s.sample_rate, s.channels, s.metadata_etag, s.audio_etag, s.cover_etag,
        s.created_at, s.updated_at
        """

    public func song(_ id: BundleID) async throws(CatalogError) -> SongRecord? {
        try await read("find song") { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.songColumns) FROM songs s JOIN genres g ON g.genreid = s.genreid WHERE s.id = ?",
                arguments: [id.rawValue]
            ).map(Self.decodeSong)
        }
    }

    public func songs(
        matching filter: SongFilter,
        after cursor: SongCursor?,
        offset: Int,
        limit: Int
    ) async throws(CatalogError) -> [SongListing] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let genreID = filter.genreID {
            conditions.append("s.genreid = ?")
            _ = arguments.append(contentsOf: [genreID])
        }
        if let artistKey = filter.artistKey {
            conditions.append("s.artist_key = ?")
            _ = arguments.append(contentsOf: [artistKey])
        }
        if let albumKey = filter.albumKey {
            conditions.append("s.album_key = ?")
            _ = arguments.append(contentsOf: [albumKey])
        }
        for word in filter.searchWords {
            conditions.append("instr(s.search_text, ?) > 0")
            _ = arguments.append(contentsOf: [word])
        }
        if let cursor {
            conditions.append("(s.sort_title, s.id) > (?, ?)")
            _ = arguments.append(contentsOf: [cursor.sortTitle, cursor.id])
        }
        _ = arguments.append(contentsOf: [limit, offset])
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT s.id, s.title, s.album, s.artist, s.genreid, s.year, s.audio_key, s.cover_key, s.duration, s.bitrate
            FROM songs s \(whereClause) ORDER BY s.sort_title, s.id LIMIT ? OFFSET ?
            """
        let finalArguments = arguments
        return try await read("list songs") { db in
            var names = self.genreNames.withLock { $0 }
            var page: [SongListing] = []
            page.reserveCapacity(min(limit, 1000))
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: finalArguments)
            while let row = try rows.next() {
                let genreID: Int = row[4]
                if names[genreID] == nil {
                    names = try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT genreid, genre FROM genres").map { ($0[0], $0[1]) })
                    self.genreNames.withLock { [names] in $0 = names }
                }
                page.append(
                    SongListing(
                        id: row[0], title: row[1], album: row[2], artist: row[3], genre: names[genreID] ?? "", genreID: genreID,
                        year: row[5], audioKey: row[6], coverKey: row[7], duration: row[8], bitrate: row[9]))
            }
            return page
        }
    }

    public func songIDs(after: BundleID?, limit: Int) async throws(CatalogError) -> [BundleID] {
        try await read("list song ids") { db in
            try String.fetchAll(
                db,
                sql: "SELECT id FROM songs WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [after?.rawValue ?? "", limit]
            ).map { raw in
                do { return try BundleID(validating: raw) } catch { throw CatalogError.corruptRow(table: "songs", detail: "id \(raw): \(error)") }
            }
        }
    }

    public func songCount() async throws(CatalogError) -> Int {
        try await read("count songs") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM songs") ?? 0 }
    }

    public func upsert(_ song: SongRecord) async throws(CatalogError) {
        try await write("store song") { db in
            try db.execute(
                sql: """
                    INSERT INTO songs (id, title, album, artist, genreid, year, audio_key, cover_key, duration, size,
                        bitrate, sample_rate, channels, metadata_etag, audio_etag, cover_etag, sort_title, artist_key,
                        album_key, search_text, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET
                        title = excluded.title, album = excluded.album, artist = excluded.artist,
                        genreid = excluded.genreid, year = excluded.year, audio_key = excluded.audio_key,
                        cover_key = excluded.cover_key, duration = excluded.duration, size = excluded.size,
                        bitrate = excluded.bitrate, sample_rate = excluded.sample_rate, channels = excluded.channels,
                        metadata_etag = excluded.metadata_etag, audio_etag = excluded.audio_etag,
                        cover_etag = excluded.cover_etag, sort_title = excluded.sort_title,
                        artist_key = excluded.artist_key, album_key = excluded.album_key,
                        search_text = excluded.search_text, updated_at = excluded.updated_at
                    """,
                arguments: [
                    song.id.rawValue, song.title, song.album, song.artist, song.genreID, song.year, song.audioKey.name,
                    song.coverKey?.name, song.duration, song.size, song.bitrate, song.sampleRate, song.channels,
                    song.metadataETag, song.audioETag, song.coverETag, song.sortTitle, song.artistKey, song.albumKey,
                    song.searchText, song.createdAt.timeIntervalSince1970, song.updatedAt.timeIntervalSince1970,
                ]
            )
            try db.execute(sql: "DELETE FROM problems WHERE subject = ?", arguments: [song.id.rawValue])
        }
    }

    public func removeSong(_ id: BundleID) async throws(CatalogError) {
        try await write("remove song") { db in
            try db.execute(sql: "DELETE FROM songs WHERE id = ?", arguments: [id.rawValue])
        }
    }

    // MARK: Problems

    public func record(_ problem: ProblemRecord) async throws(CatalogError) {
        try await write("record problem") { db in
            try db.execute(
                sql: """
                    INSERT INTO problems (subject, state, reason, since) VALUES (?, ?, ?, ?)
                    ON CONFLICT(subject) DO UPDATE SET
                        since = CASE WHEN problems.state = excluded.state THEN problems.since ELSE excluded.since END,
                        state = excluded.state, reason = excluded.reason
                    """,
                arguments: [problem.subject, problem.state.rawValue, problem.reason, problem.since.timeIntervalSince1970]
            )
        }
    }

    public func clearProblem(_ subject: String) async throws(CatalogError) {
        try await write("clear problem") { db in
            try db.execute(sql: "DELETE FROM problems WHERE subject = ?", arguments: [subject])
        }
    }

    public func problem(_ subject: String) async throws(CatalogError) -> ProblemRecord? {
        try await read("find problem") { db in
            try Row.fetchOne(db, sql: "SELECT subject, state, reason, since FROM problems WHERE subject = ?", arguments: [subject])
                .map(Self.decodeProblem)
        }
    }

    public func problems() async throws(CatalogError) -> [ProblemRecord] {
        try await read("list problems") { db in
            try Row.fetchAll(db, sql: "SELECT subject, state, reason, since FROM problems ORDER BY since, subject")
                .map(Self.decodeProblem)
        }
    }

    // MARK: Rows

    private static func decodeSong(_ row: Row) throws -> SongRecord {
        let rawID: String = row[0]
        let rawAudio: String = row[7]
        let rawCover: String? = row[8]
        do {
            return SongRecord(
                id: try BundleID(validating: rawID),
                title: row[1],
                album: row[2],
                artist: row[3],
                genreID: row[4],
                genreName: row[5],
                year: row[6],
                audioKey: try ObjectKey(validating: rawAudio),
                coverKey: try rawCover.map { raw throws(KeyError) in try ObjectKey(validating: raw) },
                duration: row[9],
                size: row[10],
                bitrate: row[11],
                sampleRate: row[12],
                channels: row[13],
                metadataETag: row[14],
                audioETag: row[15],
                coverETag: row[16],
                createdAt: Date(timeIntervalSince1970: row[17]),
                updatedAt: Date(timeIntervalSince1970: row[18])
            )
        } catch {
            throw CatalogError.corruptRow(table: "songs", detail: "song \(rawID): \(error)")
        }
    }

    private static func decodeProblem(_ row: Row) throws -> ProblemRecord {
        let rawState: String = row[1]
        guard let state = BundleState(rawValue: rawState) else {
            throw CatalogError.corruptRow(table: "problems", detail: "unknown state \(rawState)")
        }
        return ProblemRecord(subject: row[0], state: state, reason: row[2], since: Date(timeIntervalSince1970: row[3]))
    }

    // MARK: Error mapping

    private func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(CatalogError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.wrap(error, operation)
        }
    }

    private func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(CatalogError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.wrap(error, operation)
        }
    }

    private static func wrap(_ error: any Error, _ operation: String) -> CatalogError {
        switch error {
        case let error as CatalogError: error
        case let error as DatabaseError:
            .database(operation: operation, code: "SQLite \(error.extendedResultCode.rawValue)", message: error.message ?? "\(error.resultCode)")
        default: .database(operation: operation, code: "unknown", message: "\(error)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? "\(error)"
    }
}
