import Catalog
@testable import CatalogPostgres
import CatalogSQLite
import Foundation
import LibraryModel
import PostgresNIO
import SystemPackage
import TestSupport
import Testing

/// Catalogs made by TermPlayer before the schema was written once (the fixtures were made by commit
/// 883b3fe's `termplayer serve --demo`) open, upgrade in place and keep every song.
@Suite("Catalogs made by an earlier TermPlayer upgrade in place")
struct UpgradeTests {
    /// The demo songs the fixtures hold, in title order.
    static let demoSongs = [
        "otis-lambda-trio-blue-checksum", "mc-segfault-buffered-thoughts", "juniper-static-creme-brulee-skyline",
        "kernel-quartet-etude-for-a-quiet-compiler", "null-sinks-first-light", "parity-bits-gravel-road-gateway",
        "null-sinks-paper-satellites", "daemon-drift-yoake-no-shingo",
    ]

    static func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.resourceURL?.appendingPathComponent("Fixtures").appendingPathComponent(name))
    }

    /// What an upgraded catalog must still hold, and what it must now do.
    static func checkUpgraded(_ catalog: SQLCatalog) async throws {
        #expect(try await catalog.songCount() == 8)
        let listed = try await catalog.songs(matching: SongFilter(), after: nil, offset: 0, limit: 100)
        #expect(listed.map(\.id) == demoSongs)
        let yoake = try #require(try await catalog.song(try BundleID(validating: "daemon-drift-yoake-no-shingo")))
        #expect(yoake.title == "夜明けの信号")
        #expect(yoake.artist == "Daemon Drift")
        #expect(yoake.genreName == "Other")
        #expect(yoake.coverKey?.name == "daemon-drift-yoake-no-shingo.jpg")
        #expect(try await catalog.songs(matching: SongFilter(search: "creme brulee"), after: nil, offset: 0, limit: 10).map(\.id)
            == ["juniper-static-creme-brulee-skyline"])
        #expect(try await catalog.genres().map(\.songs) == [1, 1, 1, 1, 1, 1, 1, 1])
        // Writes still work, and new genres are numbered after the seeded ones.
        try await catalog.upsert(try SongRecord.sample("after-upgrade", title: "After the Upgrade"))
        #expect(try await catalog.songCount() == 9)
        #expect(try await catalog.genre(for: .name("Synthwave"), create: true)?.genreid == 9)
        // The listeners' tables are there, with the local listener.
        #expect(try await catalog.user(id: UserRecord.localID)?.isLocal == true)
        try await catalog.setLiked(true, songID: "null-sinks-first-light", userID: UserRecord.localID, at: Date())
        #expect(try await catalog.smartList(.liked, userID: UserRecord.localID, limit: 10).map(\.song?.title) == ["First Light"])
        // The upgrade gave the catalog an identity, which migrating again keeps.
        let identity = try await catalog.identity()
        #expect(UUID(uuidString: identity) != nil)
        // Migrating again changes nothing.
        try await catalog.migrate()
        #expect(try await catalog.songCount() == 9)
        #expect(try await catalog.identity() == identity)
    }

    @Test("an SQLite catalog migrated by GRDB's migrator is adopted, not migrated again")
    func sqlite() async throws {
        let folder = try Fixtures.temporaryDirectory("upgrade")
        let file = folder.appendingPathComponent("catalog.sqlite")
        try FileManager.default.copyItem(at: try Self.fixture("catalog-v1.sqlite"), to: file)
        let catalog = SQLCatalog(engine: try SQLiteEngine(path: FilePath(file.path)))
        try await catalog.migrate()
        try await Self.checkUpgraded(catalog)
    }

    @Test(
        "a PostgreSQL catalog from before keeps its songs and gains the new tables",
        .enabled(if: TestServices.postgresURL != nil, Comment(rawValue: TestServices.missingPostgres)))
    func postgres() async throws {
        let url = try await TestDatabase.create()
        let connection = try await PostgresConnection.connect(
            configuration: PostgresLocation(url: url).connectionConfiguration(), id: 0, logger: TestDatabase.logger)
        do {
            let dump = try String(contentsOf: try Self.fixture("catalog-v1-postgres.sql"), encoding: .utf8)
            // pg_dump ends every statement with ";" at the end of a line; no value in the fixture does.
            for statement in dump.components(separatedBy: ";\n") {
                let text = statement.split(separator: "\n").filter { !$0.hasPrefix("--") }.joined(separator: "\n")
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                try await connection.query(PostgresQuery(unsafeSQL: text), logger: TestDatabase.logger)
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        let catalog = SQLCatalog(engine: try PostgresEngine(url: url, logger: TestDatabase.logger))
        defer { catalog.close() }
        try await catalog.migrate()
        try await Self.checkUpgraded(catalog)
    }
}
