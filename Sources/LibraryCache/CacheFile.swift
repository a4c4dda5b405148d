import Foundation
import GRDB

/// Opening the cache's SQLite file, and what happens to one that cannot be used: a file that is not a
/// database, is damaged, or was written by a newer TermPlayer is set aside beside it (renamed, never
/// deleted: the newer TermPlayer may want it back) and a fresh one is made in its place.
enum CacheFile {
    /// The layout this code reads and writes (`PRAGMA user_version`). An older layout is rebuilt.
    static let schemaVersion = 2

    static func open(_ path: String) throws(LibraryCacheError) -> (DatabaseQueue, LibraryCache.Finding) {
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            let queue = try connect(path)
            let finding = try prepare(queue, existed: existed)
            return (queue, finding)
        } catch let problem as Unusable {
            let aside = try setAside(path, reason: problem.reason)
            let queue = try rethrowing(path) { try connect(path) }
            _ = try rethrowing(path) { try prepare(queue, existed: false) }
            return (queue, .setAside(reason: problem.reason, movedTo: aside))
        } catch {
            let reason = (error as? DatabaseError)?.message ?? "\(error)"
            // A file SQLite cannot read as a database is damaged, not a reason to give up caching.
            if let code = (error as? DatabaseError)?.resultCode, code == .SQLITE_NOTADB || code == .SQLITE_CORRUPT {
                let aside = try setAside(path, reason: reason)
                let queue = try rethrowing(path) { try connect(path) }
                _ = try rethrowing(path) { try prepare(queue, existed: false) }
                return (queue, .setAside(reason: reason, movedTo: aside))
            }
            throw .unavailable(path: path, reason: reason)
        }
    }

    /// One connection in WAL mode: readers and the writer of another TUI on the same file do not block
    /// each other, and a writer waits (up to 5 s) for the other's transaction instead of failing.
    private static func connect(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.label = "library-cache"
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            // A crash may lose the last changes (the feed brings them again), never the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    private struct Unusable: Error {
        var reason: String
    }

    private static func prepare(_ queue: DatabaseQueue, existed: Bool) throws -> LibraryCache.Finding {
        try queue.barrierWriteWithoutTransaction { db -> LibraryCache.Finding in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if version > schemaVersion {
                throw Unusable(reason: "it was written by a newer TermPlayer (cache layout \(version), this one reads \(schemaVersion))")
            }
            if version == schemaVersion {
                return .reused
            }
            let hadTables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'") ?? 0 > 0
            try db.inTransaction {
                for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                    try db.execute(sql: "DROP TABLE \(table.quotedDatabaseIdentifier)")
                }
                try create(db)
                try db.execute(sql: "PRAGMA user_version = \(schemaVersion)")
                return .commit
            }
            return existed && hadTables ? .rebuiltOlder(version: version) : .fresh
        }
    }

    /// The layout. Songs keep the position of the change that last wrote them, so a page read earlier
    /// (by another TUI on the same file) never overwrites a newer state. `sort_key` is the folded
    /// title's bytes: `ORDER BY sort_key, id` is the service's title order, the order the UI's library
    /// is built in. The songs are stored in that order (the table is clustered on it, `WITHOUT ROWID`),
    /// so reading the library is one walk along the file, not an index walk with a row lookup per song
    /// (layout 1: a million songs took seconds more).
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE songs (
                    id TEXT NOT NULL, sort_key BLOB NOT NULL, title TEXT NOT NULL, artist TEXT NOT NULL,
                    album TEXT NOT NULL, genre TEXT NOT NULL, year INTEGER, duration REAL, file TEXT NOT NULL, image TEXT,
                    liked INTEGER NOT NULL, rating INTEGER NOT NULL, plays INTEGER NOT NULL, last_played TEXT,
                    position INTEGER NOT NULL, PRIMARY KEY (sort_key, id)) WITHOUT ROWID;
                CREATE UNIQUE INDEX songs_id ON songs (id);
                CREATE TABLE genres (rank INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE listener_data (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, item BLOB NOT NULL, made_at REAL NOT NULL, claimed_by INTEGER);
                """)
    }

    /// Renames `path` and its WAL files out of the way, together (a newer TermPlayer may want them
    /// back); returns the new name.
    static func setAside(_ path: String, reason: String) throws(LibraryCacheError) -> String {
        let stamp = Int(Date().timeIntervalSince1970)
        let aside = "\(path).set-aside-\(stamp)"
        do {
            try FileManager.default.moveItem(atPath: path, toPath: aside)
        } catch {
            throw .unavailable(path: path, reason: "\(reason), and it could not be set aside: \(error.localizedDescription)")
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
        }
        return aside
    }

    private static func rethrowing<Value>(_ path: String, _ body: () throws -> Value) throws(LibraryCacheError) -> Value {
        do {
            return try body()
        } catch {
            throw .unavailable(path: path, reason: (error as? DatabaseError)?.message ?? "\(error)")
        }
    }
}
