import Foundation
public import LibraryModel
public import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The catalog in PostgreSQL, for several service replicas sharing one database.
///
/// Schema, order and semantics are `SQLiteCatalog`'s. Every write is one statement, or one transaction,
/// that stays correct when replicas race: upserts and problem records resolve conflicts in the database,
/// and new genres are numbered under an advisory lock.
public final class PostgresCatalog: CatalogStore {
    private let location: PostgresLocation
    private let client: PostgresClient
    /// Runs the client's connection pool from `init` until `close()` (or until the catalog goes away).
    private let runTask: Task<Void, Never>
    private let logger: Logger
    /// Genre names by id. Genres are never renamed or removed, so listings name them from memory instead of
    /// joining every row; an id not seen yet (another replica made it, say) reloads the table.
    private let genreNames = Mutex<[Int: String]>([:])

    /// Connects lazily: nothing is sent to the server until the first call (normally `migrate()`).
    ///
    /// - Parameters:
    ///   - url: `postgres://USER:PASSWORD@HOST:PORT/DATABASE`, optionally with `?sslmode=` and `connect_timeout=`.
    ///   - maximumConnections: this replica's share of the server's `max_connections`.
    public init(url: String, logger: Logger, maximumConnections: Int = 10) throws(CatalogError) {
        let location = try PostgresLocation(url: url)
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = max(1, maximumConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.location = location
        self.client = client
        self.logger = logger
        runTask = Task { await client.run() }
    }

    deinit {
        runTask.cancel()
    }

    /// Closes the pool's connections. Calls made afterwards fail as `.unavailable`.
    public func close() {
        runTask.cancel()
    }

    public var description: String { "PostgreSQL \(location)" }

    /// Migrates over a connection of its own, outside the pool: a server that cannot be reached, or refuses
    /// the login, is reported at once instead of after the pool's retries.
    public func migrate() async throws(CatalogError) {
        let connection = try await connectDirectly()
        do {
            try await PostgresSchema.migrate(connection, logger: logger)
        } catch {
            try? await connection.close()
            throw wrap(error, "migrate", table: "catalog_migrations")
        }
        try? await connection.close()
    }

    // MARK: Genres

    public func genres() async throws(CatalogError) -> [Genre] {
        try await read("list genres", table: "genres") { connection, logger in
            var genres: [Genre] = []
            let rows = try await connection.query(
                """
                SELECT g.genreid, g.genre, (SELECT COUNT(*) FROM songs s WHERE s.genreid = g.genreid)
                FROM genres g ORDER BY g.genreid
                """,
                logger: logger)
            for try await row in rows {
                var cells = Cells(row)
                genres.append(Genre(genreid: try cells.next(), genre: try cells.next(), songs: try cells.next()))
            }
            return genres
        }
    }

    public func genre(for reference: GenreReference, create: Bool) async throws(CatalogError) -> Genre? {
        switch reference {
        case .id(let id):
            return try await read("find genre", table: "genres") { connection, logger in
                try await Self.first(
                    connection.query("SELECT genreid, genre FROM genres WHERE genreid = \(id)", logger: logger))
            }
        case .name(let name):
            let key = SearchKey.fold(name)
            let find = { @Sendable (connection: PostgresConnection, logger: Logger) async throws -> Genre? in
                try await Self.first(
                    connection.query("SELECT genreid, genre FROM genres WHERE genre_key = \(key)", logger: logger))
            }
            if let existing = try await read("find genre", table: "genres", find) { return existing }
            guard create else { return nil }
            return try await transaction("create genre", table: "genres") { connection, logger in
                // Numbering waits for the lock, so two replicas creating different genres cannot both take
                // max + 1; the same name from two replicas meets the unique genre_key and is created once.
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.genreLock))", logger: logger)
                try await connection.query(
                    """
                    INSERT INTO genres (genreid, genre, genre_key)
                    SELECT COALESCE(MAX(genreid), 0) + 1, \(name), \(key) FROM genres
                    ON CONFLICT (genre_key) DO NOTHING
                    """,
                    logger: logger)
                return try await find(connection, logger)
            }
        }
    }

    private static func first(_ rows: PostgresRowSequence) async throws -> Genre? {
        for try await row in rows {
            var cells = Cells(row)
            return Genre(genreid: try cells.next(), genre: try cells.next())
        }
        return nil
    }

    /// Every genre's name, read when a listing meets an id the cache lacks.
    private func reloadGenreNames(_ connection: PostgresConnection, _ logger: Logger) async throws -> [Int: String] {
        var names: [Int: String] = [:]
        for try await row in try await connection.query("SELECT genreid, genre FROM genres", logger: logger) {
            var cells = Cells(row)
            names[try cells.next(Int.self)] = try cells.next(String.self)
        }
        genreNames.withLock { [names] in $0 = names }
        return names
    }

    // MARK: Songs

    public func song(_ id: BundleID) async throws(CatalogError) -> SongRecord? {
        let rows = try await read("find song", table: "songs") { connection, logger in
            try await connection.query(
                """
                SELECT s.id, s.title, s.album, s.artist, s.genreid, g.genre, s.year, s.audio_key, s.cover_key, s.duration,
                    s.size, s.bitrate, s.sample_rate, s.channels, s.metadata_etag, s.audio_etag, s.cover_etag,
                    s.created_at, s.updated_at
                FROM songs s JOIN genres g ON g.genreid = s.genreid WHERE s.id = \(id.rawValue)
                """,
                logger: logger
            ).collect()
        }
        guard let row = rows.first else { return nil }
        var cells = Cells(row)
        var rawID = ""
        do {
            rawID = try cells.next()
            return SongRecord(
                id: try BundleID(validating: rawID), title: try cells.next(), album: try cells.next(), artist: try cells.next(),
                genreID: try cells.next(), genreName: try cells.next(), year: try cells.next(),
                audioKey: try ObjectKey(validating: cells.next()),
                coverKey: try cells.next(String?.self).map { raw throws(KeyError) in try ObjectKey(validating: raw) },
                duration: try cells.next(), size: try cells.next(), bitrate: try cells.next(), sampleRate: try cells.next(),
                channels: try cells.next(), metadataETag: try cells.next(), audioETag: try cells.next(), coverETag: try cells.next(),
                createdAt: Date(timeIntervalSince1970: try cells.next()), updatedAt: Date(timeIntervalSince1970: try cells.next()))
        } catch let error as PostgresDecodingError {
            throw wrap(error, "find song", table: "songs")
        } catch let error as CatalogError {
            throw error
        } catch {
            throw .corruptRow(table: "songs", detail: "song \(rawID): \(error)")
        }
    }

    public func songs(
        matching filter: SongFilter,
        after cursor: SongCursor?,
        offset: Int,
        limit: Int
    ) async throws(CatalogError) -> [SongListing] {
        var conditions: [String] = []
        var binds = PostgresBindings(capacity: 8)
        /// The placeholder for the value just bound.
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let genreID = filter.genreID { conditions.append("genreid = \(bind(genreID))") }
        if let artistKey = filter.artistKey { conditions.append("artist_key = \(bind(artistKey))") }
        if let albumKey = filter.albumKey { conditions.append("album_key = \(bind(albumKey))") }
        for word in filter.searchWords { conditions.append("strpos(search_text, \(bind(word))) > 0") }
        if let cursor { conditions.append("(sort_title, id) > (\(bind(cursor.sortTitle)), \(bind(cursor.id)))") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT id, title, album, artist, genreid, year, audio_key, cover_key, duration, bitrate
            FROM songs \(whereClause) ORDER BY sort_title, id LIMIT \(bind(limit)) OFFSET \(bind(offset))
            """
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read("list songs", table: "songs") { connection, logger in
            var names = self.genreNames.withLock { $0 }
            var page: [SongListing] = []
            page.reserveCapacity(min(limit, 1000))
            let rows = try await connection.query(query, logger: logger)
            for try await row in rows {
                var cells = Cells(row)
                let (id, title, album, artist, genreID): (String, String, String, String, Int) =
                    (try cells.next(), try cells.next(), try cells.next(), try cells.next(), try cells.next())
                page.append(
                    SongListing(
                        id: id, title: title, album: album, artist: artist, genre: names[genreID] ?? "", genreID: genreID,
                        year: try cells.next(), audioKey: try cells.next(), coverKey: try cells.next(), duration: try cells.next(),
                        bitrate: try cells.next()))
            }
            // Named after the rows are in: the connection answers one query at a time.
            if page.contains(where: { names[$0.genreID] == nil }) {
                names = try await self.reloadGenreNames(connection, logger)
                for index in page.indices { page[index].genre = names[page[index].genreID] ?? "" }
            }
            return page
        }
    }

    public func songIDs(after: BundleID?, limit: Int) async throws(CatalogError) -> [BundleID] {
        let raw = try await read("list song ids", table: "songs") { connection, logger in
            var ids: [String] = []
            let rows = try await connection.query(
                "SELECT id FROM songs WHERE id > \(after?.rawValue ?? "") ORDER BY id LIMIT \(limit)", logger: logger)
            for try await id in rows.decode(String.self) { ids.append(id) }
            return ids
        }
        return try raw.map { id throws(CatalogError) in
            do { return try BundleID(validating: id) } catch { throw .corruptRow(table: "songs", detail: "id \(id): \(error)") }
        }
    }

    public func songCount() async throws(CatalogError) -> Int {
        try await read("count songs", table: "songs") { connection, logger in
            for try await count in try await connection.query("SELECT COUNT(*) FROM songs", logger: logger).decode(Int.self) {
                return count
            }
            return 0
        }
    }

    public func upsert(_ song: SongRecord) async throws(CatalogError) {
        // One statement, so one transaction: the problem goes exactly when the song arrives. A replica that
        // loses the race to insert the same id updates the winner's row instead.
        let query: PostgresQuery = """
            WITH cleared AS (DELETE FROM problems WHERE subject = \(song.id.rawValue))
            INSERT INTO songs (id, title, album, artist, genreid, year, audio_key, cover_key, duration, size,
                bitrate, sample_rate, channels, metadata_etag, audio_etag, cover_etag, sort_title, artist_key,
                album_key, search_text, created_at, updated_at)
            VALUES (\(song.id.rawValue), \(song.title), \(song.album), \(song.artist), \(song.genreID), \(song.year),
                \(song.audioKey.name), \(song.coverKey?.name), \(song.duration), \(song.size), \(song.bitrate),
                \(song.sampleRate), \(song.channels), \(song.metadataETag), \(song.audioETag), \(song.coverETag),
                \(song.sortTitle), \(song.artistKey), \(song.albumKey), \(song.searchText),
                \(song.createdAt.timeIntervalSince1970), \(song.updatedAt.timeIntervalSince1970))
            ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, album = excluded.album, artist = excluded.artist,
                genreid = excluded.genreid, year = excluded.year, audio_key = excluded.audio_key,
                cover_key = excluded.cover_key, duration = excluded.duration, size = excluded.size,
                bitrate = excluded.bitrate, sample_rate = excluded.sample_rate, channels = excluded.channels,
                metadata_etag = excluded.metadata_etag, audio_etag = excluded.audio_etag,
                cover_etag = excluded.cover_etag, sort_title = excluded.sort_title,
                artist_key = excluded.artist_key, album_key = excluded.album_key,
                search_text = excluded.search_text, updated_at = excluded.updated_at
            """
        try await write("store song", table: "songs", query)
    }

    public func removeSong(_ id: BundleID) async throws(CatalogError) {
        try await write("remove song", table: "songs", "DELETE FROM songs WHERE id = \(id.rawValue)")
    }

    // MARK: Problems

    public func record(_ problem: ProblemRecord) async throws(CatalogError) {
        try await write(
            "record problem", table: "problems",
            """
            INSERT INTO problems (subject, state, reason, since)
            VALUES (\(problem.subject), \(problem.state.rawValue), \(problem.reason), \(problem.since.timeIntervalSince1970))
            ON CONFLICT (subject) DO UPDATE SET
                since = CASE WHEN problems.state = excluded.state THEN problems.since ELSE excluded.since END,
                state = excluded.state, reason = excluded.reason
            """)
    }

    public func clearProblem(_ subject: String) async throws(CatalogError) {
        try await write("clear problem", table: "problems", "DELETE FROM problems WHERE subject = \(subject)")
    }

    public func problem(_ subject: String) async throws(CatalogError) -> ProblemRecord? {
        try await problems("find problem", "SELECT subject, state, reason, since FROM problems WHERE subject = \(subject)").first
    }

    public func problems() async throws(CatalogError) -> [ProblemRecord] {
        try await problems("list problems", "SELECT subject, state, reason, since FROM problems ORDER BY since, subject")
    }

    private func problems(_ operation: String, _ query: PostgresQuery) async throws(CatalogError) -> [ProblemRecord] {
        let rows = try await read(operation, table: "problems") { connection, logger in
            var rows: [(String, String, String, Double)] = []
            for try await row in try await connection.query(query, logger: logger) {
                var cells = Cells(row)
                rows.append((try cells.next(), try cells.next(), try cells.next(), try cells.next()))
            }
            return rows
        }
        return try rows.map { subject, rawState, reason, since throws(CatalogError) in
            guard let state = BundleState(rawValue: rawState) else {
                throw .corruptRow(table: "problems", detail: "unknown state \(rawState)")
            }
            return ProblemRecord(subject: subject, state: state, reason: reason, since: Date(timeIntervalSince1970: since))
        }
    }

    /// A row's cells, read in order. postgres-nio's tuple `decode` is built on parameter packs, which are not
    /// specialised across the module boundary: looking up tuple metadata per row cost more than the decoding.
    private struct Cells {
        private var cells: PostgresRow.Iterator

        init(_ row: PostgresRow) {
            cells = row.makeIterator()
        }

        mutating func next<Value: PostgresDecodable>(_: Value.Type = Value.self) throws -> Value {
            guard let cell = cells.next() else { throw CatalogError.corruptRow(table: "result", detail: "fewer columns than asked for") }
            return try cell.decode(Value.self)
        }
    }

    // MARK: Connections

    private typealias Body<T> = @Sendable (PostgresConnection, Logger) async throws -> T

    private func read<T: Sendable>(_ operation: String, table: String, _ body: @escaping Body<T>) async throws(CatalogError) -> T {
        try await withConnection(operation, table: table, body)
    }

    private func write(_ operation: String, table: String, _ query: PostgresQuery) async throws(CatalogError) {
        try await withConnection(operation, table: table) { connection, logger in
            try await connection.query(query, logger: logger)
            return ()
        }
    }

    private func transaction<T: Sendable>(_ operation: String, table: String, _ body: @escaping Body<T>) async throws(CatalogError) -> T {
        try await withConnection(operation, table: table) { connection, logger in
            try await connection.withTransaction(logger: logger) { connection in try await body(connection, logger) }
        }
    }

    /// Runs `body` on a pooled connection, waiting at most the connect timeout for one. The pool on its
    /// own retries a server that refuses connections for a minute before failing the waiting calls; a
    /// request should hear sooner that the catalog is unavailable, and why.
    private func withConnection<T: Sendable>(_ operation: String, table: String, _ body: @escaping Body<T>) async throws(CatalogError) -> T {
        let client = self.client
        let logger = self.logger
        let deadline = location.connectTimeout
        let lease = LeaseFlag()
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        lease.taken.store(true, ordering: .relaxed)
                        return try await body(connection, logger)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    if lease.taken.load(ordering: .relaxed) { return nil }
                    throw LeaseTimeout()
                }
                for try await case let value? in group {
                    group.cancelAll()
                    return value
                }
                throw CancellationError()  // unreachable: the body either returns a value or throws
            }
        } catch is LeaseTimeout {
            throw .unavailable(location: description, reason: await whyNoConnection())
        } catch let error as ConnectionPoolError where error == .connectionCreationCircuitBreakerTripped {
            throw .unavailable(location: description, reason: await whyNoConnection())
        } catch {
            throw wrap(error, operation, table: table)
        }
    }

    /// Set once the pool hands over a connection, so the deadline only ever ends a wait for one.
    private final class LeaseFlag: Sendable {
        let taken = Atomic<Bool>(false)
    }

    private struct LeaseTimeout: Error {}

    /// A connection of its own, made now: for migrating, and for finding out why the pool has none to give.
    private func connectDirectly() async throws(CatalogError) -> PostgresConnection {
        let configuration = try location.connectionConfiguration()
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw .unavailable(location: description, reason: Self.reason(error))
        }
    }

    private func whyNoConnection() async -> String {
        do {
            let connection = try await connectDirectly()
            try? await connection.close()
            return "every pooled connection stayed busy for \(location.connectTimeout)"
        } catch {
            if case .unavailable(_, let reason) = error { return reason }
            return error.description
        }
    }

    // MARK: Error mapping

    private func wrap(_ error: any Error, _ operation: String, table: String) -> CatalogError {
        switch error {
        case let error as CatalogError:
            return error
        case let error as PostgresTransactionError:
            if let cause = error.beginError ?? error.closureError ?? error.commitError { return wrap(cause, operation, table: table) }
            return .database(operation: operation, code: "unknown", message: "the transaction failed")
        case let error as PSQLError:
            // A server error carries its SQLSTATE; anything else happened on the way to the server.
            if let info = error.serverInfo, let state = info[.sqlState], error.code == .server {
                return .database(operation: operation, code: state, message: Self.message(info))
            }
            if error.code == .queryCancelled {
                return .database(operation: operation, code: "cancelled", message: "the call was cancelled")
            }
            return .unavailable(location: description, reason: Self.reason(error))
        case let error as ConnectionPoolError:
            if error == .requestCancelled {
                return .database(operation: operation, code: "cancelled", message: "the call was cancelled")
            }
            return .unavailable(location: description, reason: error == .poolShutdown ? "the catalog was shut down" : "\(error)")
        case let error as PostgresDecodingError:
            return .corruptRow(
                table: table,
                detail: "column \(error.columnName) holds \(error.postgresType), not \(error.targetType) (\(error.code))")
        case is CancellationError:
            return .database(operation: operation, code: "cancelled", message: "the call was cancelled")
        default:
            return .database(operation: operation, code: "unknown", message: "\(error)")
        }
    }

    /// The server's message, and its detail when it gives one ("Key (genreid)=(99) is not present…").
    private static func message(_ info: PSQLError.ServerInfo) -> String {
        let message = info[.message] ?? "no message"
        guard let detail = info[.detail], !detail.isEmpty else { return message }
        return "\(message): \(detail)"
    }

    /// Why a connection failed, for a person. `PSQLError.description` is a fixed placeholder ("PSQLError –
    /// Generic description…"), so the cause is read from its parts.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let info = error.serverInfo {
                return "\(message(info)) (\(info[.sqlState] ?? "no SQLSTATE"))"
            }
            switch error.code {
            case .poolClosed: return "the catalog was shut down"
            case .sslUnsupported: return "the server does not support TLS, which sslmode requires"
            case .serverClosedConnection: return "the server closed the connection"
            default:
                if let underlying = error.underlying { return reason(underlying) }
                return "\(error.code)"
            }
        case let error as NIOConnectionError:
            // The address tried, as a host name may resolve to one nobody expected.
            let failures = error.connectionErrors.map { "\(reason($0.error)) (\($0.target.ipAddress ?? "\($0.target)"))" }
            return failures.isEmpty ? "cannot resolve \(error.host)" : failures.joined(separator: "; ")
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case let error as ChannelError:
            if case .connectTimeout(let timeout) = error { return "no connection within \(timeout)" }
            return "\(error)"
        default:
            return "\(error)"
        }
    }
}
