import Foundation
import LibraryModel
@testable import LibraryServer
import Logging
import SystemPackage
import TestSupport
import Testing

/// Starting the service inside another program (the UI's embedded library) and loading the demo: a
/// server that cannot listen says so instead of leaving start-up waiting, and the demo's bundles go
/// through the ingest queue, where the folder's watcher's reconciliations of the same files wait too.
@Suite struct BackgroundStartTests {
    static func options(_ folder: URL, port: Int = 0) -> ServeOptions {
        // No watcher events and no start-up walk: whatever the queue reconciles came from the demo.
        var options = ServeOptions(
            library: LocalLibrary(root: FilePath(folder.path)), port: port, token: TestLibrary.token, watchMode: .polling(interval: .seconds(3600)))
        options.scanAtStart = false
        return options
    }

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    static var demoBundles: Int {
        get throws { try FileManager.default.contentsOfDirectory(atPath: Fixtures.demoFolder.path).filter { $0.hasSuffix(".json") }.count }
    }

    @Test("a port already taken fails start-up with the reason, rather than waiting for a port forever", .timeLimit(.minutes(1)))
    func portTaken() async throws {
        let first = try await LibraryServer.startInBackground(Self.options(try Fixtures.temporaryDirectory("first")), logger: Self.logger)
        defer { first.stop() }
        let error = await #expect(throws: ServerSetupError.self) {
            let second = try await LibraryServer.startInBackground(
                Self.options(try Fixtures.temporaryDirectory("second"), port: first.port), logger: Self.logger)
            second.stop()
        }
        #expect(error?.description.contains("already in use") == true, "\(String(describing: error))")
    }

    @Test("serve --demo's bundles are ingested through the queue before the server answers", .timeLimit(.minutes(1)))
    func demoAtStart() async throws {
        var options = Self.options(try Fixtures.temporaryDirectory("demo-start"))
        options.demoFolder = FilePath(Fixtures.demoFolder.path)
        let server = try await LibraryServer.startInBackground(options, logger: Self.logger)
        defer { server.stop() }
        let expected = try Self.demoBundles
        #expect(try await server.prepared.library.catalog.songCount() == expected)
        #expect(server.prepared.library.queue.completed == expected)
    }

    @Test("the UI's D loads the demo through the running service's queue, once", .timeLimit(.minutes(1)))
    func demoWhileRunning() async throws {
        let server = try await LibraryServer.startInBackground(Self.options(try Fixtures.temporaryDirectory("demo-running")), logger: Self.logger)
        defer { server.stop() }
        let library = server.prepared.library
        let expected = try Self.demoBundles
        #expect(try await library.loadDemo(from: FilePath(Fixtures.demoFolder.path)) == expected)
        #expect(library.queue.completed == expected)
        #expect(try await library.loadDemo(from: FilePath(Fixtures.demoFolder.path)) == 0, "a library with songs is left alone")
        #expect(try await library.catalog.songCount() == expected)
    }
}
