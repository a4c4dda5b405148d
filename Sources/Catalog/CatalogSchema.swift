import Foundation
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
                // Ids are handed out as max + 1 under a lock (`SQLLock.changes` today), not by a sequence, so they stay dense
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
        ),
        CatalogMigration(
            version: 2, name: "listeners: users, credentials, marks, plays, playlists",
            steps: [
                .table(
                    SQLTable(
                        "users",
                        columns: [
                            SQLColumn("id", idKey), SQLColumn("name", .text), SQLColumn("name_key", .key(maxLength: 256)),
                            SQLColumn("is_admin", .integer), SQLColumn("is_local", .integer),
                            SQLColumn("password_hash", .text, nullable: true), SQLColumn("password_sealed", .text, nullable: true),
                            SQLColumn("shares_listening", .integer), SQLColumn("created_at", .real),
                        ],
                        primaryKey: ["id"], unique: [["name_key"]])),
                // The machine owner's listener exists from the start, so likes made before any account was
                // created belong to someone, and keep belonging to them afterwards.
                .statement(
                    """
                    INSERT INTO users (id, name, name_key, is_admin, is_local, shares_listening, created_at)
                    VALUES (\(UserRecord.localID), 'local', 'local', 0, 1, 1, \(Date().timeIntervalSince1970))
                    """),
                .table(
                    SQLTable(
                        "credentials",
                        columns: [
                            SQLColumn("id", idKey), SQLColumn("user_id", idKey), SQLColumn("kind", .text), SQLColumn("name", .text),
                            SQLColumn("secret_hash", .text), SQLColumn("created_at", .real), SQLColumn("expires_at", .real, nullable: true),
                        ],
                        primaryKey: ["id"], foreignKeys: [SQLForeignKey(["user_id"], references: "users", ["id"], cascades: true)])),
                .index(SQLIndex("credentials_by_user", on: "credentials", ["user_id", "kind"])),
                // One row per listener and song: what the listings show beside each song. Play counts are
                // kept here, recomputed from `plays` whenever a play of the song arrives, so listings never
                // count plays. Song ids are not foreign keys: marks outlive a deleted song and apply again
                // when its bundle is uploaded anew.
                .table(
                    SQLTable(
                        "song_marks",
                        columns: [
                            SQLColumn("user_id", idKey), SQLColumn("song_id", idKey), SQLColumn("liked_at", .real, nullable: true),
                            SQLColumn("rating", .integer, nullable: true), SQLColumn("rated_at", .real, nullable: true),
                            SQLColumn("play_count", .integer, default: "0"), SQLColumn("skip_count", .integer, default: "0"),
                            SQLColumn("last_played", .real, nullable: true),
                        ],
                        primaryKey: ["user_id", "song_id"],
                        foreignKeys: [SQLForeignKey(["user_id"], references: "users", ["id"], cascades: true)], clustered: true)),
                .index(SQLIndex("song_marks_by_liked", on: "song_marks", ["user_id", "liked_at"])),
                .index(SQLIndex("song_marks_by_plays", on: "song_marks", ["user_id", "play_count"])),
                .index(SQLIndex("song_marks_by_last_played", on: "song_marks", ["user_id", "last_played"])),
                .index(SQLIndex("song_marks_by_rating", on: "song_marks", ["user_id", "rating"])),
                // Every play, newest last in the key: a listener's history is a range of it.
                .table(
                    SQLTable(
                        "plays",
                        columns: [
                            SQLColumn("user_id", idKey), SQLColumn("started_at", .real), SQLColumn("song_id", idKey),
                            SQLColumn("played", .real), SQLColumn("counted", .integer), SQLColumn("skipped", .integer),
                            SQLColumn("client", .text),
                        ],
                        primaryKey: ["user_id", "started_at", "song_id"],
                        foreignKeys: [SQLForeignKey(["user_id"], references: "users", ["id"], cascades: true)], clustered: true)),
                // Covers the recount of a song's plays, so every engine reads it from this index alone
                // (SQLite without statistics otherwise walks all of the listener's plays by primary key).
                .index(SQLIndex("plays_by_song", on: "plays", ["user_id", "song_id", "counted", "skipped", "started_at"])),
                .table(
                    SQLTable(
                        "playlists",
                        columns: [
                            SQLColumn("id", idKey), SQLColumn("owner_id", idKey), SQLColumn("name", .text),
                            SQLColumn("name_key", .key(maxLength: 256)), SQLColumn("description", .text), SQLColumn("is_public", .integer),
                            SQLColumn("version", .integer), SQLColumn("created_at", .real), SQLColumn("updated_at", .real),
                        ],
                        primaryKey: ["id"], unique: [["owner_id", "name_key"]],
                        foreignKeys: [SQLForeignKey(["owner_id"], references: "users", ["id"], cascades: true)])),
                // Entries have ids of their own (the same song may be in a list twice) and dense 1-based
                // positions, with no uniqueness on position: a move shifts a run of them in one statement.
                .table(
                    SQLTable(
                        "playlist_items",
                        columns: [
                            SQLColumn("playlist_id", idKey), SQLColumn("entry_id", .integer), SQLColumn("position", .integer),
                            SQLColumn("song_id", idKey), SQLColumn("added_at", .real),
                        ],
                        primaryKey: ["playlist_id", "entry_id"],
                        foreignKeys: [SQLForeignKey(["playlist_id"], references: "playlists", ["id"], cascades: true)], clustered: true)),
                .index(SQLIndex("playlist_items_in_order", on: "playlist_items", ["playlist_id", "position"])),
                // "Recently added", newest first.
                .index(SQLIndex("songs_by_created", on: "songs", ["created_at"])),
            ]
        ),
        CatalogMigration(
            version: 3, name: "the change feed",
            steps: [
                // One row per change a client can see, numbered max + 1 under `SQLLock.changes`, so positions
                // follow commit order on every engine and replica. `user_id` is set for what only that
                // listener sees (their marks, a private playlist), NULL for everyone's. What changed is read
                // back from the subject's current row, so a row is small and repeats are harmless.
                .table(
                    SQLTable(
                        "changes",
                        columns: [
                            SQLColumn("position", .integer), SQLColumn("at", .real), SQLColumn("kind", .key(maxLength: 16)),
                            SQLColumn("subject", idKey), SQLColumn("user_id", idKey, nullable: true),
                        ],
                        primaryKey: ["position"])),
            ]
        ),
        CatalogMigration(
            version: 4, name: "the catalog's identity",
            steps: [
                // One row, made with the catalog (or on upgrade), so every replica reports the same identity and a
                // client's cache of this catalog is never taken for another's. The UUID is drawn when the step runs:
                // a replica that loses the race to migrate rolls its own back with the migration's record.
                .table(SQLTable("catalog_identity", columns: [SQLColumn("one", .integer), SQLColumn("id", idKey)], primaryKey: ["one"])),
                .made { ["INSERT INTO catalog_identity (one, id) VALUES (1, \(UUID().uuidString.lowercased()))"] },
            ]
        ),
        CatalogMigration(
            version: 5, name: "indexes for paging by offset and numbering tracks",
            steps: [
                // The title order's keys alone: a page at an OFFSET (Subsonic clients page so) skips these
                // narrow entries instead of the clustered table's whole rows, a tenth of the bytes.
                .index(SQLIndex("songs_in_title_order", on: "songs", ["sort_title", "id"])),
                // A song's track number is its rank among its album's songs; with the artist in the index the
                // count never reads a row (songs_by_album alone sought every song of a same-named album).
                .index(SQLIndex("songs_by_album_artist", on: "songs", ["album_key", "artist_key", "sort_title", "id"])),
            ]
        ),
    ]
}
