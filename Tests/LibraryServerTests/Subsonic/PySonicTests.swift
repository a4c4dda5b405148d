import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

/// A real client on loopback: py-sonic (PyPI, `make test` installs it) drives the live service as a user's script
/// would — POSTed forms to NAME.view, token auth and legacy `enc:` auth, JSON.
@Suite("Subsonic: py-sonic against the live service")
struct PySonicTests {
    struct Report: Decodable {
        struct Failure: Decodable {
            var step: String
            var error: String
        }

        struct Browse: Decodable {
            var artists: [String]
            var albumSongs: [String]
            var directory: [String]
            var albumList2: [String]
            var genres: [String]
        }

        struct Stream: Decodable {
            var whole: Int
            var rangeStatus: Int
            var range: Int
            var prefixMatches: Bool
        }

        struct Cover: Decodable {
            var contentType: String?
            var bytes: Int
        }

        struct Marks: Decodable {
            var starred: [String]
            var rating: Int?
            var afterUnstar: Int
        }

        struct Playlists: Decodable {
            var entries: [String]
            var remaining: Int
        }

        struct Scrobble: Decodable {
            var nowPlaying: [String]
            var playCount: Int?
        }

        var failures: [Failure]
        var ping: Bool?
        var legacyPing: String?
        var wrongPassword: String?
        var browse: Browse?
        var search3: [String]?
        var searchWord: [String]?
        var stream: Stream?
        var cover: Cover?
        var marks: Marks?
        var playlists: Playlists?
        var scrobble: Scrobble?
    }

    @Test("browse, search, a ranged stream, a scaled cover, stars, ratings, playlists and scrobbles")
    func pySonic() async throws {
        let probe = try Fixtures.runAllowingFailure("python3", ["-c", "import libsonic"])
        guard probe.status == 0 else { throw Fixtures.FixtureError.missing("py-sonic for python3: `make test` installs it (pip install py-sonic)") }
        let library = try await SubsonicLibrary.make()
        let mp3Size = try Data(contentsOf: library.bucketFolder.appendingPathComponent("s1.mp3")).count
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/subsonic-py-sonic.py").path
        try await library.live { client async throws in
            try await SubsonicLibrary.addUser("ann", "open sesame+&%", to: client)
            let port = try #require(client.port)
            let result = try await Fixtures.onOwnThread {
                try Fixtures.runAllowingFailure("python3", [script, "--port", String(port), "--user", "ann", "--password", "open sesame+&%"])
            }
            let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
            #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.step): \($0.error)" }.joined(separator: "\n"))\n\(result.standardError)")
            #expect(result.status == 0)
            #expect(report.ping == true)
            #expect(report.legacyPing == "ann")
            #expect(report.wrongPassword == "CredentialError")
            #expect(report.browse?.artists == ["ABBA", "The Beatles", "Beyoncé"])
            #expect(report.browse?.albumSongs == ["s1", "s2"])
            #expect(report.browse?.directory == ["Alpha", "Bravo"])
            #expect(report.browse?.albumList2 == ["Abbey Road", "Arrival", "LEMONADE"], "an album is named as one of its songs spells it")
            #expect(report.browse?.genres == ["Pop", "Rock"])
            #expect(report.search3 == ["s1", "s2", "s3", "s4", "s5"])
            #expect(report.searchWord == ["Alpha"])
            #expect(report.stream?.whole == mp3Size)
            #expect(report.stream?.rangeStatus == 206)
            #expect(report.stream?.range == 100)
            #expect(report.stream?.prefixMatches == true)
            #expect(report.cover?.contentType == "image/jpeg")
            #expect((report.cover?.bytes ?? 0) > 0)
            #expect(report.marks?.starred == ["s2"])
            #expect(report.marks?.rating == 4)
            #expect(report.marks?.afterUnstar == 0)
            #expect(report.playlists?.entries == ["s2", "s3"])
            #expect(report.playlists?.remaining == 0)
            #expect(report.scrobble?.nowPlaying == ["s3"])
            #expect(report.scrobble?.playCount == 1)
        }
    }
}
