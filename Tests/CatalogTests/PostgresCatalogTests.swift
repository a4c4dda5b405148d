import Foundation
import LibraryModel
@testable import Catalog
@testable import CatalogPostgres
import Logging
import PostgresNIO
import TestSupport
import Testing

/// Fresh databases on the test server (`scripts/test-services.sh`).
enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    struct Missing: Error, CustomStringConvertible {
        var description: String { TestServices.missingPostgres }
    }

    /// Creates an empty database, named for this test run, and returns its URL.
    static func create() async throws -> String {
        guard let url = TestServices.postgresURL, var components = URLComponents(string: url) else { throw Missing() }
        let name = TestServices.uniqueName("catalog")
        let connection = try await PostgresConnection.connect(
            configuration: PostgresLocation(url: url).connectionConfiguration(), id: 0, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        components.path = "/\(name)"
        guard let created = components.string else { throw Missing() }
        return created
    }

    /// The test server's URL with `change` applied: another password, port or database.
    static func url(_ change: (inout URLComponents) -> Void) throws -> String {
        guard let url = TestServices.postgresURL, var components = URLComponents(string: url) else { throw Missing() }
        change(&components)
        guard let changed = components.string else { throw Missing() }
        return changed
    }
}

@Suite("PostgreSQL catalog", .enabled(if: TestServices.postgresURL != nil, Comment(rawValue: TestServices.missingPostgres)))
struct PostgresCatalogTests {
    let logger = TestDatabase.logger

    @Test("libpq URLs are read with their defaults, percent-decoded, and described without the password")
    func goodURLs() throws {
        let full = try PostgresLocation(url: "postgres://alice:s%40cr%3At@db.example:6543/music?sslmode=disable&connect_timeout=3")
        #expect(full.user == "alice")
        #expect(full.password == "s@cr:t")
        #expect(full.host == "db.example")
        #expect(full.port == 6543)
        #expect(full.database == "music")
        #expect(full.sslMode == .disable)
        #expect(full.connectTimeout == .seconds(3))

        let short = try PostgresLocation(url: "postgresql://bob@localhost")
        #expect(short.port == 5432)
        #expect(short.password == nil)
        #expect(short.database == nil)
        #expect(short.sslMode == .prefer)
        #expect(short.connectTimeout == .seconds(10))
        #expect(short.description == "bob@localhost:5432/bob")

        let ipv6 = try PostgresLocation(url: "postgres://bob:pw@[::1]:5433/lib?sslmode=verify-full")
        #expect(ipv6.host == "::1")
        #expect(ipv6.sslMode == .verifyFull)
        #expect(ipv6.description == "bob@[::1]:5433/lib")

        let catalog = SQLCatalog(engine: try PostgresEngine(url: "postgres://alice:hunter2@db.example:6543/music", logger: logger))
        defer { catalog.close() }
        #expect(catalog.description == "PostgreSQL alice@db.example:6543/music")
    }

    @Test(
        "bad URLs are refused with a reason that never shows the password",
        arguments: [
            ("mysql://u:hunter2@h/db", "not postgres"),
            ("postgres://:hunter2@h/db", "no user name"),
            ("postgres://u:hunter2@/db", "no host"),
            ("postgres://u:hunter2@h:0/db", "out of range"),
            ("postgres://u:hunter2@h/db/more", "may not contain"),
            ("postgres://u:hunter2@h/db?sslmode=maybe", "sslmode must be one of"),
            ("postgres://u:hunter2@h/db?connect_timeout=soon", "connect_timeout"),
            ("postgres://u:hunter2@h/db?pool=5", "unsupported parameter \"pool\""),
            ("postgres://u:hunter2@h:port/db", "not a URL"),
            ("hunter2", "not a URL"),
        ])
    func badURLs(url: String, reason: String) throws {
        let error = try #require(throws: CatalogError.self) { SQLCatalog(engine: try PostgresEngine(url: url, logger: logger)) }
        guard case .unavailable(let location, let detail) = error else {
            Issue.record("expected .unavailable, got \(error)")
            return
        }
        #expect(location == "PostgreSQL URL")
        #expect(detail.contains(reason), "\(error)")
        #expect(!error.description.contains("hunter2"), "\(error)")
    }

    @Test("a server that refuses connections is unavailable at once, for migrate and for pooled calls")
    func unreachable() async throws {
        // Nothing listens on port 1 (tcpmux) on loopback, so connecting is refused straight away.
        let catalog = SQLCatalog(engine: try PostgresEngine(url: "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2", logger: logger))
        defer { catalog.close() }
        let clock = ContinuousClock()
        let start = clock.now
        // The bounds leave room for a loaded machine; what they rule out is the pool's minute of retries.
        let migrateError = try await #require(throws: CatalogError.self) { try await catalog.migrate() }
        #expect(clock.now - start < .seconds(10))
        // A pooled call waits for the connect timeout (2 s) at most, then says why.
        let countError = try await #require(throws: CatalogError.self) { _ = try await catalog.songCount() }
        #expect(clock.now - start < .seconds(25))
        for error in [migrateError, countError] {
            guard case .unavailable(let location, let reason) = error else {
                Issue.record("expected .unavailable, got \(error)")
                continue
            }
            #expect(location == "PostgreSQL u@127.0.0.1:1/db")
            #expect(reason.contains("Connection refused"), "\(error)")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("a refused login and a missing database are unavailable with the server's message and SQLSTATE")
    func refusedLogin() async throws {
        let wrongPassword = SQLCatalog(engine: try PostgresEngine(url: try TestDatabase.url { $0.password = "wrong" }, logger: logger))
        defer { wrongPassword.close() }
        let loginError = try await #require(throws: CatalogError.self) { try await wrongPassword.migrate() }
        #expect(loginError.description.contains("password authentication failed"), "\(loginError)")
        #expect(loginError.description.contains("28P01"), "\(loginError)")

        let missing = SQLCatalog(engine: try PostgresEngine(url: try TestDatabase.url { $0.path = "/no-such-database" }, logger: logger))
        defer { missing.close() }
        let missingError = try await #require(throws: CatalogError.self) { try await missing.migrate() }
        #expect(missingError.description.contains("does not exist"), "\(missingError)")
        #expect(missingError.description.contains("3D000"), "\(missingError)")
    }

    @Test("a server error keeps its SQLSTATE and message")
    func serverError() async throws {
        let catalog = SQLCatalog(engine: try PostgresEngine(url: try await TestDatabase.create(), logger: logger))
        defer { catalog.close() }
        try await catalog.migrate()
        let error = try await #require(throws: CatalogError.self) {
            try await catalog.upsert(try SongRecord.sample("orphan", title: "No Such Genre", genre: 99))
        }
        guard case .constraint(let kind, let operation, let code, let message) = error else {
            Issue.record("expected .constraint, got \(error)")
            return
        }
        #expect(kind == .foreignKey)
        #expect(operation == "store song")
        #expect(code == "23503")  // foreign_key_violation
        #expect(message.contains("foreign key constraint"), "\(message)")
        #expect(!message.contains("PSQLError"))
    }

    @Test("calls that time out together on a busy pool share one connection made to find out why")
    func busyPool() async throws {
        guard var components = URLComponents(string: try await TestDatabase.create()) else { throw TestDatabase.Missing() }
        components.query = "connect_timeout=1"
        let engine = try PostgresEngine(url: try #require(components.string), logger: logger, maximumConnections: 1)
        let catalog = SQLCatalog(engine: engine)
        defer { catalog.close() }
        try await catalog.migrate()
        let before = engine.directConnections.load(ordering: .relaxed)
        // The pool's one connection sleeps for 4 s while 30 calls wait 1 s for it.
        async let sleeper = engine.fetch("SELECT pg_sleep(4)", SQLContext("sleep", table: "songs")) { _ throws(CatalogError) in 0 }
        try await Task.sleep(for: .milliseconds(300))
        let reasons = await withTaskGroup(of: String.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    do {
                        _ = try await catalog.songCount()
                        return "answered"
                    } catch {
                        return "\(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        _ = try await sleeper
        #expect(reasons.count == 30)
        #expect(reasons.allSatisfy { $0.contains("every pooled connection stayed busy for 1") }, "\(reasons)")
        // Before, each of the 30 opened its own connection to ask.
        #expect(engine.directConnections.load(ordering: .relaxed) - before <= 2)
    }

    @Test("after shutdown, calls fail as unavailable")
    func shutdown() async throws {
        let catalog = SQLCatalog(engine: try PostgresEngine(url: try await TestDatabase.create(), logger: logger))
        try await catalog.migrate()
        #expect(try await catalog.songCount() == 0)
        catalog.close()
        let error = try await #require(throws: CatalogError.self) { _ = try await catalog.songCount() }
        guard case .unavailable(_, let reason) = error else {
            Issue.record("expected .unavailable, got \(error)")
            return
        }
        #expect(reason == "the catalog was shut down")
    }

    // MARK: Replicas sharing one database

    /// Two catalogs on one fresh database, as two service replicas would be.
    private func replicas() async throws -> (SQLCatalog, SQLCatalog) {
        let url = try await TestDatabase.create()
        return (SQLCatalog(engine: try PostgresEngine(url: url, logger: logger)), SQLCatalog(engine: try PostgresEngine(url: url, logger: logger)))
    }

    @Test("replicas migrating a fresh database at the same time both succeed, and the genres are seeded once")
    func concurrentMigration() async throws {
        let (first, second) = try await replicas()
        defer {
            first.close()
            second.close()
        }
        async let one: Void = first.migrate()
        async let two: Void = second.migrate()
        _ = try await (one, two)
        try await first.migrate()
        #expect(try await second.genres() == Genre.seeded.map { Genre(genreid: $0.genreid, genre: $0.genre, songs: 0) })
    }

    @Test("replicas creating the same new genre make one; different new genres get the next ids")
    func concurrentGenres() async throws {
        let (first, second) = try await replicas()
        defer {
            first.close()
            second.close()
        }
        try await first.migrate()
        try await second.migrate()
        let same = try await withThrowingTaskGroup(of: Int?.self) { group in
            for index in 0..<20 {
                let catalog = index.isMultiple(of: 2) ? first : second
                group.addTask { try await catalog.genre(for: .name(index < 10 ? "Vaporwave" : "VAPORWAVE"), create: true)?.genreid }
            }
            return try await group.reduce(into: Set<Int?>()) { $0.insert($1) }
        }
        #expect(same == [9])
        let different = try await withThrowingTaskGroup(of: Int?.self) { group in
            for index in 0..<10 {
                let catalog = index.isMultiple(of: 2) ? first : second
                group.addTask { try await catalog.genre(for: .name("Genre \(index)"), create: true)?.genreid }
            }
            return try await group.reduce(into: Set<Int?>()) { $0.insert($1) }
        }
        #expect(different == Set((10...19).map { Optional($0) }))
        #expect(try await first.genres().count == 19)
    }

    @Test("replicas upserting the same song at the same time leave one row")
    func concurrentUpserts() async throws {
        let (first, second) = try await replicas()
        defer {
            first.close()
            second.close()
        }
        try await first.migrate()
        try await first.record(ProblemRecord(subject: "same", state: .pending, reason: "waiting for same.mp3"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                let catalog = index.isMultiple(of: 2) ? first : second
                group.addTask { try await catalog.upsert(try SongRecord.sample("same", title: "Take \(index)")) }
            }
            try await group.waitForAll()
        }
        #expect(try await first.songCount() == 1)
        #expect(try await second.songs(matching: SongFilter(), after: nil, offset: 0, limit: 10).count == 1)
        #expect(try await second.problem("same") == nil)
    }
}
