import LibraryModel

/// One numbered change to the catalog's schema, applied once per database and recorded in
/// `catalog_migrations` (named for this catalog, so a database shared with other tools keeps theirs apart).
struct CatalogMigration: Sendable {
    var version: Int
    var name: String
    var steps: [SchemaStep]
}

/// The catalog's schema, written once for every engine. Each migration only ever adds; a database made by
/// an older TermPlayer is brought up to date in place.
enum CatalogSchema {
    /// Folded text keys are at most as long as the text they fold (`BundleMetadata.maximumTextLength`).
    static let textKey = SQLColumnType.key(maxLength: BundleMetadata.maximumTextLength)
    static let idKey = SQLColumnType.key(maxLength: 128)

    static let migrationsTable = SQLTable(
        "catalog_migrations",
        columns: [SQLColumn("version", .integer), SQLColumn("name", .text), SQLColumn("applied_at", .timestamp)],
        primaryKey: ["version"])

    static let migrations: [CatalogMigration] = [
        CatalogMigration(
            version: 1, name: "genres, songs, problems",
            steps: [
                // Ids are handed out as max + 1 under `SQLLock.genres`, not by a sequence, so they stay dense
                // whichever engine and however many replicas: a sequence would burn a number on every lost race.
                .table(
                    SQLTable(
                        "genres",
                        columns: [SQLColumn("genreid", .integer), SQLColumn("genre", .text), SQLColumn("genre_key", .key(maxLength: 256))],
                        primaryKey: ["genreid"], unique: [["genre_key"]])),
                // Kept in title order (clustered by sort_title, then id), so a listing walks the table's own
                // pages in order. Keys compare bytewise on every engine, so title order and the
                // (sort_title, id) cursor agree everywhere with the folded keys the service computes. Times
                // are seconds since 1970, so a Date reads back exactly as written.
                .table(
                    SQLTable(
                        "songs",
                        columns: [
                            SQLColumn("sort_title", textKey), SQLColumn("id", idKey), SQLColumn("title", .text),
                            SQLColumn("album", .text), SQLColumn("artist", .text), SQLColumn("genreid", .integer),
                            SQLColumn("year", .integer, nullable: true), SQLColumn("audio_key", .text),
                            SQLColumn("cover_key", .text, nullable: true), SQLColumn("duration", .real), SQLColumn("size", .integer),
                            SQLColumn("bitrate", .integer), SQLColumn("sample_rate", .integer), SQLColumn("channels", .integer),
                            SQLColumn("metadata_etag", .text), SQLColumn("audio_etag", .text),
                            SQLColumn("cover_etag", .text, nullable: true), SQLColumn("artist_key", textKey),
                            SQLColumn("album_key", textKey), SQLColumn("search_text", .text), SQLColumn("created_at", .real),
                            SQLColumn("updated_at", .real),
                        ],
                        primaryKey: ["sort_title", "id"],
                        foreignKeys: [SQLForeignKey(["genreid"], references: "genres", ["genreid"])],
                        clustered: true)),
                .index(SQLIndex("songs_by_id", on: "songs", ["id"], unique: true)),
                // Each filter's index ends with the listing order, so a page is a range scan that stops
                // after LIMIT rows, with no sort.
                .index(SQLIndex("songs_by_genre", on: "songs", ["genreid", "sort_title", "id"])),
                .index(SQLIndex("songs_by_artist", on: "songs", ["artist_key", "sort_title", "id"])),
                .index(SQLIndex("songs_by_album", on: "songs", ["album_key", "sort_title", "id"])),
                .table(
                    SQLTable(
                        "problems",
                        columns: [SQLColumn("subject", .key(maxLength: 1024)), SQLColumn("state", .text), SQLColumn("reason", .text), SQLColumn("since", .real)],
                        primaryKey: ["subject"])),
            ]
                + Genre.seeded.map { genre in
                    .statement(
                        "INSERT INTO genres (genreid, genre, genre_key) VALUES (\(genre.genreid), \(genre.genre), \(SearchKey.fold(genre.genre)))")
                }
        )
    ]
}
