import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// The cache's index: one SQLite file beside the songs, shared by every TermPlayer on the machine.
///
/// Why SQLite in WAL mode: two TUIs open at once must agree on which files exist and how much room is
/// left. SQLite's file locks serialise the writers across processes (`BEGIN IMMEDIATE`, waiting up to
/// the busy timeout instead of failing), WAL lets readers go on beside a writer, and a transaction makes
/// "evict these, reserve that" one step nobody sees half done. Every write that also touches the folder
/// (a rename into place, the sweep of strays) happens inside its transaction, so no process ever sees a
/// file without its row or deletes one another process is about to list.
final class SongIndex: Sendable {
    /// Bumped when the schema changes; an index from a later version is set aside, not guessed at.
    static let schemaVersion = 1

    let path: String
    private let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// Opens (or makes) the index. One that is not a database, is damaged or comes from a newer schema is
    /// renamed with `.set-aside-<time>` and a new one made; `setAside` names it.
    static func open(path: String) throws(SongCacheError) -> (index: SongIndex, setAside: String?) {
        switch attempt(path: path) {
        case .success(let index):
            return (index, nil)
        case .failure(.unusable(let error)):
            throw error
        case .failure(.setAside):
            let aside = "\(path).set-aside-\(Int(Date().timeIntervalSince1970))"
            // The WAL and shared-memory files belong to the old database: a new file under the same name
            // must not replay them.
            for suffix in ["", "-wal", "-shm"] where access(path + suffix, F_OK) == 0 {
                guard rename(path + suffix, aside + suffix) == 0 else {
                    throw .file(operation: "set aside", path: path + suffix, errno: errno)
                }
            }
            switch attempt(path: path) {
            case .success(let index): return (index, aside)
            case .failure(.unusable(let error)): throw error
            case .failure(.setAside(let reason)): throw .index(path: path, code: ResultCode.SQLITE_CORRUPT.rawValue, message: "still unusable after setting the old one aside: \(reason)")
            }
        }
    }

    private enum OpenFailure: Error {
        /// Not ours to repair: a permission, a full disk, a lock held too long.
        case unusable(SongCacheError)
        /// Damaged or newer: set it aside and start again.
        case setAside(String)
    }

    private static func attempt(path: String) -> Result<SongIndex, OpenFailure> {
        var configuration = Configuration()
        configuration.label = "song-cache"
        configuration.journalMode = .wal
        // Another TUI's write lasts milliseconds; waiting for it beats failing the listener's action.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let check = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA quick_check") }
            guard check == "ok" else { return .failure(.setAside("quick_check: \(check ?? "no answer")")) }
            let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } ?? 0
            guard version <= schemaVersion else { return .failure(.setAside("schema version \(version) is newer than \(schemaVersion)")) }
            if version < schemaVersion {
                try queue.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        // Re-read under the lock: another process may have made it meanwhile.
                        if try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 < schemaVersion { try createSchema(db) }
                        return .commit
                    }
                }
            }
            return .success(SongIndex(path: path, queue: queue))
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            return .failure(.setAside(error.message ?? "\(error.resultCode)"))
        } catch {
            return .failure(.unusable(wrap(error, path: path)))
        }
    }

    private static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE songs (
                    song_id TEXT PRIMARY KEY NOT NULL,
                    file_name TEXT NOT NULL UNIQUE,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    etag TEXT,
                    last_played REAL NOT NULL,
                    added REAL NOT NULL
                );
                CREATE INDEX songs_by_last_played ON songs (last_played, added);
                -- A pin is kept apart from the copy: a listener pins a playlist before its songs are here.
                CREATE TABLE pins (song_id TEXT PRIMARY KEY NOT NULL, pinned REAL NOT NULL);
                -- Room held by downloads in flight, so two processes never both fill the last gigabyte.
                CREATE TABLE writing (
                    token TEXT PRIMARY KEY NOT NULL,
                    song_id TEXT NOT NULL,
                    bytes INTEGER NOT NULL CHECK (bytes >= 0),
                    pid INTEGER NOT NULL,
                    started REAL NOT NULL
                );
                PRAGMA user_version = \(schemaVersion);
                """)
    }

    // MARK: Transactions

    /// A read; in WAL mode it never waits for a writer.
    func read<T>(_ work: (Database) throws -> T) throws(SongCacheError) -> T {
        do {
            return try queue.read { db in try work(db) }
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    /// A write under SQLite's write lock, taken at the start (`BEGIN IMMEDIATE`): a deferred transaction
    /// that reads and then writes can fail at once with SQLITE_BUSY when another process wrote meanwhile.
    func write<T>(_ work: (Database) throws -> T) throws(SongCacheError) -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: Result<T, any Error>?
                try db.inTransaction(.immediate) {
                    result = Result { try work(db) }
                    if case .failure = result { return .rollback }
                    return .commit
                }
                guard let result else { throw SongCacheError.index(path: path, code: ResultCode.SQLITE_MISUSE.rawValue, message: "the transaction did not run") }
                return try result.get()
            }
        } catch {
            throw Self.wrap(error, path: path)
        }
    }

    static func wrap(_ error: any Error, path: String) -> SongCacheError {
        if let error = error as? SongCacheError { return error }
        guard let error = error as? DatabaseError else {
            return .index(path: path, code: ResultCode.SQLITE_ERROR.rawValue, message: "\(error)")
        }
        if error.resultCode == .SQLITE_FULL { return .diskFull(path: path, errno: ENOSPC) }
        return .index(path: path, code: error.extendedResultCode.rawValue, message: error.message ?? "\(error.resultCode)")
    }
}
