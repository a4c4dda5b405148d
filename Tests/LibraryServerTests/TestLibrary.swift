import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import Logging
import NIOCore
import SystemPackage
import TestSupport
import Testing

/// A library service over a fresh temporary folder, for one test.
struct TestLibrary {
    static let token = "test-token-0123456789"
    let folder: URL
    let prepared: PreparedServer

    var bucketFolder: URL { folder.appendingPathComponent("bucket") }
    var service: LibraryService { prepared.library }

    /// A service on `folder` when given (another service on a library already made), else on a fresh one.
    init(
        folder: URL? = nil, publicBaseURL: String? = nil, watchMode: LocalBucket.WatchMode = .automatic, listingPageSize: Int = 1000,
        scanAtStart: Bool = true, host: String = "127.0.0.1"
    ) async throws {
        self.folder = try folder ?? Fixtures.temporaryDirectory("library")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        var options = ServeOptions(
            library: LocalLibrary(root: FilePath(self.folder.path)), host: host, port: 0, publicBaseURL: publicBaseURL,
            token: Self.token, watchMode: watchMode)
        options.listingPageSize = listingPageSize
        options.scanAtStart = scanAtStart
        prepared = try await LibraryServer.prepare(options, logger: logger)
    }

    struct Seed {
        var id: String
        var title: String
        var artist = "Artist"
        var album = "Album"
        var genre = 1
        var year: Int? = 2000
    }

    /// Puts real bundles (JSON + a short tone MP3) in the bucket and ingests them, before the server starts.
    func seed(_ songs: [Seed]) async throws {
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.2))
        for song in songs {
            try Fixtures.bundleJSON(title: song.title, album: song.album, artist: song.artist, genre: song.genre, year: song.year)
                .write(to: bucketFolder.appendingPathComponent("\(song.id).json"))
            try mp3.write(to: bucketFolder.appendingPathComponent("\(song.id).mp3"))
            let outcome = await service.ingestor.reconcile(try BundleID(validating: song.id))
            #expect(outcome.state == .ingested, "\(song.id): \(outcome.reason ?? "")")
        }
    }

    /// Runs `body` against the service on an ephemeral loopback port.
    func live<Value: Sendable>(_ setup: TestingSetup = .live, _ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await prepared.application.test(setup, body)
    }
}

extension TestClientProtocol {
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await executeRequest(uri: uri, method: .get, headers: headers, body: nil)
    }

    /// `PUT /bundles/{id}/{file}` with the test token.
    @discardableResult
    func put(_ key: String, _ bytes: some Sequence<UInt8>, token: String? = TestLibrary.token) async throws -> TestResponse {
        let id = key.split(separator: ".").dropLast().joined(separator: ".")
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await executeRequest(uri: "/bundles/\(id)/\(key)", method: .put, headers: headers, body: ByteBuffer(bytes: Array(bytes)))
    }

    func put(_ key: String, file: URL) async throws -> TestResponse {
        try await put(key, try Data(contentsOf: file))
    }

    func json<Value: Decodable>(_ uri: String, as type: Value.Type = Value.self) async throws -> Value {
        let response = try await get(uri)
        #expect(response.status == .ok, "GET \(uri) answered \(response.status): \(String(buffer: response.body))")
        return try JSONDecoder().decode(Value.self, from: Data(buffer: response.body))
    }

    func songs(_ query: String = "") async throws -> [Song] {
        try await json("/songs" + query)
    }

    /// Polls until `condition` holds, for changes that arrive asynchronously (a file dropped in the bucket).
    func eventually(within seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        try await TestSupport.eventually(within: .milliseconds(Int(seconds * 1000)), condition)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(buffer: body))
    }

    /// The `error` of an error body, or nil when the body is not `{"error":…}`.
    var errorMessage: String? { try? decode(ErrorBody.self).error }
}

/// Bundle parts made of real files: a tone MP3, a JPEG cover and the original JSON.
struct BundleFixture {
    let id: String
    let json: Data
    let mp3: Data
    let jpg: Data

    init(id: String, title: String? = nil, artist: String = "Artist", album: String = "Album", genre: Int = 6, year: Int = 2020, frequency: Int = 440, seconds: Double = 1) throws {
        self.id = id
        json = Fixtures.bundleJSON(title: title ?? "Song \(id)", album: album, artist: artist, genre: genre, year: year)
        mp3 = try Data(contentsOf: Fixtures.toneMP3(frequency: frequency, seconds: seconds))
        jpg = try Data(contentsOf: Fixtures.coverJPEG())
    }

    func bytes(_ part: BundlePart) -> Data {
        switch part {
        case .metadata: json
        case .audio: mp3
        case .cover, .pngCover: jpg
        }
    }
}
