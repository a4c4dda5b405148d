import APIClient
import CoverArt
import Foundation
import HummingbirdTesting
import LibraryModel
import LibraryServer
import Logging
import SystemPackage
import TestSupport
import Testing

@Suite("The API client over libcurl")
struct LibraryClientTests {
    static let token = "client-test-token"

    /// Runs `body` with a client of a live service on an ephemeral port.
    static func withService(_ body: @escaping @Sendable (LibraryClient) async throws -> Void) async throws {
        let folder = try Fixtures.temporaryDirectory("client")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let prepared = try await LibraryServer.prepare(
            ServeOptions(library: LocalLibrary(root: FilePath(folder.path)), port: 0, token: token), logger: logger)
        try await prepared.application.test(.live) { testClient in
            let port = try #require(testClient.port)
            try await body(LibraryClient(server: "http://127.0.0.1:\(port)/", token: token))
        }
    }

    @Test("uploads from files and bytes, then reads songs, one song, genres, bundles and status")
    func roundTrip() async throws {
        let mp3 = try Fixtures.toneMP3(seconds: 0.5)
        try await Self.withService { client in
            let json = try await client.upload(try ObjectKey(validating: "nee.json"), bytes: Array(Fixtures.bundleJSON(title: "Née à Paris", artist: "Zoë")))
            #expect(json.bundle.state == .pending)
            let audio = try await client.upload(try ObjectKey(validating: "nee.mp3"), fromFile: mp3.path)
            #expect(audio.bundle.state == .ingested)
            #expect(audio.bytes == (try Data(contentsOf: mp3)).count)

            #expect(try await client.songs().map(\.title) == ["Née à Paris"])
            #expect(try await client.songs(SongQuery(search: "nee a paris")).count == 1)
            #expect(try await client.songs(SongQuery(artist: "zoë & friends")).isEmpty)
            #expect(try await client.song(try BundleID(validating: "nee")).artist == "Zoë")
            #expect(try await client.genres().first { $0.genre == "Country" }?.songs == 1)
            #expect(try await client.bundle(try BundleID(validating: "nee")).objects == ["nee.json", "nee.mp3"])
            #expect(try await client.status().songs == 1)
            #expect(await client.isHealthy())
        }
    }

    @Test("error statuses come back with the service's own message")
    func httpErrors() async throws {
        try await Self.withService { client in
            await #expect {
                _ = try await client.song(try BundleID(validating: "missing"))
            } throws: { error in
                guard let error = error as? APIClientError, case .http(_, 404, let message) = error else { return false }
                return message == "no song with id missing"
            }
            var anonymous = client
            anonymous.token = nil
            await #expect {
                _ = try await anonymous.upload(try ObjectKey(validating: "x.json"), bytes: Array("{}".utf8))
            } throws: { error in
                (error as? APIClientError)?.status == 401 && "\(error)".contains("bearer token")
            }
            await #expect {
                _ = try await client.songs(SongQuery(limit: -1))
            } throws: { error in
                (error as? APIClientError)?.status == 400
            }
        }
    }

    @Test("a cover from the service comes at the size asked for; a missing one is a 404")
    func cover() async throws {
        try await Self.withService { client in
            _ = try await client.upload(try ObjectKey(validating: "wide.json"), bytes: Array(Fixtures.bundleJSON(title: "Wide")))
            _ = try await client.upload(try ObjectKey(validating: "wide.jpg"), bytes: try TestCovers.twoColourJPEG())
            _ = try await client.upload(try ObjectKey(validating: "wide.mp3"), fromFile: try Fixtures.toneMP3(seconds: 0.5).path)
            let image = try #require(try await client.song(try BundleID(validating: "wide")).image)
            let scaled = try CoverDecoder.decode(try await client.cover(at: image, fittingSquare: 100))
            #expect(scaled.size == CoverSize(width: 100, height: 50), "600 × 300, asked to fit 100 × 100")
            await #expect {
                _ = try await client.cover(at: image.replacingOccurrences(of: "wide.jpg", with: "gone.jpg"), fittingSquare: 100)
            } throws: { error in
                guard case .http(_, 404, _)? = error as? APIClientError else { return false }
                return true
            }
        }
    }

    @Test("no service at the address: a message that says how to start one, quickly")
    func unreachable() async throws {
        let client = LibraryClient(server: "http://127.0.0.1:9")
        let started = ContinuousClock.now
        await #expect {
            _ = try await client.genres()
        } throws: { error in
            guard case .unreachable = error as? APIClientError else { return false }
            return "\(error)".contains("termplayer serve") && "\(error)".contains("TERMPLAYER_SERVER")
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await client.isHealthy() == false)
    }

    @Test("a server that is not TermPlayer is named as such")
    func notTermPlayer() async throws {
        try await Self.withService { client in
            let wrong = LibraryClient(server: client.server + "/openapi.json#")
            await #expect {
                _ = try await wrong.genres()
            } throws: { error in
                if case .undecodable = error as? APIClientError { return true }
                return (error as? APIClientError)?.status == 404
            }
        }
    }

    @Test("an upload of a file that cannot be read fails with the path and errno's words")
    func unreadableFile() async throws {
        try await Self.withService { client in
            await #expect {
                _ = try await client.upload(try ObjectKey(validating: "x.mp3"), fromFile: "/nonexistent/x.mp3")
            } throws: { error in
                "\(error)".contains("/nonexistent/x.mp3") && "\(error)".contains("No such file")
            }
        }
    }
}
