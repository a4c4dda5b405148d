public import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// A song kept on disk, as the player opens it.
public struct CachedSong: Sendable, Hashable {
    public let songID: String
    /// The file's absolute path.
    public let path: String
    /// The service's ETag for these bytes, sent back as `If-None-Match`; nil when it sent none.
    public let etag: String?
    public let bytes: Int
    public let lastPlayed: Date
    public let added: Date
    public let isPinned: Bool

    /// The `file://` URL the player streams (and seeks in) like any other.
    public var url: String { URL(fileURLWithPath: path).absoluteString }
}

/// What a fetch did.
public enum FetchOutcome: Sendable, Hashable {
    /// The service answered 304 to the cached copy's ETag: it is current and was left as it was.
    case notModified(CachedSong)
    /// A new copy was downloaded and is in place (replacing an older one, if there was one).
    case stored(CachedSong)

    public var song: CachedSong {
        switch self {
        case .notModified(let song), .stored(let song): song
        }
    }
}

/// How full the cache is.
public struct CacheUsage: Sendable, Hashable {
    public var songs: Int
    public var bytes: Int
    public var pinnedSongs: Int
    public var pinnedBytes: Int
    /// Room held by downloads in flight, in this process or another.
    public var writingBytes: Int
    public var limitBytes: Int

    public init(songs: Int, bytes: Int, pinnedSongs: Int, pinnedBytes: Int, writingBytes: Int, limitBytes: Int) {
        self.songs = songs
        self.bytes = bytes
        self.pinnedSongs = pinnedSongs
        self.pinnedBytes = pinnedBytes
        self.writingBytes = writingBytes
        self.limitBytes = limitBytes
    }
}

/// The offline song cache (issue 12): recently played and pinned songs kept on disk up to a size limit,
/// the least recently played evicted first and pinned ones never.
///
/// Every method is synchronous and may block — on SQLite's lock (at most its 5 s busy timeout), on file
/// I/O, and for `fetch` on the whole download — so callers run them on a thread of their own, never on
/// Swift concurrency's cooperative threads or the UI thread. The object is safe to share between threads,
/// and several processes may open the same folder: the index (see `SongIndex`) keeps them consistent.
public final class SongCache: Sendable {
    /// The limit when the config says nothing: 2 GiB.
    public static let defaultLimitBytes = 2 << 30

    public let directory: String
    public let limitBytes: Int
    /// Where a damaged or newer index was moved when this cache opened, so the UI can say so; its songs'
    /// files were removed with it (without their ETags they cannot be checked against the service).
    public let setAsideIndex: String?
    let index: SongIndex

    private init(directory: String, limitBytes: Int, index: SongIndex, setAsideIndex: String?) {
        self.directory = directory
        self.limitBytes = limitBytes
        self.index = index
        self.setAsideIndex = setAsideIndex
    }

    /// Opens the cache in `directory` (made if missing), tidying what a crashed or killed process left:
    /// rows whose files are gone, files no row lists, downloads whose process has died.
    public static func open(directory: String, limitBytes: Int = defaultLimitBytes) throws(SongCacheError) -> SongCache {
        try CacheFiles.makeDirectory(directory)
        let (index, setAside) = try SongIndex.open(path: directory + "/" + CacheFiles.indexName)
        let cache = SongCache(directory: directory, limitBytes: max(0, limitBytes), index: index, setAsideIndex: setAside)
        try cache.sweep()
        return cache
    }

    // MARK: Looking up

    /// The cached copy of a song, or nil. A row whose file is gone or shorter than recorded is dropped
    /// (and the short file removed), so a damaged copy is fetched again rather than played cut off.
    public func file(for songID: String) throws(SongCacheError) -> CachedSong? {
        guard let row = try index.read({ db in try SongRow.fetch(db, songID: songID) }) else { return nil }
        let path = self.path(row.fileName)
        if CacheFiles.size(of: path) == row.size { return row.song(in: directory) }
        try index.write { db in
            try db.execute(sql: "DELETE FROM songs WHERE song_id = ? AND file_name = ?", arguments: [songID, row.fileName])
            if db.changesCount > 0 { CacheFiles.remove(path) }
        }
        return nil
    }

    /// The ids of every cached song: what plays while the service is unreachable.
    public func cachedSongIDs() throws(SongCacheError) -> Set<String> {
        try index.read { db in Set(try String.fetchAll(db, sql: "SELECT song_id FROM songs")) }
    }

    /// Every cached song, most recently played first.
    public func songs() throws(SongCacheError) -> [CachedSong] {
        let directory = self.directory
        return try index.read { db in try SongRow.fetchAll(db).map { $0.song(in: directory) } }
    }

    public func usage() throws(SongCacheError) -> CacheUsage {
        let limit = limitBytes
        return try index.read { db in
            let all = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM songs")
            let pinned = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS b FROM songs WHERE song_id IN (SELECT song_id FROM pins)")
            let writing = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM writing") ?? 0
            return CacheUsage(
                songs: try all?.decode(Int.self, forColumn: "n") ?? 0, bytes: try all?.decode(Int.self, forColumn: "b") ?? 0,
                pinnedSongs: try pinned?.decode(Int.self, forColumn: "n") ?? 0, pinnedBytes: try pinned?.decode(Int.self, forColumn: "b") ?? 0,
                writingBytes: writing, limitBytes: limit)
        }
    }

    // MARK: Playing and pinning

    /// Marks a song played now, which moves it to the back of the eviction order. Returns whether it is
    /// cached. Call it when a song starts playing, from the cache or not yet cached (then before `fetch`).
    @discardableResult
    public func notePlayed(_ songID: String, at time: Date = Date()) throws(SongCacheError) -> Bool {
        try index.write { db in
            try db.execute(sql: "UPDATE songs SET last_played = ? WHERE song_id = ?", arguments: [time.timeIntervalSince1970, songID])
            return db.changesCount > 0
        }
    }

    /// Pins songs, cached or not yet: pinned copies are never evicted. `pinnedSongsNotCached` lists the
    /// ones still to fetch ("keep this playlist offline").
    public func pin(_ songIDs: some Sequence<String>) throws(SongCacheError) {
        let ids = Array(songIDs)
        let now = Date().timeIntervalSince1970
        try index.write { db in
            for id in ids { try db.execute(sql: "INSERT OR IGNORE INTO pins (song_id, pinned) VALUES (?, ?)", arguments: [id, now]) }
        }
    }

    /// Unpins songs; their copies stay, evictable like any other.
    public func unpin(_ songIDs: some Sequence<String>) throws(SongCacheError) {
        let ids = Array(songIDs)
        try index.write { db in
            for id in ids { try db.execute(sql: "DELETE FROM pins WHERE song_id = ?", arguments: [id]) }
        }
    }

    public func isPinned(_ songID: String) throws(SongCacheError) -> Bool {
        try index.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM pins WHERE song_id = ?)", arguments: [songID]) ?? false }
    }

    /// Every pinned song, cached or not: what the UI marks as kept for offline.
    public func pinnedSongIDs() throws(SongCacheError) -> Set<String> {
        try index.read { db in Set(try String.fetchAll(db, sql: "SELECT song_id FROM pins")) }
    }

    /// Pinned songs with no copy yet, oldest pin first: what to fetch while the service is reachable.
    public func pinnedSongsNotCached() throws(SongCacheError) -> [String] {
        try index.read { db in
            try String.fetchAll(db, sql: "SELECT song_id FROM pins WHERE song_id NOT IN (SELECT song_id FROM songs) ORDER BY pinned, song_id")
        }
    }

    // MARK: Making room

    /// Evicts the least recently played unpinned songs until the cache is within its limit (after the
    /// limit was lowered, or another process with a larger one filled it). Returns the evicted ids.
    @discardableResult
    public func evict() throws(SongCacheError) -> [String] {
        let evicted = try index.write { db in try self.makeRoom(db, for: nil, bytes: 0, token: nil) }
        for song in evicted { CacheFiles.remove(path(song.fileName)) }
        return evicted.map(\.songID)
    }

    /// Drops a song's copy (a pin, if any, stays).
    public func remove(_ songID: String) throws(SongCacheError) {
        let name = try index.write { db -> String? in
            let name = try String.fetchOne(db, sql: "SELECT file_name FROM songs WHERE song_id = ?", arguments: [songID])
            try db.execute(sql: "DELETE FROM songs WHERE song_id = ?", arguments: [songID])
            return name
        }
        if let name, CacheFiles.isPlainName(name) { CacheFiles.remove(path(name)) }
    }

    // MARK: Internals shared with fetching

    func path(_ name: String) -> String { directory + "/" + name }

    struct Evicted {
        let songID: String
        let fileName: String
    }

    /// Inside a write transaction: evicts unpinned songs, least recently played first, until `bytes` more
    /// fit beside what is stored and what downloads in flight hold. Songs being written are never chosen.
    /// When even evicting every candidate would not do, nothing is evicted and the song is refused.
    /// The caller removes the files once the transaction has committed.
    func makeRoom(_ db: Database, for songID: String?, bytes: Int, token: String?) throws -> [Evicted] {
        let stored = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(size), 0) FROM songs") ?? 0
        let held = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes), 0) FROM writing WHERE token IS NOT ?", arguments: [token]) ?? 0
        var over = stored + held + bytes - limitBytes
        guard over > 0 else { return [] }
        let candidates = try Row.fetchCursor(
            db,
            sql: """
                SELECT song_id, file_name, size FROM songs
                WHERE song_id NOT IN (SELECT song_id FROM pins) AND song_id NOT IN (SELECT song_id FROM writing) AND song_id IS NOT ?
                ORDER BY last_played, added, song_id
                """, arguments: [songID])
        var chosen: [Evicted] = []
        var freeable = 0
        while let row = try candidates.next() {
            let size: Int = try row.decode(forColumn: "size")
            freeable += size
            if over > 0 {
                chosen.append(Evicted(songID: try row.decode(forColumn: "song_id"), fileName: try row.decode(forColumn: "file_name")))
                over -= size
            }
        }
        guard over <= 0 else {
            throw SongCacheError.tooLarge(songID: songID ?? "", bytes: bytes, room: max(0, limitBytes - (stored - freeable) - held))
        }
        for song in chosen {
            try db.execute(sql: "DELETE FROM songs WHERE song_id = ?", arguments: [song.songID])
        }
        return chosen.filter { CacheFiles.isPlainName($0.fileName) }
    }

    /// What a crashed or killed process left: downloads whose process is gone, their partial files, files
    /// no row lists, rows whose file is gone or short. Runs under the write lock, so a download that is
    /// renaming its file into place (also under the lock) is never mistaken for a stray.
    func sweep() throws(SongCacheError) {
        let directory = self.directory
        try index.write { db in
            let downloads = try Row.fetchAll(db, sql: "SELECT token, pid FROM writing")
            var live: Set<String> = []
            for download in downloads {
                let token: String = try download.decode(forColumn: "token")
                let pid = Int32(exactly: try download.decode(Int.self, forColumn: "pid")) ?? 0
                if pid > 0, kill(pid, 0) == 0 || errno == EPERM {
                    live.insert(CacheFiles.partName(token: token))
                } else {
                    try db.execute(sql: "DELETE FROM writing WHERE token = ?", arguments: [token])
                }
            }
            var listed: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT file_name, size FROM songs") {
                listed[try row.decode(forColumn: "file_name")] = try row.decode(forColumn: "size")
            }
            for (name, size) in listed where !CacheFiles.isPlainName(name) || CacheFiles.size(of: directory + "/" + name) != size {
                try db.execute(sql: "DELETE FROM songs WHERE file_name = ?", arguments: [name])
                if CacheFiles.isPlainName(name) { CacheFiles.remove(directory + "/" + name) }
                listed[name] = nil
            }
            for name in try CacheFiles.names(in: directory) {
                let stray = (name.hasSuffix(CacheFiles.songSuffix) && listed[name] == nil) || (name.hasSuffix(CacheFiles.partSuffix) && !live.contains(name))
                if stray { CacheFiles.remove(directory + "/" + name) }
            }
        }
    }
}

/// One `songs` row, read cell by cell with GRDB's throwing decoders: a damaged row is an error, not a trap.
struct SongRow {
    let songID: String
    let fileName: String
    let size: Int
    let etag: String?
    let lastPlayed: Double
    let added: Double
    let pinned: Bool

    private static let select = """
        SELECT song_id, file_name, size, etag, last_played, added, song_id IN (SELECT song_id FROM pins) AS pinned FROM songs
        """

    static func fetch(_ db: Database, songID: String) throws -> SongRow? {
        try Row.fetchOne(db, sql: select + " WHERE song_id = ?", arguments: [songID]).map(SongRow.init)
    }

    static func fetchAll(_ db: Database) throws -> [SongRow] {
        try Row.fetchAll(db, sql: select + " ORDER BY last_played DESC, added DESC").map(SongRow.init)
    }

    init(_ row: Row) throws {
        songID = try row.decode(forColumn: "song_id")
        fileName = try row.decode(forColumn: "file_name")
        size = try row.decode(forColumn: "size")
        etag = try row.decode(forColumn: "etag")
        lastPlayed = try row.decode(forColumn: "last_played")
        added = try row.decode(forColumn: "added")
        pinned = try row.decode(forColumn: "pinned")
        guard CacheFiles.isPlainName(fileName) else {
            throw SongCacheError.index(path: CacheFiles.indexName, code: ResultCode.SQLITE_CORRUPT.rawValue, message: "song \(songID) has the file name \(fileName)")
        }
    }

    func song(in directory: String) -> CachedSong {
        CachedSong(
            songID: songID, path: directory + "/" + fileName, etag: etag, bytes: size,
            lastPlayed: Date(timeIntervalSince1970: lastPlayed), added: Date(timeIntervalSince1970: added), isPinned: pinned)
    }
}
