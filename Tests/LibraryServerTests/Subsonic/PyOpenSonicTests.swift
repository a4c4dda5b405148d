import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import NIOCore
import TestSupport
import Testing

/// A second real client on loopback: py-opensonic (PyPI, `make test` installs it), whose strict dataclasses reject an
/// answer that lacks a required field, drives the live service as a user's script would — token auth and an API key,
/// the extensions, browsing, search, a ranged stream, covers, stars, ratings, playlists and scrobbles.
@Suite("Subsonic: py-opensonic against the live service")
struct PyOpenSonicTests {
    struct Report: Decodable {
        struct Failure: Decodable {
            var step: String
            var error: String
        }

        struct Ping: Decodable {
            var ok: Bool
            var wrongPassword: String
        }

        struct Browse: Decodable {
            var artists: [String]
            var firstArtistAlbums: [String]
            var albumCount: Int?
            var album: String
            var albumSongCount: Int
            var albumSongs: [String]
            var genres: [Genre]
        }

        struct Genre: Decodable, Equatable {
            var name: String
            var songs: Int
        }

        struct Extension: Decodable, Equatable {
            var name: String
            var versions: [Int]
        }

        struct Search: Decodable {
            var songs: [String]
            var albums: Int
            var artists: Int
            var word: [String]
        }

        struct Song: Decodable {
            var id: String
            var title: String
            var album: String?
            var artist: String?
            var albumId: String?
            var isDir: Bool
            var suffix: String?
            var contentType: String?
            var size: Int?
            var coverArt: String?
            var type: String?
        }

        struct Stream: Decodable {
            var whole: Int
            var status: Int
            var rangeStatus: Int
            var contentRange: String?
            var range: Int
            var prefixMatches: Bool
        }

        struct Cover: Decodable {
            var contentType: String?
            var size: [Int]?
            var smallContentType: String?
            var smallSize: [Int]?
        }

        struct Marks: Decodable {
            var songs: [String]
            var albums: [String]
            var stamped: Bool
            var rating: Int?
            var cleared: Int?
            var afterUnstar: Int
        }

        struct Playlists: Decodable {
            var listedSongCount: Int
            var created: [String]
            var name: String
            var comment: String?
            var entries: [String]
            var songCount: Int
            var remaining: Int
        }

        /// `nowPlaying` is `[[id, username]]`.
        struct Scrobble: Decodable {
            var nowPlaying: [[String]]
            var playCount: Int?
        }

        struct APIKey: Decodable {
            var ping: Bool
            var user: String
            var songs: Int
            var wrongKey: String
        }

        var failures: [Failure]
        var ping: Ping?
        var extensions: [Extension]?
        var browse: Browse?
        var search3: Search?
        var song: Song?
        var stream: Stream?
        var cover: Cover?
        var marks: Marks?
        var playlists: Playlists?
        var scrobble: Scrobble?
        var apiKey: APIKey?
        var tokenInfo: String?
    }

    @Test("token auth and an API key; browse, search, a song, a ranged stream, covers, stars, ratings, playlists, scrobbles")
    func pyOpenSonic() async throws {
        let probe = try Fixtures.runAllowingFailure("python3", ["-c", "import libopensonic"])
        guard probe.status == 0 else {
            throw Fixtures.FixtureError.missing("py-opensonic for python3: `make test` installs it (pip install py-opensonic)")
        }
        let library = try await SubsonicLibrary.make()
        let mp3Size = try Data(contentsOf: library.bucketFolder.appendingPathComponent("s1.mp3")).count
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/subsonic-py-opensonic.py").path
        let password = "open sesame+&%"
        try await library.live { client async throws in
            try await SubsonicLibrary.addUser("ann", password, to: client)
            let keyResponse = try await client.executeRequest(
                uri: "/me/keys", method: .post,
                headers: [.authorization: "Basic \(Data("ann:\(password)".utf8).base64EncodedString())", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"name":"py-opensonic"}"#))
            #expect(keyResponse.status == .created, "\(String(buffer: keyResponse.body))")
            let key = try #require((try JSONSerialization.jsonObject(with: Data(buffer: keyResponse.body)) as? [String: Any])?["key"] as? String)
            let port = try #require(client.port)
            let arguments = [script, "--port", String(port), "--user", "ann", "--password", password, "--api-key", key,
                             "--song", "s1", "--other", "s4", "--third", "s3", "--album", SubsonicLibrary.arrival]
            let result = try await Fixtures.onOwnThread { try Fixtures.runAllowingFailure("python3", arguments) }
            let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
            let failures = report.failures
            #expect(failures.isEmpty, "\(failures.map { "\($0.step): \($0.error)" }.joined(separator: "\n"))\n\(result.standardError)")

            #expect(report.ping?.ok == true)
            #expect(report.ping?.wrongPassword.hasPrefix("CredentialError") == true, "\(report.ping?.wrongPassword ?? "")")
            #expect(report.extensions == [.init(name: "apiKeyAuthentication", versions: [1]), .init(name: "formPost", versions: [1])])

            #expect(report.browse?.artists == ["ABBA", "The Beatles", "Beyoncé"])
            #expect(report.browse?.firstArtistAlbums == ["Arrival"])
            #expect(report.browse?.albumCount == 1)
            #expect(report.browse?.album == "Arrival")
            #expect(report.browse?.albumSongCount == 2)
            #expect(report.browse?.albumSongs == ["s1", "s2"])
            #expect(report.browse?.genres == [.init(name: "Pop", songs: 4), .init(name: "Rock", songs: 1)])

            #expect(report.search3?.songs == ["s1", "s2", "s3", "s4", "s5"], "an empty query is everything")
            #expect(report.search3?.albums == 3)
            #expect(report.search3?.artists == 3)
            #expect(report.search3?.word == ["Alpha"])

            #expect(report.song?.id == "s1")
            #expect(report.song?.title == "Alpha")
            #expect(report.song?.album == "Arrival")
            #expect(report.song?.artist == "ABBA")
            #expect(report.song?.albumId == SubsonicLibrary.arrival)
            #expect(report.song?.isDir == false)
            #expect(report.song?.suffix == "mp3")
            #expect(report.song?.contentType == "audio/mpeg")
            #expect(report.song?.size == mp3Size)
            #expect(report.song?.coverArt == "s1")
            #expect(report.song?.type == "music")

            #expect(report.stream?.status == 200)
            #expect(report.stream?.whole == mp3Size)
            #expect(report.stream?.rangeStatus == 206)
            #expect(report.stream?.contentRange == "bytes 0-99/\(mp3Size)")
            #expect(report.stream?.range == 100)
            #expect(report.stream?.prefixMatches == true)

            #expect(report.cover?.contentType == "image/jpeg")
            #expect(report.cover?.size == [300, 300], "the demo cover as it is")
            #expect(report.cover?.smallContentType == "image/jpeg")
            #expect(report.cover?.smallSize == [64, 64])

            #expect(report.marks?.songs == ["s1", "s2", "s4"], "starring an album stars each of its songs")
            #expect(report.marks?.albums == [SubsonicLibrary.arrival], "LEMONADE has a song not starred")
            #expect(report.marks?.stamped == true)
            #expect(report.marks?.rating == 4)
            #expect(report.marks?.cleared == nil, "rating 0 removes the rating")
            #expect(report.marks?.afterUnstar == 0)

            #expect(report.playlists?.listedSongCount == 2)
            #expect(report.playlists?.created == ["s1", "s4"])
            #expect(report.playlists?.name == "py-opensonic return")
            #expect(report.playlists?.comment == "both ways")
            #expect(report.playlists?.entries == ["s4", "s3"])
            #expect(report.playlists?.songCount == 2)
            #expect(report.playlists?.remaining == 0)

            #expect(report.scrobble?.nowPlaying == [["s3", "ann"]])
            #expect(report.scrobble?.playCount == 1)

            #expect(report.apiKey?.ping == true)
            #expect(report.apiKey?.user == "ann")
            #expect(report.apiKey?.songs == 5)
            #expect(report.apiKey?.wrongKey.hasPrefix("SonicError") == true, "error 44 has no class of its own: \(report.apiKey?.wrongKey ?? "")")

            // tokenInfo belongs to the apiKeyAuthentication extension the service advertises.
            #expect(report.tokenInfo == "ann", "\(report.failures.filter { $0.step == "tokenInfo" }.map(\.error))")
        }
    }
}
