public import Foundation
import GRDB
public import LibraryModel
import Synchronization
public import TerminalUI

/// Whose library a cache holds: one service (its URL, or the local library's folder for the embedded
/// one) seen by one listener. Each key has a file of its own, so caches are never mixed; the file also
/// names the catalog it was filled from, and a service that answers with another catalog empties it.
public struct CacheKey: Sendable, Hashable {
    public var service: String
    public var listener: String

    public init(service: String, listener: String) {
        self.service = service
        self.listener = listener
    }

    /// The file's name: readable enough to find by hand, unique by a hash of the whole key.
    var fileName: String {
        "library-\(readableHost)-\(Self.fingerprint("\(service)\n\(listener)")).sqlite"
    }

    /// The offline song cache's folder: one per service, shared by its listeners (a song's bytes are
    /// the same whoever plays it).
    public var songFolderName: String {
        "songs-\(readableHost)-\(Self.fingerprint(service))"
    }

    private var readableHost: String {
        let host = URLComponents(string: service)?.host ?? "local"
        return String(host.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ? Character($0) : "-" }.prefix(40))
    }

    /// A short stable hash (FNV-1a; stable across runs, unlike `Hasher`), to name a listener by their
    /// token without writing the token down.
    public static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }
}

/// The library as last seen, to show before the network answers (or when it never does).
public struct CachedLibrary: Sendable {
    /// In the service's title order, as `Library(songs:genreNames:)` wants them.
    public var songs: [LibrarySong]
    /// Genres in the order the service lists them.
    public var genres: [String]
    /// The change feed's position the cache is up to: follow the feed from here.
    public var position: Int?
    /// The catalog it was filled from (`X-Catalog-Id`); nil from a service that does not say.
    public var catalog: String?
    /// When it was last brought up to date.
    public var syncedAt: Date?
}

/// The UI's local copy of the library, the listener's marks and own data, and the outbox of changes made
/// while the service could not be reached: one SQLite file per service and listener under
/// `$XDG_CACHE_HOME/termplayer`. Every call runs on GRDB's own queue, never on the caller's thread; two
/// TUIs on one file share it through SQLite's locking.
public final class LibraryCache: Sendable {
    public let path: String
    public let key: CacheKey
    /// What opening found (set aside, rebuilt…), for the status line.
    public let finding: Finding
    private let queue: Mutex<DatabaseQueue>

    public enum Finding: Equatable, Sendable {
        case fresh, reused
        /// The file was set aside (renamed to `movedTo`) because of `reason`.
        case setAside(reason: String, movedTo: String)
        /// An older layout, dropped and made again.
        case rebuiltOlder(version: Int)

        /// Words for the status line; nil when there is nothing to say.
        public var message: String? {
            switch self {
            case .fresh, .reused: nil
            case .setAside(let reason, let movedTo): "The library cache was set aside (\(reason)); it is at \(movedTo). Starting a new one."
            case .rebuiltOlder: nil
            }
        }
    }

    /// `$XDG_CACHE_HOME/termplayer`, else `~/.cache/termplayer`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("termplayer")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".cache/termplayer")
    }

    /// Opens (or makes) the cache for `key` in `directory`. A file that cannot be used is set aside and a
    /// new one made; only a directory that cannot be written at all is an error.
    public init(directory: URL, key: CacheKey) throws(LibraryCacheError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .unavailable(path: directory.path, reason: error.localizedDescription)
        }
        path = directory.appendingPathComponent(key.fileName).path
        self.key = key
        let (opened, found) = try CacheFile.open(path)
        var finding = found
        // A file keyed for someone else (a hash collision, a file copied by hand) is never read.
        let owner = try? opened.read { db in try Self.meta(db) }
        if let owner, let service = owner["service"], let listener = owner["listener"], service != key.service || listener != key.listener {
            try? opened.write { db in try Self.empty(db) }
            finding = .fresh
        }
        do {
            try opened.write { db in
                try Self.setMeta(db, ["service": key.service, "listener": key.listener])
            }
        } catch {
            throw .unavailable(path: path, reason: Self.reason(error))
        }
        self.finding = finding
        queue = Mutex(opened)
    }

    private init(path: String, key: CacheKey, finding: Finding, queue: DatabaseQueue) {
        self.path = path
        self.key = key
        self.finding = finding
        self.queue = Mutex(queue)
    }

    /// A cache in memory only, for when the directory cannot be written: the outbox still orders and
    /// keeps this run's changes, and nothing outlives the process.
    public static func inMemory(key: CacheKey) throws(LibraryCacheError) -> LibraryCache {
        do {
            let queue = try DatabaseQueue()
            try queue.write { db in try CacheFile.create(db) }
            return LibraryCache(path: ":memory:", key: key, finding: .fresh, queue: queue)
        } catch {
            throw .unavailable(path: ":memory:", reason: reason(error))
        }
    }

    private var database: DatabaseQueue { queue.withLock { $0 } }

    // MARK: The library

    /// The cached library; nil when it holds none yet. A file found damaged while reading is set aside
    /// and nil returned: the caller fetches the library from the service, as on a first start.
    /// `firstSongs` reads only that many, in title order: enough for a first screen in a millisecond,
    /// while the whole library (a second at a million songs) is read.
    public func load(firstSongs limit: Int? = nil) async throws(LibraryCacheError) -> CachedLibrary? {
        do {
            return try await database.read { db -> CachedLibrary? in
                let meta = try Self.meta(db)
                guard meta["synced_at"] != nil else { return nil }
                let genres = try String.fetchAll(db, sql: "SELECT name FROM genres ORDER BY rank")
                var songs: [LibrarySong] = []
                songs.reserveCapacity(try limit ?? Int.fetchOne(db, sql: "SELECT count(*) FROM songs") ?? 0)
                // The table is kept in this order: a walk along it, no sorting.
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT id, title, artist, album, genre, year, duration, file, image, liked, rating, plays, last_played
                        FROM songs ORDER BY sort_key, id LIMIT ?
                        """,
                    arguments: [limit ?? -1])
                while let row = try rows.next() { songs.append(try SongRow.decode(row)) }
                return CachedLibrary(
                    songs: songs, genres: genres, position: meta["position"].flatMap { Int($0) }, catalog: meta["catalog"],
                    syncedAt: meta["synced_at"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:)))
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            try replaceDamagedFile(reason: Self.reason(error))
            return nil
        } catch let error as LibraryCacheError {
            try replaceDamagedFile(reason: error.description)
            return nil
        } catch {
            throw .unavailable(path: path, reason: Self.reason(error))
        }
    }

    /// Replaces everything with a library fetched whole.
    public func replace(songs: [LibrarySong], genres: [String], position: Int?, catalog: String?) async throws(LibraryCacheError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM songs")
            try db.execute(sql: "DELETE FROM genres")
            let insert = try db.cachedStatement(sql: SongRow.upsert)
            for song in songs { try SongRow.write(song, at: position ?? 0, with: insert) }
            for (rank, name) in genres.enumerated() { try db.execute(sql: "INSERT OR IGNORE INTO genres (rank, name) VALUES (?, ?)", arguments: [rank, name]) }
            try db.execute(sql: "DELETE FROM meta WHERE key IN ('position', 'catalog')")
            var meta = ["synced_at": String(Date().timeIntervalSince1970)]
            meta["position"] = position.map(String.init)
            meta["catalog"] = catalog
            try Self.setMeta(db, meta)
        }
        // The whole library went through the WAL: into the file with it, or the next start reads it there.
        await settle()
    }

    /// Moves what the WAL holds into the file and empties it. A WAL left behind (a process ends without
    /// closing its connection) is read whole by the next one to open the file, and every page is looked
    /// up through it: a million songs left there cost the next start a third of a second before its
    /// first frame. Best effort: another TUI reading the file keeps what it needs, and tries next time.
    public func settle() async {
        _ = try? await database.writeWithoutTransaction(Self.foldWAL)
    }

    /// `settle()` for a thread of the caller's own, on the way out.
    public func settleNow() {
        _ = try? database.writeWithoutTransaction(Self.foldWAL)
    }

    @Sendable private static func foldWAL(_ db: Database) throws {
        try db.checkpoint(.truncate)
    }

    /// Applies a page of the change feed (as the UI's library does), and moves the position on. A song
    /// whose row a newer page already wrote keeps the newer state.
    public func apply(_ page: ChangePage) async throws(LibraryCacheError) {
        try await write { db in
            let upsert = try db.cachedStatement(sql: SongRow.upsert)
            for change in page.changes {
                switch change.kind {
                case .song:
                    if let song = change.song {
                        try SongRow.write(LibrarySong(song), at: change.position, with: upsert)
                    } else {
                        try db.execute(sql: "DELETE FROM songs WHERE id = ? AND position <= ?", arguments: [change.id, change.position])
                    }
                case .genre:
                    if let name = change.genre?.genre {
                        try db.execute(sql: "INSERT OR IGNORE INTO genres (rank, name) VALUES ((SELECT COALESCE(MAX(rank), -1) + 1 FROM genres), ?)", arguments: [name])
                    }
                case .marks:
                    if let marks = change.marks { try Self.writeMarks(db, songID: change.id, liked: marks.liked, rating: marks.rating) }
                case .playlist:
                    break
                }
            }
            // The position only moves forward: another TUI on the file may be further on already.
            let current = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'position'").flatMap { Int($0) } ?? 0
            try Self.setMeta(db, ["position": String(max(current, page.next)), "synced_at": String(Date().timeIntervalSince1970)])
        }
    }

    /// The listener's own like or rating, made here: shown at the next start even before it is sent.
    public func setMarks(songID: String, liked: Bool?, rating: Int?) async throws(LibraryCacheError) {
        try await write { db in try Self.writeMarks(db, songID: songID, liked: liked, rating: rating) }
    }

    // MARK: The listener's own data

    /// Something of the listener's kept as JSON (their playlists, say), to show offline.
    public func save<Value: Encodable & Sendable>(_ value: Value, as name: String) async throws(LibraryCacheError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw .unreadable(what: name, reason: "\(error)")
        }
        try await write { db in try db.execute(sql: "INSERT OR REPLACE INTO listener_data (key, value) VALUES (?, ?)", arguments: [name, data]) }
    }

    /// What `save` kept under `name`; nil when nothing was, or it no longer decodes (a newer shape).
    public func saved<Value: Decodable & Sendable>(_ type: Value.Type, as name: String) async -> Value? {
        let data = try? await database.read { db in try Data.fetchOne(db, sql: "SELECT value FROM listener_data WHERE key = ?", arguments: [name]) }
        return data.flatMap { $0 }.flatMap { try? JSONDecoder().decode(Value.self, from: $0) }
    }

    // MARK: The outbox

    /// Keeps a change to send; it stays until `sent(_:)` says it arrived.
    @discardableResult
    public func enqueue(_ item: OutboxItem) async throws(LibraryCacheError) -> Int64 {
        let data: Data
        do {
            data = try JSONEncoder().encode(item)
        } catch {
            throw .unreadable(what: "an outbox item", reason: "\(error)")
        }
        return try await write { db in
            try db.execute(sql: "INSERT INTO outbox (item, made_at, claimed_by) VALUES (?, ?, ?)", arguments: [data, Date().timeIntervalSince1970, getpid()])
            return db.lastInsertedRowID
        }
    }

    /// The changes waiting to be sent, oldest first, claimed for this process: another TUI on the same
    /// file does not send them too. Claims of processes that are gone are taken over.
    public func claimOutbox() async throws(LibraryCacheError) -> [OutboxEntry] {
        let me = Int64(getpid())
        return try await write { db in
            let claims = try Int64.fetchAll(db, sql: "SELECT DISTINCT claimed_by FROM outbox WHERE claimed_by IS NOT NULL AND claimed_by != ?", arguments: [me])
            for pid in claims where kill(pid_t(truncatingIfNeeded: pid), 0) != 0 && errno == ESRCH {
                try db.execute(sql: "UPDATE outbox SET claimed_by = NULL WHERE claimed_by = ?", arguments: [pid])
            }
            try db.execute(sql: "UPDATE outbox SET claimed_by = ? WHERE claimed_by IS NULL", arguments: [me])
            var entries: [OutboxEntry] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, item, made_at FROM outbox WHERE claimed_by = ? ORDER BY id", arguments: [me]) {
                guard let id = try? row.decode(Int64.self, atIndex: 0), let data = try? row.decode(Data.self, atIndex: 1),
                      let item = try? JSONDecoder().decode(OutboxItem.self, from: data) else {
                    // An item this version cannot read (a damaged row) is dropped, not sent wrong forever.
                    if let id = try? row.decode(Int64.self, atIndex: 0) { try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
                    continue
                }
                let madeAt = (try? row.decode(Double.self, atIndex: 2)).map(Date.init(timeIntervalSince1970:)) ?? Date()
                entries.append(OutboxEntry(id: id, item: item, madeAt: madeAt))
            }
            return entries
        }
    }

    /// The change arrived (or was refused for good): it is never sent again.
    public func sent(_ id: Int64) async throws(LibraryCacheError) {
        try await write { db in try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id]) }
    }

    /// How many changes wait to be sent, by any process.
    public func outboxCount() async -> Int {
        (try? await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }) ?? 0
    }

    // MARK: Inside

    private func write<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(LibraryCacheError) -> Value {
        do {
            return try await database.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw .diskFull(path: path)
        } catch {
            throw .unavailable(path: path, reason: Self.reason(error))
        }
    }

    private func replaceDamagedFile(reason: String) throws(LibraryCacheError) {
        _ = try CacheFile.setAside(path, reason: reason)
        let (fresh, _) = try CacheFile.open(path)
        do {
            try fresh.write { db in try Self.setMeta(db, ["service": key.service, "listener": key.listener]) }
        } catch {
            throw .unavailable(path: path, reason: Self.reason(error))
        }
        queue.withLock { $0 = fresh }
    }

    private static func meta(_ db: Database) throws -> [String: String] {
        var meta: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM meta") {
            if let key = try? row.decode(String.self, atIndex: 0), let value = try? row.decode(String.self, atIndex: 1) { meta[key] = value }
        }
        return meta
    }

    private static func setMeta(_ db: Database, _ values: [String: String]) throws {
        for (key, value) in values {
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
        }
    }

    private static func empty(_ db: Database) throws {
        for table in ["meta", "songs", "genres", "listener_data", "outbox"] { try db.execute(sql: "DELETE FROM \(table)") }
    }

    private static func writeMarks(_ db: Database, songID: String, liked: Bool?, rating: Int?) throws {
        if let liked { try db.execute(sql: "UPDATE songs SET liked = ? WHERE id = ?", arguments: [liked, songID]) }
        if let rating { try db.execute(sql: "UPDATE songs SET rating = ? WHERE id = ?", arguments: [min(5, max(0, rating)), songID]) }
    }

    private static func reason(_ error: any Error) -> String {
        (error as? DatabaseError).map { "\($0.message ?? "\($0.resultCode)") (SQLite \($0.extendedResultCode.rawValue))" } ?? "\(error)"
    }
}

/// One change waiting in the outbox.
public struct OutboxEntry: Sendable, Equatable {
    /// The outbox's row; negative for an item that could not be written down.
    public var id: Int64
    public var item: OutboxItem
    public var madeAt: Date

    public init(id: Int64, item: OutboxItem, madeAt: Date) {
        self.id = id
        self.item = item
        self.madeAt = madeAt
    }
}

/// A song's row, read cell by cell with GRDB's throwing decoders so a damaged row is an error, not a
/// trap.
enum SongRow {
    static let upsert = """
        INSERT INTO songs (id, sort_key, title, artist, album, genre, year, duration, file, image, liked, rating, plays, last_played, position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET sort_key = excluded.sort_key, title = excluded.title, artist = excluded.artist,
            album = excluded.album, genre = excluded.genre, year = excluded.year, duration = excluded.duration, file = excluded.file,
            image = excluded.image, liked = excluded.liked, rating = excluded.rating, plays = excluded.plays,
            last_played = excluded.last_played, position = excluded.position
        WHERE excluded.position >= songs.position
        """

    static func write(_ song: LibrarySong, at position: Int, with statement: Statement) throws {
        let sortKey = Data(sortKey(song.title).utf8)
        try statement.execute(arguments: [
            song.id, sortKey, song.title, song.artist, song.album, song.genre, song.year, song.duration, song.file, song.image,
            song.liked, song.rating, song.plays, song.lastPlayed, position,
        ])
    }

    /// The folded title. ASCII (most titles) has no accents or widths to fold: lowercasing it is the same,
    /// and twenty times as fast as Foundation's folding, which a million songs pay on every full fetch.
    static func sortKey(_ title: String) -> String {
        title.utf8.allSatisfy { $0 < 0x80 } ? title.lowercased() : SearchKey.fold(title)
    }

    static func decode(_ row: Row) throws(LibraryCacheError) -> LibrarySong {
        var cell = Cells(row: row)
        return LibrarySong(
            id: try cell.text(), title: try cell.text(), artist: try cell.text(), album: try cell.text(), genre: try cell.text(),
            year: try cell.optional(Int.self), duration: try cell.optional(Double.self), file: try cell.text(),
            image: try cell.optional(String.self), liked: try cell.optional(Bool.self) ?? false, rating: try cell.optional(Int.self) ?? 0,
            plays: try cell.optional(Int.self) ?? 0, lastPlayed: try cell.optional(String.self))
    }

    private struct Cells {
        let row: Row
        var index = 0

        mutating func optional<Value: DatabaseValueConvertible & StatementColumnConvertible>(_: Value.Type) throws(LibraryCacheError) -> Value? {
            guard index < row.count else { throw .unreadable(what: "a cached song", reason: "fewer columns than asked for") }
            defer { index += 1 }
            if row.hasNull(atIndex: index) { return nil }
            do {
                return try row.decode(Value.self, atIndex: index)
            } catch {
                throw .unreadable(what: "a cached song", reason: "column \(index + 1): \(error)")
            }
        }

        mutating func text() throws(LibraryCacheError) -> String {
            guard let text = try optional(String.self) else { throw .unreadable(what: "a cached song", reason: "column \(index) is empty") }
            return text
        }
    }
}
