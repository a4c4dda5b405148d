import Foundation
public import LibraryModel
import Synchronization

/// The catalog, written once over any `SQLEngine`: every query and migration lives here, and an engine
/// only runs them. Every write is one statement or one transaction that stays correct when replicas
/// sharing a database race: conflicts resolve in the database, and new genres are numbered under a lock.
public final class SQLCatalog: CatalogStore {
    public let engine: any SQLEngine
    let dialect: any SQLDialect
    /// Genre names by id. Genres are never renamed or removed, so listings name them from memory instead
    /// of joining every row; an id not seen yet (another replica made it, say) reloads the table.
    private let genreNames = Mutex<[Int: String]>([:])

    public init(engine: any SQLEngine) {
        self.engine = engine
        self.dialect = engine.dialect
    }

    public var description: String { engine.description }

    public func close() { engine.close() }

    // MARK: Migrations

    /// Applies the migrations the database lacks, each in one transaction with its record in
    /// `catalog_migrations`, under `SQLLock.migration`. A replica that loses the race to apply one meets
    /// the record's primary key, rolls back, and finds the work done. Newer versions than this build
    /// knows are left alone.
    public func migrate() async throws(CatalogError) {
        let adopted = try await engine.prepareForMigrations()
        let adoption = adopted.sorted().map { version in
            SQLStep(
                dialect.upsert(
                    into: "catalog_migrations", columns: ["version", "name"],
                    values: ["\(version)", "\(CatalogSchema.migrations.first { $0.version == version }?.name ?? "adopted")"],
                    conflictingOn: ["version"]))
        }
        try await engine.transaction(
            [SQLStep(dialect.createTable(CatalogSchema.migrationsTable, ifNotExists: true))] + adoption, lock: .migration,
            SQLContext("migrate", table: "catalog_migrations"))
        let applied = try await appliedMigrations()
        for migration in CatalogSchema.migrations where !applied.contains(migration.version) {
            let record = SQLStep("INSERT INTO catalog_migrations (version, name) VALUES (\(migration.version), \(migration.name))")
            let steps = migration.steps.flatMap(dialect.statements).map { SQLStep($0) }
            do throws(CatalogError) {
                try await engine.transaction([record] + steps, lock: .migration, SQLContext("migrate to v\(migration.version)", table: "catalog_migrations"))
            } catch {
                // Another replica applied it meanwhile: its record is there now.
                guard error.brokenConstraint == .unique, try await appliedMigrations().contains(migration.version) else { throw error }
            }
        }
    }

    private func appliedMigrations() async throws(CatalogError) -> Set<Int> {
        Set(try await engine.fetch("SELECT version FROM catalog_migrations", SQLContext("read migrations", table: "catalog_migrations")) { row throws(CatalogError) in
            try row.integer()
        })
    }

    public func identity() async throws(CatalogError) -> String {
        let ids = try await engine.fetch("SELECT id FROM catalog_identity WHERE one = 1", SQLContext("read identity", table: "catalog_identity")) {
            row throws(CatalogError) in try row.text()
        }
        guard let id = ids.first else { throw .corruptRow(table: "catalog_identity", detail: "no identity: the catalog was not migrated") }
        return id
    }

    // MARK: Genres

    public func genres() async throws(CatalogError) -> [Genre] {
        try await engine.fetch(
            """
            SELECT g.genreid, g.genre, (SELECT COUNT(*) FROM songs s WHERE s.genreid = g.genreid)
            FROM genres g ORDER BY g.genreid
            """,
            SQLContext("list genres", table: "genres")
        ) { row throws(CatalogError) in
            Genre(genreid: try row.integer(), genre: try row.text(), songs: try row.integer())
        }
    }

    public func genre(for reference: GenreReference, create: Bool) async throws(CatalogError) -> Genre? {
        switch reference {
        case .id(let id):
            return try await firstGenre(where: "genreid = \(id)")
        case .name(let name):
            let key = SearchKey.fold(name)
            if let existing = try await firstGenre(where: "genre_key = \(key)") { return existing }
            guard create else { return nil }
            // Numbering waits for the lock, so two replicas creating different genres cannot both take
            // max + 1; the same name from two replicas meets the unique genre_key and is created once.
            let insert = dialect.upsert(
                into: "genres", columns: ["genreid", "genre", "genre_key"],
                select: "SELECT COALESCE(MAX(genreid), 0) + 1, \(name), \(key) FROM genres WHERE 1 = 1", conflictingOn: ["genre_key"])
            try await engine.transaction(
                [SQLStep(insert), recordChange(.genre, key)], lock: .changes, SQLContext("create genre", table: "genres"))
            return try await firstGenre(where: "genre_key = \(key)")
        }
    }

    private func firstGenre(where condition: SQL) async throws(CatalogError) -> Genre? {
        try await engine.fetch("SELECT genreid, genre FROM genres WHERE \(condition)", SQLContext("find genre", table: "genres")) {
            row throws(CatalogError) in Genre(genreid: try row.integer(), genre: try row.text())
        }.first
    }

    /// Genre names by id, from memory; read again when `ids` holds one the cache lacks.
    func genreNames(covering ids: some Sequence<Int>) async throws(CatalogError) -> [Int: String] {
        let names = genreNames.withLock { $0 }
        guard ids.contains(where: { names[$0] == nil }) else { return names }
        return try await reloadGenreNames()
    }

    /// Every genre's name, read when a listing meets an id the cache lacks.
    private func reloadGenreNames() async throws(CatalogError) -> [Int: String] {
        let pairs = try await engine.fetch("SELECT genreid, genre FROM genres", SQLContext("list genres", table: "genres")) {
            row throws(CatalogError) in (try row.integer(), try row.text())
        }
        let names = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        genreNames.withLock { $0 = names }
        return names
    }

    // MARK: Songs

    static let songColumns = """
        s.id, s.title, s.album, s.artist, s.genreid, g.genre, s.year, s.audio_key, s.cover_key, s.duration,
        s.size, s.bitrate, s.sample_rate, s.channels, s.metadata_etag, s.audio_etag, s.cover_etag,
        s.created_at, s.updated_at
        """

    public func song(_ id: BundleID) async throws(CatalogError) -> SongRecord? {
        try await engine.fetch(
            "SELECT \(raw: Self.songColumns) FROM songs s JOIN genres g ON g.genreid = s.genreid WHERE s.id = \(id.rawValue)",
            SQLContext("find song", table: "songs"), decode: Self.decodeSong
        ).first
    }

    public func songs(
        matching filter: SongFilter,
        after cursor: SongCursor?,
        offset: Int,
        limit: Int
    ) async throws(CatalogError) -> [SongListing] {
        var conditions: [SQL] = []
        if let genreID = filter.genreID { conditions.append("genreid = \(genreID)") }
        if let artistKey = filter.artistKey { conditions.append("artist_key = \(artistKey)") }
        if let albumKey = filter.albumKey { conditions.append("album_key = \(albumKey)") }
        for word in filter.searchWords { conditions.append(dialect.contains("search_text", "\(word)")) }
        if let cursor { conditions.append("(sort_title, id) > (\(cursor.sortTitle), \(cursor.id))") }
        let whereClause: SQL = conditions.isEmpty ? "" : "WHERE " + SQL.joined(conditions, separator: " AND ")
        var page = try await engine.fetch(
            """
            SELECT id, title, album, artist, genreid, year, audio_key, cover_key, duration, bitrate
            FROM songs \(whereClause) ORDER BY sort_title, id LIMIT \(limit) OFFSET \(offset)
            """,
            SQLContext("list songs", table: "songs"), decode: Self.decodeListing)
        let names = try await genreNames(covering: page.map(\.genreID))
        for index in page.indices { page[index].genre = names[page[index].genreID] ?? "" }
        return page
    }

    public func songIDs(after: BundleID?, limit: Int) async throws(CatalogError) -> [BundleID] {
        try await engine.fetch(
            "SELECT id FROM songs WHERE id > \(after?.rawValue ?? "") ORDER BY id LIMIT \(limit)", SQLContext("list song ids", table: "songs")
        ) { row throws(CatalogError) in
            let raw = try row.text()
            do { return try BundleID(validating: raw) } catch { throw .corruptRow(table: "songs", detail: "id \(raw): \(error)") }
        }
    }

    public func songCount() async throws(CatalogError) -> Int {
        try await count("SELECT COUNT(*) FROM songs", SQLContext("count songs", table: "songs"))
    }

    public func existingSongIDs(_ ids: [String]) async throws(CatalogError) -> Set<String> {
        var found = Set<String>()
        for chunk in Array(Set(ids)).chunked(Self.batchSize) {
            found.formUnion(
                try await engine.fetch("SELECT id FROM songs WHERE id IN (\(list: chunk))", SQLContext("find songs", table: "songs")) {
                    row throws(CatalogError) in try row.text()
                })
        }
        return found
    }

    public func upsert(_ song: SongRecord) async throws(CatalogError) {
        let columns = [
            "id", "title", "album", "artist", "genreid", "year", "audio_key", "cover_key", "duration", "size", "bitrate",
            "sample_rate", "channels", "metadata_etag", "audio_etag", "cover_etag", "sort_title", "artist_key", "album_key",
            "search_text", "created_at", "updated_at",
        ]
        let values: [SQL] = [
            "\(song.id.rawValue)", "\(song.title)", "\(song.album)", "\(song.artist)", "\(song.genreID)", "\(song.year)",
            "\(song.audioKey.name)", "\(song.coverKey?.name)", "\(song.duration)", "\(song.size)", "\(song.bitrate)",
            "\(song.sampleRate)", "\(song.channels)", "\(song.metadataETag)", "\(song.audioETag)", "\(song.coverETag)",
            "\(song.sortTitle)", "\(song.artistKey)", "\(song.albumKey)", "\(song.searchText)",
            "\(song.createdAt.timeIntervalSince1970)", "\(song.updatedAt.timeIntervalSince1970)",
        ]
        // A replica that loses the race to insert the same id updates the winner's row instead; the
        // problem goes exactly when the song arrives. The created time stays the first one.
        let updated = columns.filter { $0 != "id" && $0 != "created_at" }
        try await engine.transaction(
            [
                SQLStep(dialect.upsert(into: "songs", columns: columns, values: values, conflictingOn: ["id"], updating: dialect.takingIncoming(updated))),
                SQLStep("DELETE FROM problems WHERE subject = \(song.id.rawValue)"),
                recordChange(.song, song.id.rawValue),
            ],
            lock: .changes, SQLContext("store song", table: "songs"))
    }

    public func removeSong(_ id: BundleID) async throws(CatalogError) {
        try await engine.transaction(
            [SQLStep("DELETE FROM songs WHERE id = \(id.rawValue)"), recordChange(.song, id.rawValue)], lock: .changes,
            SQLContext("remove song", table: "songs"))
    }

    // MARK: Problems

    public func record(_ problem: ProblemRecord) async throws(CatalogError) {
        // `since` is assigned before `state`, so it compares against the state being replaced.
        let since: SQL = """
            CASE WHEN \(raw: dialect.existing("state", of: "problems")) = \(raw: dialect.incoming("state"))
            THEN \(raw: dialect.existing("since", of: "problems")) ELSE \(raw: dialect.incoming("since")) END
            """
        let statement = dialect.upsert(
            into: "problems", columns: ["subject", "state", "reason", "since"],
            values: ["\(problem.subject)", "\(problem.state.rawValue)", "\(problem.reason)", "\(problem.since.timeIntervalSince1970)"],
            conflictingOn: ["subject"], updating: [("since", since)] + dialect.takingIncoming(["state", "reason"]))
        try await engine.transaction([SQLStep(statement)], lock: nil, SQLContext("record problem", table: "problems"))
    }

    public func clearProblem(_ subject: String) async throws(CatalogError) {
        try await engine.transaction([SQLStep("DELETE FROM problems WHERE subject = \(subject)")], lock: nil, SQLContext("clear problem", table: "problems"))
    }

    public func problem(_ subject: String) async throws(CatalogError) -> ProblemRecord? {
        try await engine.fetch(
            "SELECT subject, state, reason, since FROM problems WHERE subject = \(subject)", SQLContext("find problem", table: "problems"),
            decode: Self.decodeProblem
        ).first
    }

    public func problems() async throws(CatalogError) -> [ProblemRecord] {
        try await engine.fetch(
            "SELECT subject, state, reason, since FROM problems ORDER BY since, subject", SQLContext("list problems", table: "problems"),
            decode: Self.decodeProblem)
    }

    // MARK: Rows

    func count(_ statement: SQL, _ context: SQLContext) async throws(CatalogError) -> Int {
        try await engine.fetch(statement, context) { row throws(CatalogError) in try row.integer() }.first ?? 0
    }

    @Sendable static func decodeSong(_ row: inout any SQLRowReader) throws(CatalogError) -> SongRecord {
        let rawID = try row.text()
        let (title, album, artist, genreID, genreName) = (try row.text(), try row.text(), try row.text(), try row.integer(), try row.text())
        let (year, rawAudio, rawCover) = (try row.optionalInteger(), try row.text(), try row.optionalText())
        do {
            return SongRecord(
                id: try BundleID(validating: rawID), title: title, album: album, artist: artist, genreID: genreID,
                genreName: genreName, year: year, audioKey: try ObjectKey(validating: rawAudio),
                coverKey: try rawCover.map { raw throws(KeyError) in try ObjectKey(validating: raw) },
                duration: try row.real(), size: try row.integer(), bitrate: try row.integer(), sampleRate: try row.integer(),
                channels: try row.integer(), metadataETag: try row.text(), audioETag: try row.text(), coverETag: try row.optionalText(),
                createdAt: Date(timeIntervalSince1970: try row.real()), updatedAt: Date(timeIntervalSince1970: try row.real()))
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .corruptRow(table: "songs", detail: "song \(rawID): \(error)")
        }
    }

    /// A listing's row, read without validating its keys (the catalog only ever stores validated ones),
    /// because `/songs` reads 100,000 of them per request. The genre is named afterwards, from memory.
    @Sendable static func decodeListing(_ row: inout any SQLRowReader) throws(CatalogError) -> SongListing {
        SongListing(
            id: try row.text(), title: try row.text(), album: try row.text(), artist: try row.text(), genre: "",
            genreID: try row.integer(), year: try row.optionalInteger(), audioKey: try row.text(), coverKey: try row.optionalText(),
            duration: try row.real(), bitrate: try row.integer())
    }

    @Sendable static func decodeProblem(_ row: inout any SQLRowReader) throws(CatalogError) -> ProblemRecord {
        let subject = try row.text()
        let rawState = try row.text()
        guard let state = BundleState(rawValue: rawState) else {
            throw .corruptRow(table: "problems", detail: "unknown state \(rawState)")
        }
        return ProblemRecord(subject: subject, state: state, reason: try row.text(), since: Date(timeIntervalSince1970: try row.real()))
    }
}
