import Catalog
import CatalogSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import Logging
import Synchronization
import SystemPackage
import TestSupport
import Testing

/// `/songs` streams page after page once its first page is read. A catalog that fails after that must
/// not end the answer as a complete 200 of JSON cut short (a client would take it for the whole library):
/// the connection is dropped mid-body, which every HTTP client reports as a failed transfer.
@Suite struct LateListingErrorTests {
    /// The engine underneath, until it has answered `listings` song listings: every later one fails.
    final class FailingLater: SQLEngine {
        let engine: any SQLEngine
        let listings: Int
        let answered = Atomic<Int>(0)

        init(_ engine: any SQLEngine, listings: Int) {
            self.engine = engine
            self.listings = listings
        }

        var description: String { engine.description }
        var dialect: any SQLDialect { engine.dialect }

        func fetch<Row: Sendable>(
            _ statement: SQL, _ context: SQLContext, decode: @escaping @Sendable (inout any SQLRowReader) throws(CatalogError) -> Row
        ) async throws(CatalogError) -> [Row] {
            if context.operation == "list songs", answered.add(1, ordering: .relaxed).newValue > listings {
                throw .unavailable(location: description, reason: "the disk went away")
            }
            return try await engine.fetch(statement, context, decode: decode)
        }

        func transaction(_ steps: [SQLStep], lock: SQLLock?, _ context: SQLContext) async throws(CatalogError) -> [Int] {
            try await engine.transaction(steps, lock: lock, context)
        }

        func prepareForMigrations() async throws(CatalogError) -> Set<Int> { try await engine.prepareForMigrations() }
        func close() { engine.close() }
    }

    @Test("a catalog error after the first page drops the connection instead of ending a 200 cleanly")
    func droppedNotTruncated() async throws {
        let seeded = try await TestLibrary()
        try await seeded.seed((0..<6).map { TestLibrary.Seed(id: "song-\($0)", title: "Song \($0)") })
        let local = LocalLibrary(root: FilePath(seeded.folder.path))
        let catalog = SQLCatalog(engine: FailingLater(try SQLiteEngine(path: local.catalog), listings: 1))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let service = LibraryService(
            bucket: try LocalBucket(root: local.bucket, staging: local.staging), catalog: catalog, stagingDirectory: local.staging, logger: logger,
            scanAtStart: false)
        let accounts = Accounts(
            catalog: catalog, serviceToken: TestLibrary.token, sealer: try PasswordSealer(hexKey: String(repeating: "ab", count: 32)),
            isLoopbackOnly: true)
        let routes = LibraryRoutes(
            library: service, accounts: accounts, links: MediaLinks(), fallbackHost: "localhost", catalogIdentity: "late-error", listingPageSize: 2)
        let app = Application(router: routes.makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let result = try await Fixtures.onOwnThread {
                try Fixtures.runAllowingFailure("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/songs"])
            }
            #expect(result.standardOutput == "200", "the first page was read, so the status was already sent")
            // 18: CURLE_PARTIAL_FILE, "transfer closed with outstanding read data remaining".
            #expect(result.status == 18, "curl exited \(result.status): \(result.standardError)")
        }
    }
}
