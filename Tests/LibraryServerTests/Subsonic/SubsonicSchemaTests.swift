import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
@testable import SubsonicAPI
import TestSupport
import Testing

/// The schema gate: each method's `f=json` answer, with data in it, validated against the OpenSubsonic OpenAPI schemas
/// (vendored under Tests/Tools/opensubsonic-openapi) by python3-jsonschema.
@Suite("Subsonic: answers validate against the OpenSubsonic OpenAPI schemas")
struct SubsonicSchemaTests {
    struct Report: Decodable {
        struct Failure: Decodable {
            var file: String
            var error: String
        }

        var checked: [String]
        var failures: [Failure]
    }

    /// The methods asked, each answer written to FILE.json or FILE.xml (METHOD or METHOD.case, as the checkers read it).
    static let calls: [(file: String, method: String, parameters: [(String, String)])] = [
        ("ping", "ping", []),
        ("getLicense", "getLicense", []),
        ("getOpenSubsonicExtensions", "getOpenSubsonicExtensions", []),
        ("getMusicFolders", "getMusicFolders", []),
        ("getIndexes", "getIndexes", []),
        ("getMusicDirectory.artist", "getMusicDirectory", [("id", SubsonicLibrary.abba)]),
        ("getMusicDirectory.album", "getMusicDirectory", [("id", SubsonicLibrary.arrival)]),
        ("getArtists", "getArtists", []),
        ("getArtist", "getArtist", [("id", SubsonicLibrary.abba)]),
        ("getAlbum", "getAlbum", [("id", SubsonicLibrary.arrival)]),
        ("getSong", "getSong", [("id", "s1")]),
        ("getGenres", "getGenres", []),
        ("getSongsByGenre", "getSongsByGenre", [("genre", "Pop")]),
        ("getRandomSongs", "getRandomSongs", []),
        ("getAlbumList.byName", "getAlbumList", [("type", "alphabeticalByName")]),
        ("getAlbumList2.byName", "getAlbumList2", [("type", "alphabeticalByName")]),
        ("getAlbumList2.starred", "getAlbumList2", [("type", "starred")]),
        ("search2", "search2", [("query", "")]),
        ("search3", "search3", [("query", "")]),
        ("getStarred", "getStarred", []),
        ("getStarred2", "getStarred2", []),
        ("getUser", "getUser", [("username", "local")]),
        ("getPlaylists", "getPlaylists", []),
        ("getNowPlaying", "getNowPlaying", []),
        ("getScanStatus", "getScanStatus", []),
        ("getSimilarSongs2", "getSimilarSongs2", [("id", "s1")]),
        ("getSimilarSongs", "getSimilarSongs", [("id", "s1")]),
        ("getTopSongs", "getTopSongs", [("artist", "ABBA")]),
        ("getPlayQueue", "getPlayQueue", []),
        ("getArtistInfo2", "getArtistInfo2", [("id", SubsonicLibrary.abba)]),
        ("getAlbumInfo2", "getAlbumInfo2", [("id", SubsonicLibrary.arrival)]),
        ("getBookmarks", "getBookmarks", []),
        ("getAlbum.missing", "getAlbum", [("id", "al-0000000000000000")]),
        ("getAlbum.noId", "getAlbum", []),
    ]

    /// Every method's answer in `format` (json or xml), with data in it, one file each in a new folder; with
    /// createPlaylist's and getPlaylist's that is `calls.count + 2` files.
    static func answers(format: String) async throws -> URL {
        let library = try await SubsonicLibrary.make()
        let folder = try Fixtures.temporaryDirectory("subsonic-answers-\(format)")
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            // Something in every list: a star, a rating, a play now playing, a playlist and a saved queue.
            #expect(try await rest.errorCode("star", [("id", "s3"), ("albumId", SubsonicLibrary.arrival)]) == nil)
            #expect(try await rest.errorCode("setRating", [("id", "s1"), ("rating", "4")]) == nil)
            #expect(try await rest.errorCode("scrobble", [("id", "s2"), ("submission", "false")]) == nil)
            #expect(try await rest.errorCode("savePlayQueue", [("id", "s1"), ("id", "s2"), ("current", "s2"), ("position", "10")]) == nil)
            let created = try await rest.call("createPlaylist", [("name", "Schema"), ("songId", "s1"), ("songId", "s4")], format: format)
            try Data(buffer: created.body).write(to: folder.appendingPathComponent("createPlaylist.\(format)"))
            let playlists = try await rest.typed("getPlaylists", as: Strict.PlaylistsPayload.self)
            let playlist = try #require(playlists.playlists["playlist"]?.first?.id)
            let listed = try await rest.call("getPlaylist", [("id", playlist)], format: format)
            try Data(buffer: listed.body).write(to: folder.appendingPathComponent("getPlaylist.\(format)"))
            for call in calls {
                let response = try await rest.call(call.method, call.parameters, format: format)
                try Data(buffer: response.body).write(to: folder.appendingPathComponent("\(call.file).\(format)"))
            }
        }
        return folder
    }

    @Test("every method's JSON answer, successes and failures alike")
    func schemas() async throws {
        let folder = try await Self.answers(format: "json")
        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/subsonic-schema-check.py").path
        let result = try Fixtures.runAllowingFailure("python3", [script, folder.path])
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.file): \($0.error)" }.joined(separator: "\n"))\n\(result.standardError)")
        #expect(report.checked.count == Self.calls.count + 2)
    }
}
