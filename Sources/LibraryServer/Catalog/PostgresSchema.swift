import LibraryModel
import Logging
import PostgresNIO

/// The PostgreSQL catalog's schema: numbered migrations, each applied once and recorded in
/// `catalog_migrations` (named for this catalog, so a database shared with other tools keeps their
/// `schema_migrations` apart).
enum PostgresSchema {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var statements: [PostgresQuery]
    }

    /// Advisory lock keys, per database. Replicas starting together migrate one at a time under the first;
    /// genre ids are handed out under the second.
    static let migrationLock: Int64 = 0x7465_726D_6D69_6731  // "termmig1"
    static let genreLock: Int64 = 0x7465_726D_6765_6E31  // "termgen1"

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "genres, songs, problems",
            statements: [
                // Ids are handed out as max + 1 under `genreLock`, not by a sequence, so they stay dense like
                // SQLite's: a sequence would burn a number on every lost race between replicas.
                """
                CREATE TABLE genres (
                    genreid bigint PRIMARY KEY,
                    genre text NOT NULL,
                    genre_key text NOT NULL UNIQUE
                )
                """,
                // Keys compare bytewise (COLLATE "C") whatever the database's locale, so title order and the
                // (sort_title, id) cursor agree with SQLite's and with the folded keys the server computes.
                // Times are seconds since 1970 as in SQLite, so a Date reads back exactly as written.
                """
                CREATE TABLE songs (
                    id text COLLATE "C" PRIMARY KEY,
                    sort_title text COLLATE "C" NOT NULL,
                    title text NOT NULL,
                    album text NOT NULL,
                    artist text NOT NULL,
                    genreid bigint NOT NULL REFERENCES genres(genreid),
                    year bigint,
                    audio_key text NOT NULL,
                    cover_key text,
                    duration double precision NOT NULL,
                    size bigint NOT NULL,
                    bitrate bigint NOT NULL,
                    sample_rate bigint NOT NULL,
                    channels bigint NOT NULL,
                    metadata_etag text NOT NULL,
                    audio_etag text NOT NULL,
                    cover_etag text,
                    artist_key text COLLATE "C" NOT NULL,
                    album_key text COLLATE "C" NOT NULL,
                    search_text text NOT NULL,
                    created_at double precision NOT NULL,
                    updated_at double precision NOT NULL
                )
                """,
                // Every listing is in (sort_title, id) order: each filter's index ends with those columns, so a
                // page is an index range scan that stops after LIMIT rows, with no sort.
                "CREATE UNIQUE INDEX songs_by_title ON songs (sort_title, id)",
                "CREATE INDEX songs_by_genre ON songs (genreid, sort_title, id)",
                "CREATE INDEX songs_by_artist ON songs (artist_key, sort_title, id)",
                "CREATE INDEX songs_by_album ON songs (album_key, sort_title, id)",
                """
                CREATE TABLE problems (
                    subject text COLLATE "C" PRIMARY KEY,
                    state text NOT NULL,
                    reason text NOT NULL,
                    since double precision NOT NULL
                )
                """,
            ]
                + Genre.seeded.map { genre in
                    """
                    INSERT INTO genres (genreid, genre, genre_key) VALUES (\(genre.genreid), \(genre.genre), \(SearchKey.fold(genre.genre)))
                    ON CONFLICT DO NOTHING
                    """
                }
        )
    ]

    /// Applies the migrations `connection`'s database lacks, in one transaction under `migrationLock`:
    /// a replica that waited for the lock finds the work done. Newer versions than this build knows are left alone.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            // The lock comes first: two concurrent CREATE TABLE IF NOT EXISTS can still collide.
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS catalog_migrations (
                    version bigint PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM catalog_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                logger.info("migrating the PostgreSQL catalog", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO catalog_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
            }
        }
    }
}
