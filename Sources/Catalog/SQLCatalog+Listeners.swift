public import Foundation
public import LibraryModel

/// Listeners' accounts, marks, plays and playlists, on the same engine-neutral SQL as the library.
extension SQLCatalog {
    /// Rows per multi-row `INSERT` and ids per `IN (…)`: well inside every engine's limit on bound values.
    static let batchSize = 500

    // MARK: Accounts

    private static let userColumns = "id, name, is_admin, is_local, password_hash, password_sealed, shares_listening, created_at"

    public func users() async throws(CatalogError) -> [UserRecord] {
        try await engine.fetch("SELECT \(raw: Self.userColumns) FROM users ORDER BY name_key", SQLContext("list users", table: "users"), decode: Self.decodeUser)
    }

    public func user(id: String) async throws(CatalogError) -> UserRecord? {
        try await engine.fetch("SELECT \(raw: Self.userColumns) FROM users WHERE id = \(id)", SQLContext("find user", table: "users"), decode: Self.decodeUser).first
    }

    public func user(named name: String) async throws(CatalogError) -> UserRecord? {
        try await engine.fetch(
            "SELECT \(raw: Self.userColumns) FROM users WHERE name_key = \(SearchKey.fold(name))", SQLContext("find user", table: "users"),
            decode: Self.decodeUser
        ).first
    }

    public func accountCount() async throws(CatalogError) -> Int {
        try await count("SELECT COUNT(*) FROM users WHERE is_local = 0", SQLContext("count users", table: "users"))
    }

    public func createUser(_ user: UserRecord) async throws(CatalogError) {
        let statement: SQL = """
            INSERT INTO users (id, name, name_key, is_admin, is_local, password_hash, password_sealed, shares_listening, created_at)
            VALUES (\(user.id), \(user.name), \(SearchKey.fold(user.name)), \(user.isAdmin), \(user.isLocal), \(user.passwordHash),
                \(user.sealedPassword), \(user.sharesListening), \(user.createdAt.timeIntervalSince1970))
            """
        do throws(CatalogError) {
            try await engine.transaction([SQLStep(statement)], lock: nil, SQLContext("add user", table: "users"))
        } catch where error.brokenConstraint == .unique {
            throw .conflict("there is already a listener named \(user.name)")
        }
    }

    public func setPassword(userID: String, hash: String, sealed: String?) async throws(CatalogError) {
        try await engine.transaction(
            [
                SQLStep(
                    "UPDATE users SET password_hash = \(hash), password_sealed = \(sealed) WHERE id = \(userID)", expecting: 1...1,
                    otherwise: .notFound("no listener with id \(userID)")),
                SQLStep("DELETE FROM credentials WHERE user_id = \(userID) AND kind = \(CredentialRecord.Kind.session.rawValue)"),
            ],
            lock: nil, SQLContext("set password", table: "users"))
    }

    public func removeUser(id: String) async throws(CatalogError) {
        try await engine.transaction(
            [
                SQLStep("DELETE FROM plays WHERE user_id = \(id)"),
                SQLStep("DELETE FROM song_marks WHERE user_id = \(id)"),
                SQLStep("DELETE FROM playlist_items WHERE playlist_id IN (SELECT id FROM playlists WHERE owner_id = \(id))"),
                SQLStep("DELETE FROM playlists WHERE owner_id = \(id)"),
                SQLStep("DELETE FROM credentials WHERE user_id = \(id)"),
                // The local listener is the machine owner's, and stays.
                SQLStep("DELETE FROM users WHERE id = \(id) AND is_local = 0", expecting: 1...1, otherwise: .notFound("no listener with id \(id)")),
            ],
            lock: nil, SQLContext("remove user", table: "users"))
    }

    // MARK: Credentials

    private static let credentialColumns = "id, user_id, kind, name, secret_hash, created_at, expires_at"

    public func addCredential(_ credential: CredentialRecord) async throws(CatalogError) {
        try await engine.transaction(
            [
                SQLStep(
                    """
                    INSERT INTO credentials (id, user_id, kind, name, secret_hash, created_at, expires_at)
                    VALUES (\(credential.id), \(credential.userID), \(credential.kind.rawValue), \(credential.name), \(credential.secretHash),
                        \(credential.createdAt.timeIntervalSince1970), \(credential.expiresAt?.timeIntervalSince1970))
                    """)
            ],
            lock: nil, SQLContext("add credential", table: "credentials"))
    }

    public func credential(id: String) async throws(CatalogError) -> CredentialRecord? {
        try await engine.fetch(
            "SELECT \(raw: Self.credentialColumns) FROM credentials WHERE id = \(id)", SQLContext("find credential", table: "credentials"),
            decode: Self.decodeCredential
        ).first
    }

    public func credentials(userID: String, kind: CredentialRecord.Kind) async throws(CatalogError) -> [CredentialRecord] {
        try await engine.fetch(
            "SELECT \(raw: Self.credentialColumns) FROM credentials WHERE user_id = \(userID) AND kind = \(kind.rawValue) ORDER BY created_at, id",
            SQLContext("list credentials", table: "credentials"), decode: Self.decodeCredential)
    }

    public func removeCredential(id: String, userID: String) async throws(CatalogError) -> Bool {
        let changes = try await engine.transaction(
            [SQLStep("DELETE FROM credentials WHERE id = \(id) AND user_id = \(userID)")], lock: nil,
            SQLContext("remove credential", table: "credentials"))
        return changes.first == 1
    }

    public func removeExpiredCredentials(before date: Date) async throws(CatalogError) {
        try await engine.transaction(
            [SQLStep("DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at < \(date.timeIntervalSince1970)")], lock: nil,
            SQLContext("remove expired credentials", table: "credentials"))
    }

    // MARK: Likes and ratings

    @discardableResult
    public func setLiked(_ liked: Bool, songID: String, userID: String, at date: Date) async throws(CatalogError) -> Date? {
        let context = SQLContext(liked ? "like" : "unlike", table: "song_marks")
        guard liked else {
            try await engine.transaction(
                [
                    SQLStep("UPDATE song_marks SET liked_at = NULL WHERE user_id = \(userID) AND song_id = \(songID)"),
                    recordChange(.marks, songID, for: userID),
                ], lock: .changes, context)
            return nil
        }
        // Liking again keeps the first time.
        let keepFirst: SQL = "COALESCE(\(raw: dialect.existing("liked_at", of: "song_marks")), \(raw: dialect.incoming("liked_at")))"
        try await engine.transaction(
            [
                SQLStep(
                    dialect.upsert(
                        into: "song_marks", columns: ["user_id", "song_id", "liked_at"],
                        values: ["\(userID)", "\(songID)", "\(date.timeIntervalSince1970)"], conflictingOn: ["user_id", "song_id"],
                        updating: [("liked_at", keepFirst)])),
                recordChange(.marks, songID, for: userID),
            ], lock: .changes, context)
        return try await marks(userID: userID, songIDs: [songID])[songID]?.likedAt
    }

    public func setRating(_ rating: Int, songID: String, userID: String, at date: Date) async throws(CatalogError) {
        guard (0...5).contains(rating) else { throw .invalid("a rating is 0 to 5 stars, not \(rating)") }
        let stars: Int? = rating == 0 ? nil : rating
        let ratedAt: Double? = rating == 0 ? nil : date.timeIntervalSince1970
        try await engine.transaction(
            [
                SQLStep(
                    dialect.upsert(
                        into: "song_marks", columns: ["user_id", "song_id", "rating", "rated_at"],
                        values: ["\(userID)", "\(songID)", "\(stars)", "\(ratedAt)"], conflictingOn: ["user_id", "song_id"],
                        updating: dialect.takingIncoming(["rating", "rated_at"]))),
                recordChange(.marks, songID, for: userID),
            ], lock: .changes, SQLContext("rate", table: "song_marks"))
    }

    public func marks(userID: String, songIDs: [String]?) async throws(CatalogError) -> [String: SongMarks] {
        let context = SQLContext("read marks", table: "song_marks")
        let select: SQL = "SELECT song_id, \(raw: Self.markColumns("song_marks")) FROM song_marks WHERE user_id = \(userID)"
        let decode: @Sendable (inout any SQLRowReader) throws(CatalogError) -> (String, SongMarks) = { row throws(CatalogError) in
            (try row.text(), try Self.decodeMarks(&row))
        }
        var pairs: [(String, SongMarks)] = []
        if let songIDs {
            for chunk in songIDs.chunked(Self.batchSize) {
                pairs += try await engine.fetch(select + " AND song_id IN (\(list: chunk))", context, decode: decode)
            }
        } else {
            pairs = try await engine.fetch(select, context, decode: decode)
        }
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Plays

    public func recordPlays(_ plays: [PlayRecord]) async throws(CatalogError) -> Int {
        var added = 0
        for chunk in plays.chunked(Self.batchSize) {
            let inserts = chunk.map { play in
                SQLStep(
                    dialect.upsert(
                        into: "plays", columns: ["user_id", "started_at", "song_id", "played", "counted", "skipped", "client"],
                        values: [
                            "\(play.userID)", "\(play.startedAt.timeIntervalSince1970)", "\(play.songID)", "\(play.playedSeconds)",
                            "\(play.counted)", "\(play.skipped)", "\(play.client)",
                        ],
                        conflictingOn: ["user_id", "started_at", "song_id"]))
            }
            // Counts follow from the plays themselves, so a duplicate or a replayed import cannot skew them.
            var songs: [(user: String, song: String)] = []
            var seen = Set<[String]>()
            for play in chunk where seen.insert([play.userID, play.songID]).inserted { songs.append((play.userID, play.songID)) }
            let recounts = songs.map { SQLStep(recountMarks(userID: $0.user, songID: $0.song)) }
            let changes = try await engine.transaction(inserts + recounts, lock: nil, SQLContext("record plays", table: "plays"))
            added += changes.prefix(inserts.count).reduce(0, +)
        }
        return added
    }

    /// One pass over the song's plays in `plays_by_song`: counted ones, skips, and the last start.
    private func recountMarks(userID: String, songID: String) -> SQL {
        dialect.upsert(
            into: "song_marks", columns: ["user_id", "song_id", "play_count", "skip_count", "last_played"],
            select: """
                SELECT \(userID), \(songID), COUNT(CASE WHEN counted = 1 THEN 1 END), COUNT(CASE WHEN skipped = 1 THEN 1 END), MAX(started_at)
                FROM plays WHERE user_id = \(userID) AND song_id = \(songID)
                """,
            conflictingOn: ["user_id", "song_id"], updating: dialect.takingIncoming(["play_count", "skip_count", "last_played"]))
    }

    public func history(userID: String, before: Date?, limit: Int) async throws(CatalogError) -> [(play: PlayRecord, song: SongListing?)] {
        let bound: SQL = before.map { "AND p.started_at < \($0.timeIntervalSince1970)" } ?? ""
        let rows = try await engine.fetch(
            """
            SELECT p.song_id, p.started_at, p.played, p.counted, p.skipped, p.client, \(raw: Self.listingColumns)
            FROM plays p LEFT JOIN songs s ON s.id = p.song_id
            WHERE p.user_id = \(userID) \(bound) ORDER BY p.started_at DESC, p.song_id DESC LIMIT \(limit)
            """,
            SQLContext("read history", table: "plays")
        ) { row throws(CatalogError) in
            let songID = try row.text()
            let play = PlayRecord(
                userID: userID, songID: songID, startedAt: Date(timeIntervalSince1970: try row.real()), playedSeconds: try row.real(),
                counted: try row.flag(), skipped: try row.flag(), client: try row.text())
            return (play: play, song: try Self.decodeOptionalListing(&row))
        }
        let names = try await genreNames(covering: rows.compactMap(\.song?.genreID))
        return rows.map { row in
            var song = row.song
            if let genreID = song?.genreID { song?.genre = names[genreID] ?? "" }
            return (play: row.play, song: song)
        }
    }

    // MARK: Smart lists

    public func smartList(_ list: SmartPlaylist, userID: String, limit: Int) async throws(CatalogError) -> [ListedSong] {
        let fromMarks = "FROM song_marks m LEFT JOIN songs s ON s.id = m.song_id"
        let statement: SQL =
            switch list {
            case .liked:
                "SELECT m.song_id, m.liked_at, \(raw: Self.listingColumns) \(raw: fromMarks) WHERE m.user_id = \(userID) AND m.liked_at IS NOT NULL ORDER BY m.liked_at DESC, m.song_id LIMIT \(limit)"
            case .mostPlayed:
                "SELECT m.song_id, m.last_played, \(raw: Self.listingColumns) \(raw: fromMarks) WHERE m.user_id = \(userID) AND m.play_count > 0 ORDER BY m.play_count DESC, m.last_played DESC, m.song_id LIMIT \(limit)"
            case .recentlyPlayed:
                "SELECT m.song_id, m.last_played, \(raw: Self.listingColumns) \(raw: fromMarks) WHERE m.user_id = \(userID) AND m.last_played IS NOT NULL ORDER BY m.last_played DESC, m.song_id LIMIT \(limit)"
            case .topRated:
                "SELECT m.song_id, m.rated_at, \(raw: Self.listingColumns) \(raw: fromMarks) WHERE m.user_id = \(userID) AND m.rating >= 4 ORDER BY m.rating DESC, m.rated_at DESC, m.song_id LIMIT \(limit)"
            case .recentlyAdded:
                "SELECT s.id, s.created_at, \(raw: Self.listingColumns) FROM songs s ORDER BY s.created_at DESC, s.id LIMIT \(limit)"
            case .neverPlayed:
                """
                SELECT s.id, s.created_at, \(raw: Self.listingColumns) FROM songs s
                WHERE NOT EXISTS (SELECT 1 FROM song_marks m WHERE m.user_id = \(userID) AND m.song_id = s.id AND m.last_played IS NOT NULL)
                ORDER BY s.sort_title, s.id LIMIT \(limit)
                """
            }
        return try await listedSongs(statement, SQLContext("read \(list.rawValue)", table: "song_marks"))
    }

    // MARK: Playlists

    private static let playlistColumns = "p.id, p.owner_id, u.name, p.name, p.description, p.is_public, p.version, p.created_at, p.updated_at"
    /// Count and length come from the entries, so they cannot drift from them.
    private static let playlistTotals = """
        (SELECT COUNT(*) FROM playlist_items i WHERE i.playlist_id = p.id),
        (SELECT COALESCE(SUM(s.duration), 0.0) FROM playlist_items i JOIN songs s ON s.id = i.song_id WHERE i.playlist_id = p.id)
        """

    private func playlists(where condition: SQL, orderBy order: SQL = "p.name_key, p.id", totals: Bool = true) async throws(CatalogError) -> [PlaylistRecord] {
        // Without totals, zeros of the same types (a bound 0.0 is a double everywhere; a literal is not).
        let columns: SQL = totals ? "\(raw: Self.playlistColumns), \(raw: Self.playlistTotals)" : "\(raw: Self.playlistColumns), \(0), \(0.0)"
        return try await engine.fetch(
            "SELECT \(columns) FROM playlists p JOIN users u ON u.id = p.owner_id WHERE \(condition) ORDER BY \(order)",
            SQLContext("read playlists", table: "playlists"), decode: Self.decodePlaylist)
    }

    public func playlists(visibleTo userID: String) async throws(CatalogError) -> [PlaylistRecord] {
        try await playlists(
            where: "p.owner_id = \(userID) OR p.is_public = 1", orderBy: "CASE WHEN p.owner_id = \(userID) THEN 0 ELSE 1 END, p.name_key, p.id")
    }

    public func playlist(id: String) async throws(CatalogError) -> PlaylistRecord? {
        try await playlists(where: "p.id = \(id)").first
    }

    public func playlist(named name: String, ownerID: String) async throws(CatalogError) -> PlaylistRecord? {
        try await playlists(where: "p.owner_id = \(ownerID) AND p.name_key = \(SearchKey.fold(name))").first
    }

    public func playlistWithEntries(id: String, marksOf userID: String?) async throws(CatalogError) -> (playlist: PlaylistRecord, entries: [ListedSong])? {
        guard var playlist = try await playlists(where: "p.id = \(id)", totals: false).first else { return nil }
        let entries = try await playlistEntries(id: id, marksOf: userID)
        playlist.songCount = entries.count
        playlist.duration = entries.reduce(0) { $0 + ($1.song?.duration ?? 0) }
        return (playlist, entries)
    }

    public func playlistEntries(id: String) async throws(CatalogError) -> [ListedSong] {
        try await playlistEntries(id: id, marksOf: nil)
    }

    /// The entries in order, with `userID`'s marks joined in the same query (not a second read of every
    /// mark the listener has), and beside it, on a second connection, each song of the playlist once, found
    /// through `songs_by_id` in id order. Joined row by row, a 10,000-entry playlist sought its songs in
    /// random order, and on SQLite nearly every seek read a page from the file again (a third of the
    /// request); PostgreSQL hashes either way, and answers the two reads at once.
    private func playlistEntries(id: String, marksOf userID: String?) async throws(CatalogError) -> [ListedSong] {
        async let songs = Self.outcome { () async throws(CatalogError) in
            try await self.engine.fetch(
                "\(raw: Self.listingSelect) WHERE id IN (SELECT song_id FROM playlist_items WHERE playlist_id = \(id))",
                SQLContext("read playlist", table: "songs"), decode: Self.decodeListing)
        }
        let marks: (columns: String, join: SQL) =
            if let userID {
                (", " + Self.markColumns("m"), "LEFT JOIN song_marks m ON m.user_id = \(userID) AND m.song_id = i.song_id")
            } else {
                ("", "")
            }
        var entries = try await engine.fetch(
            """
            SELECT i.song_id, i.added_at\(raw: marks.columns) FROM playlist_items i \(marks.join)
            WHERE i.playlist_id = \(id) ORDER BY i.position, i.entry_id
            """,
            SQLContext("read playlist", table: "playlist_items")
        ) { row throws(CatalogError) in
            ListedSong(
                songID: try row.text(), song: nil, at: try row.optionalReal().map(Date.init(timeIntervalSince1970:)),
                marks: userID == nil ? nil : try Self.decodeMarks(&row))
        }
        var byID = Dictionary(try await named(try await songs.get()).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // An entry added while the songs were read, or a song no longer there: asked for again, so only
        // a song gone by now shows as unavailable.
        let missing = Set(entries.lazy.map(\.songID).filter { byID[$0] == nil })
        if !missing.isEmpty {
            for song in try await songListings(ids: Array(missing)) { byID[song.id] = song }
        }
        for index in entries.indices { entries[index].song = byID[entries[index].songID] }
        return entries
    }

    /// `body`'s value or its error, for `async let`, which does not keep an error's type.
    private static func outcome<Value: Sendable>(_ body: @Sendable () async throws(CatalogError) -> Value) async -> Result<Value, CatalogError> {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }

    public func createPlaylist(_ playlist: PlaylistRecord, songIDs: [String]) async throws(CatalogError) -> PlaylistRecord {
        let now = playlist.createdAt.timeIntervalSince1970
        let create = SQLStep(
            """
            INSERT INTO playlists (id, owner_id, name, name_key, description, is_public, version, created_at, updated_at)
            VALUES (\(playlist.id), \(playlist.ownerID), \(playlist.name), \(SearchKey.fold(playlist.name)), \(playlist.description),
                \(playlist.isPublic), 1, \(now), \(now))
            """)
        let entries = insertEntries(songIDs, into: playlist.id, firstEntry: 1, firstPosition: 1, at: playlist.createdAt)
        do throws(CatalogError) {
            try await engine.transaction(
                [create] + entries + [recordPlaylistChange(playlist.id)], lock: .changes, SQLContext("create playlist", table: "playlists"))
        } catch where error.brokenConstraint == .unique {
            throw .conflict("there is already a playlist named \(playlist.name)")
        }
        guard let created = try await self.playlist(id: playlist.id) else { throw .notFound("no playlist \(playlist.id)") }
        return created
    }

    public func updatePlaylist(id: String, _ details: PlaylistDetails, expectedVersion: Int?) async throws(CatalogError) -> PlaylistRecord {
        try await guardedEdit(id: id, expectedVersion: expectedVersion) { current throws(CatalogError) in
            guard let name = details.name else { return [] }
            return [SQLStep("UPDATE playlists SET name = \(name), name_key = \(SearchKey.fold(name)) WHERE id = \(id)")]
        } details: { current in
            var changes: [SQL] = []
            if let description = details.description { changes.append("description = \(description)") }
            if let isPublic = details.isPublic { changes.append("is_public = \(isPublic)") }
            return changes
        }
    }

    public func editPlaylist(id: String, _ edit: PlaylistEdit, expectedVersion: Int?) async throws(CatalogError) -> PlaylistRecord {
        try await guardedEdit(id: id, expectedVersion: expectedVersion) { current throws(CatalogError) in
            let count = current.songCount
            let inPlaylist: SQL = "playlist_id = \(id)"
            switch edit {
            case .insert(let songIDs, let position):
                let position = position ?? count + 1
                guard (1...count + 1).contains(position) else {
                    throw .conflict("position \(position) is outside the playlist (1 to \(count + 1))")
                }
                guard count + songIDs.count <= ListenerLimits.playlistSize else {
                    throw .invalid("a playlist holds at most \(ListenerLimits.playlistSize) songs")
                }
                let lastEntry = try await self.count(
                    "SELECT COALESCE(MAX(entry_id), 0) FROM playlist_items WHERE \(inPlaylist)", SQLContext("read playlist", table: "playlist_items"))
                let shift = SQLStep(
                    "UPDATE playlist_items SET position = position + \(songIDs.count) WHERE \(inPlaylist) AND position >= \(position)")
                return [shift] + self.insertEntries(songIDs, into: id, firstEntry: lastEntry + 1, firstPosition: position, at: Date())
            case .remove(let positions):
                let removed = Array(Set(positions)).sorted()
                guard !removed.isEmpty else { throw .invalid("no positions to remove") }
                if let outside = removed.first(where: { $0 < 1 || $0 > count }) {
                    throw .conflict("there is no entry at position \(outside) (the playlist has \(count))")
                }
                var steps = removed.chunked(Self.batchSize).map { chunk in
                    SQLStep("DELETE FROM playlist_items WHERE \(inPlaylist) AND position IN (\(list: chunk))")
                }
                // Close the gaps: the run after the i-th removed position moves up by i.
                for (index, start) in removed.enumerated() {
                    let end = index + 1 < removed.count ? removed[index + 1] : count + 1
                    guard end > start + 1 else { continue }
                    steps.append(
                        SQLStep(
                            "UPDATE playlist_items SET position = position - \(index + 1) WHERE \(inPlaylist) AND position > \(start) AND position < \(end)"
                        ))
                }
                return steps
            case .move(let from, let to):
                for position in [from, to] where position < 1 || position > count {
                    throw .conflict("there is no entry at position \(position) (the playlist has \(count))")
                }
                guard from != to else { return [] }
                let shifted: SQL = from < to ? "position - 1" : "position + 1"
                return [
                    SQLStep(
                        """
                        UPDATE playlist_items SET position = CASE WHEN position = \(from) THEN \(to) ELSE \(shifted) END
                        WHERE \(inPlaylist) AND position BETWEEN \(min(from, to)) AND \(max(from, to))
                        """)
                ]
            }
        } details: { _ in [] }
    }

    public func deletePlaylist(id: String) async throws(CatalogError) {
        try await engine.transaction(
            [
                recordPlaylistChange(id),
                SQLStep("DELETE FROM playlist_items WHERE playlist_id = \(id)"),
                SQLStep("DELETE FROM playlists WHERE id = \(id)", expecting: 1...1, otherwise: .notFound("no playlist \(id)")),
            ],
            lock: .changes, SQLContext("delete playlist", table: "playlists"))
    }

    /// Runs an edit against the version the caller saw (or, without one, the latest), in one transaction
    /// that first moves the version on — and only from that version, so two edits made at once cannot
    /// both apply: the second finds the version gone and is refused, or (with no version asked for)
    /// tried again on the new state.
    private func guardedEdit(
        id: String, expectedVersion: Int?,
        steps: (PlaylistRecord) async throws(CatalogError) -> [SQLStep],
        details: (PlaylistRecord) -> [SQL]
    ) async throws(CatalogError) -> PlaylistRecord {
        let attempts = 40
        for attempt in 1...attempts {
            guard let current = try await playlist(id: id) else { throw .notFound("no playlist \(id)") }
            let version = expectedVersion ?? current.version
            let edits = try await steps(current)
            let setting: SQL = "version = version + 1, updated_at = \(Date().timeIntervalSince1970)"
            let guardStep = SQLStep(
                "UPDATE playlists SET \(SQL.joined([setting] + details(current), separator: ", ")) WHERE id = \(id) AND version = \(version)",
                expecting: 1...1,
                otherwise: .conflict("playlist \(current.name) has changed since version \(version) (it is at version \(current.version))"))
            do throws(CatalogError) {
                try await engine.transaction(
                    [guardStep] + edits + [recordPlaylistChange(id)], lock: .changes, SQLContext("edit playlist", table: "playlists"))
                guard let edited = try await playlist(id: id) else { throw CatalogError.notFound("no playlist \(id)") }
                return edited
            } catch {
                if case .conflict = error, expectedVersion == nil, attempt < attempts {
                    // Others are editing the same playlist: let them through, a little longer each time.
                    try? await Task.sleep(for: .milliseconds(Int.random(in: 0...attempt)))
                    continue
                }
                if error.brokenConstraint == .unique { throw .conflict("there is already a playlist with that name") }
                throw error
            }
        }
        throw .conflict("playlist \(id) kept changing; try again")
    }

    private func insertEntries(_ songIDs: [String], into playlistID: String, firstEntry: Int, firstPosition: Int, at date: Date) -> [SQLStep] {
        let added = date.timeIntervalSince1970
        return Array(songIDs.enumerated()).chunked(Self.batchSize).map { chunk in
            let rows = chunk.map { offset, songID -> SQL in
                "(\(playlistID), \(firstEntry + offset), \(firstPosition + offset), \(songID), \(added))"
            }
            return SQLStep("INSERT INTO playlist_items (playlist_id, entry_id, position, song_id, added_at) VALUES " + SQL.joined(rows, separator: ", "))
        }
    }

    // MARK: Rows

    /// A listing's columns from `songs s`, for lists that join it (and may find the song gone).
    static let listingColumns = "s.id, s.title, s.album, s.artist, s.genreid, s.year, s.audio_key, s.cover_key, s.duration, s.bitrate"

    /// Rows of (song id, a time, listing columns…): the shape of every listener's list.
    private func listedSongs(_ statement: SQL, _ context: SQLContext) async throws(CatalogError) -> [ListedSong] {
        var rows = try await engine.fetch(statement, context) { row throws(CatalogError) in
            let songID = try row.text()
            let at = try row.optionalReal().map(Date.init(timeIntervalSince1970:))
            return ListedSong(songID: songID, song: try Self.decodeOptionalListing(&row), at: at)
        }
        let names = try await genreNames(covering: rows.compactMap(\.song?.genreID))
        for index in rows.indices {
            if let genreID = rows[index].song?.genreID { rows[index].song?.genre = names[genreID] ?? "" }
        }
        return rows
    }

    /// The listing columns of a `LEFT JOIN songs`: nil when the song is no longer in the library.
    @Sendable static func decodeOptionalListing(_ row: inout any SQLRowReader) throws(CatalogError) -> SongListing? {
        guard let id = try row.optionalText() else { return nil }
        return SongListing(
            id: id, title: try row.text(), album: try row.text(), artist: try row.text(), genre: "",
            genreID: try row.integer(), year: try row.optionalInteger(), audioKey: try row.text(), coverKey: try row.optionalText(),
            duration: try row.real(), bitrate: try row.integer())
    }

    /// A mark's columns of `table` (or its alias), as `decodeMarks` reads them.
    static func markColumns(_ table: String) -> String {
        ["liked_at", "rating", "play_count", "skip_count", "last_played"].map { "\(table).\($0)" }.joined(separator: ", ")
    }

    /// `markColumns`' cells; all NULL (a `LEFT JOIN` that found no mark) is `.empty`.
    static func decodeMarks(_ row: inout any SQLRowReader) throws(CatalogError) -> SongMarks {
        SongMarks(
            likedAt: try row.optionalReal().map(Date.init(timeIntervalSince1970:)), rating: try row.optionalInteger() ?? 0,
            plays: try row.optionalInteger() ?? 0, skips: try row.optionalInteger() ?? 0,
            lastPlayed: try row.optionalReal().map(Date.init(timeIntervalSince1970:)))
    }

    @Sendable static func decodeUser(_ row: inout any SQLRowReader) throws(CatalogError) -> UserRecord {
        UserRecord(
            id: try row.text(), name: try row.text(), isAdmin: try row.flag(), isLocal: try row.flag(), passwordHash: try row.optionalText(),
            sealedPassword: try row.optionalText(), sharesListening: try row.flag(), createdAt: Date(timeIntervalSince1970: try row.real()))
    }

    @Sendable static func decodeCredential(_ row: inout any SQLRowReader) throws(CatalogError) -> CredentialRecord {
        let id = try row.text()
        let userID = try row.text()
        let rawKind = try row.text()
        guard let kind = CredentialRecord.Kind(rawValue: rawKind) else {
            throw .corruptRow(table: "credentials", detail: "unknown kind \(rawKind)")
        }
        return CredentialRecord(
            id: id, userID: userID, kind: kind, name: try row.text(), secretHash: try row.text(),
            createdAt: Date(timeIntervalSince1970: try row.real()), expiresAt: try row.optionalReal().map(Date.init(timeIntervalSince1970:)))
    }

    @Sendable static func decodePlaylist(_ row: inout any SQLRowReader) throws(CatalogError) -> PlaylistRecord {
        PlaylistRecord(
            id: try row.text(), ownerID: try row.text(), ownerName: try row.text(), name: try row.text(), description: try row.text(),
            isPublic: try row.flag(), version: try row.integer(), createdAt: Date(timeIntervalSince1970: try row.real()),
            updatedAt: Date(timeIntervalSince1970: try row.real()), songCount: try row.integer(), duration: try row.real())
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
