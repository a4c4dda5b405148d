import Foundation
import LibraryModel
@testable import Catalog
import CatalogPostgres
import CatalogSQLite
import SystemPackage
import TestSupport
import Testing

/// Every catalog implementation, freshly created and migrated. PostgreSQL joins when the test server is
/// there (`make test` starts it), each test in a database of its own.
enum CatalogImplementations {
    static let all: [String] = TestServices.postgresURL == nil ? ["SQLite"] : ["SQLite", "PostgreSQL"]

    static func make(_ name: String) async throws -> any CatalogStore {
        let catalog = try open(name, at: try await freshLocation(name))
        try await catalog.migrate()
        return catalog
    }

    /// Where a new, empty catalog of this implementation can be made: an SQLite file's path, a PostgreSQL URL.
    static func freshLocation(_ name: String) async throws -> String {
        switch name {
        case "SQLite": try Fixtures.temporaryDirectory("catalog").appendingPathComponent("catalog.sqlite").path
        case "PostgreSQL": try await TestDatabase.create()
        default: throw Fixtures.FixtureError.missing("catalog implementation \(name)")
        }
    }

    /// A store on the catalog at `location`, not yet migrated; opening one location twice is a reopen, or a second replica.
    static func open(_ name: String, at location: String) throws -> SQLCatalog {
        switch name {
        case "SQLite": SQLCatalog(engine: try SQLiteEngine(path: FilePath(location)))
        case "PostgreSQL": SQLCatalog(engine: try PostgresEngine(url: location, logger: TestDatabase.logger))
        default: throw Fixtures.FixtureError.missing("catalog implementation \(name)")
        }
    }
}

extension SongRecord {
    static func sample(_ id: String, title: String, artist: String = "Artist", album: String = "Album", genre: Int = 1, year: Int? = 2000, etag: String = "a") throws -> SongRecord {
        let bundle = try BundleID(validating: id)
        return SongRecord(
            id: bundle, title: title, album: album, artist: artist, genreID: genre, year: year,
            audioKey: ObjectKey(bundle: bundle, part: .audio), coverKey: ObjectKey(bundle: bundle, part: .cover), duration: 180.5,
            size: 1000, bitrate: 128, sampleRate: 44100, channels: 2, metadataETag: "m", audioETag: etag, coverETag: "c")
    }
}

@Suite("Catalog stores")
struct CatalogStoreTests {
    @Test("migrating seeds the eight original genres, and migrating again changes nothing", arguments: CatalogImplementations.all)
    func seeds(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        try await catalog.migrate()
        let genres = try await catalog.genres()
        #expect(genres == Genre.seeded.map { Genre(genreid: $0.genreid, genre: $0.genre, songs: 0) })
    }

    @Test("genres resolve by id and by name in any case; unknown names are created once", arguments: CatalogImplementations.all)
    func genreResolution(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        #expect(try await catalog.genre(for: .id(6), create: false)?.genre == "Country")
        #expect(try await catalog.genre(for: .id(99), create: true) == nil)
        #expect(try await catalog.genre(for: .name("hIpHoP"), create: false)?.genreid == 4)
        #expect(try await catalog.genre(for: .name("Synthwave"), create: false) == nil)
        let created = try #require(try await catalog.genre(for: .name("Synthwave"), create: true))
        #expect(created.genreid == 9)
        #expect(try await catalog.genre(for: .name("SYNTHWAVE"), create: true)?.genreid == 9)
        #expect(try await catalog.genres().count == 9)
    }

    @Test("concurrent creation of the same new genre makes one genre", arguments: CatalogImplementations.all)
    func concurrentGenre(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        let ids = try await withThrowingTaskGroup(of: Int?.self) { group in
            for _ in 0..<20 { group.addTask { try await catalog.genre(for: .name("Vaporwave"), create: true)?.genreid } }
            return try await group.reduce(into: Set<Int?>()) { $0.insert($1) }
        }
        #expect(ids == [9])
    }

    @Test("upsert inserts, then replaces by id: never two rows, created time kept", arguments: CatalogImplementations.all)
    func upsert(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        var song = try SongRecord.sample("one", title: "First")
        song.createdAt = Date(timeIntervalSince1970: 1_000_000)
        try await catalog.upsert(song)
        song.title = "Second"
        song.genreID = 5
        try await catalog.upsert(song)
        #expect(try await catalog.songCount() == 1)
        let stored = try #require(try await catalog.song(song.id))
        #expect(stored.title == "Second")
        #expect(stored.genreName == "Jazz")
        #expect(stored.createdAt == Date(timeIntervalSince1970: 1_000_000))
        #expect(stored.coverKey?.name == "one.jpg")
        #expect(stored.duration == 180.5)
        try await catalog.removeSong(song.id)
        #expect(try await catalog.song(song.id) == nil)
    }

    @Test("listing: folded title order, id breaks ties, filters combine, the cursor resumes", arguments: CatalogImplementations.all)
    func listing(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        for song in [
            try SongRecord.sample("d", title: "beta", artist: "Beyoncé", genre: 3),
            try SongRecord.sample("c", title: "Alpha", artist: "ABBA", album: "Arrival", genre: 3),
            try SongRecord.sample("b", title: "Éclair", artist: "Fiona", genre: 2),
            try SongRecord.sample("a", title: "beta", artist: "beyonce", genre: 1),
        ] {
            try await catalog.upsert(song)
        }
        func ids(_ filter: SongFilter, after cursor: SongCursor? = nil, offset: Int = 0, limit: Int = 100) async throws -> [String] {
            try await catalog.songs(matching: filter, after: cursor, offset: offset, limit: limit).map(\.id)
        }
        #expect(try await ids(SongFilter()) == ["c", "a", "d", "b"])
        #expect(try await ids(SongFilter(genreID: 3)) == ["c", "d"])
        #expect(try await ids(SongFilter(artist: "BEYONCE")) == ["a", "d"])
        #expect(try await ids(SongFilter(album: "arrival")) == ["c"])
        #expect(try await ids(SongFilter(search: "eclair fiona")) == ["b"])
        #expect(try await ids(SongFilter(search: "beyonce beta")) == ["a", "d"])
        #expect(try await ids(SongFilter(genreID: 1, search: "beta")) == ["a"])
        #expect(try await ids(SongFilter(), offset: 1, limit: 2) == ["a", "d"])
        #expect(try await ids(SongFilter(), after: SongCursor(sortTitle: SearchKey.fold("beta"), id: "a")) == ["d", "b"])
        #expect(try await catalog.songIDs(after: nil, limit: 3).map(\.rawValue) == ["a", "b", "c"])
        #expect(try await catalog.songIDs(after: try BundleID(validating: "c"), limit: 3).map(\.rawValue) == ["d"])
        #expect(try await catalog.genres().first { $0.genreid == 3 }?.songs == 2)
    }

    @Test("problems keep their first-seen time while the state stays, and upsert clears them", arguments: CatalogImplementations.all)
    func problems(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        let first = Date(timeIntervalSince1970: 1_700_000_000)
        try await catalog.record(ProblemRecord(subject: "one", state: .pending, reason: "waiting for one.mp3", since: first))
        try await catalog.record(ProblemRecord(subject: "one", state: .pending, reason: "still waiting", since: first + 60))
        var stored = try #require(try await catalog.problem("one"))
        #expect(stored.since == first)
        #expect(stored.reason == "still waiting")
        try await catalog.record(ProblemRecord(subject: "one", state: .rejected, reason: "bad", since: first + 120))
        stored = try #require(try await catalog.problem("one"))
        #expect(stored.since == first + 120, "a new state starts a new problem")
        #expect(try await catalog.problems().map(\.subject) == ["one"])
        try await catalog.upsert(try SongRecord.sample("one", title: "Fixed"))
        #expect(try await catalog.problem("one") == nil)
        try await catalog.record(ProblemRecord(subject: "stray.txt", state: .rejected, reason: "ignored"))
        try await catalog.clearProblem("stray.txt")
        #expect(try await catalog.problems().isEmpty)
    }
}

@Suite("Catalog errors")
struct CatalogErrorTests {
    @Test("a broken constraint is told apart from other failures, with the engine's own code", arguments: CatalogImplementations.all)
    func constraints(implementation: String) async throws {
        let catalog = try #require(try await CatalogImplementations.make(implementation) as? SQLCatalog)
        defer { catalog.close() }
        let duplicate = try await #require(throws: CatalogError.self) {
            try await catalog.engine.transaction(
                [SQLStep("INSERT INTO genres (genreid, genre, genre_key) VALUES (1, 'Again', 'again')")], lock: nil,
                SQLContext("add genre", table: "genres"))
        }
        guard case .constraint(.unique, let operation, let code, _) = duplicate else {
            Issue.record("expected a unique constraint, got \(duplicate)")
            return
        }
        #expect(operation == "add genre")
        #expect(code == (implementation == "SQLite" ? "SQLite 1555" : "23505"), "\(duplicate)")
        let orphan = try await #require(throws: CatalogError.self) {
            try await catalog.upsert(try SongRecord.sample("orphan", title: "No Such Genre", genre: 99))
        }
        #expect(orphan.brokenConstraint == .foreignKey, "\(orphan)")
        let syntax = try await #require(throws: CatalogError.self) {
            try await catalog.engine.transaction([SQLStep("INSERT INTO nowhere VALUES (1)")], lock: nil, SQLContext("write", table: "nowhere"))
        }
        guard case .database = syntax else {
            Issue.record("expected a database error, got \(syntax)")
            return
        }
    }

    @Test("a NULL or a bad value where a row needs one is a corrupt row, not a crash", arguments: CatalogImplementations.all)
    func corruptRows(implementation: String) async throws {
        let catalog = try #require(try await CatalogImplementations.make(implementation) as? SQLCatalog)
        defer { catalog.close() }
        let null = try await #require(throws: CatalogError.self) {
            _ = try await catalog.engine.fetch("SELECT NULL, 1", SQLContext("read", table: "songs")) { row throws(CatalogError) in try row.text() }
        }
        guard case .corruptRow(let table, let detail) = null else {
            Issue.record("expected a corrupt row, got \(null)")
            return
        }
        #expect(table == "songs")
        #expect(detail.contains("NULL"), "\(detail)")
        let short = try await #require(throws: CatalogError.self) {
            _ = try await catalog.engine.fetch("SELECT 1", SQLContext("read", table: "songs")) { row throws(CatalogError) in
                (try row.integer(), try row.integer())
            }
        }
        #expect("\(short)".contains("fewer columns"), "\(short)")
        // A song whose stored id no longer validates is reported, and the listing of ids says which row.
        try await catalog.upsert(try SongRecord.sample("fine", title: "Fine"))
        try await catalog.engine.transaction(
            [SQLStep("UPDATE songs SET id = '../escape' WHERE id = 'fine'")], lock: nil, SQLContext("damage", table: "songs"))
        let damaged = try await #require(throws: CatalogError.self) { _ = try await catalog.songIDs(after: nil, limit: 10) }
        #expect("\(damaged)".contains("../escape"), "\(damaged)")
    }
}
