import APIClient
import Foundation
import LibraryModel
import TestSupport
import Testing

@Suite("The listeners' API client over libcurl")
struct ListenerClientTests {
    @Test("sign in, mark, report, list and edit playlists — and a stale edit is a 409 that changes nothing")
    func listener() async throws {
        let mp3 = try Fixtures.toneMP3(seconds: 0.5)
        try await LibraryClientTests.withService { owner in
            for id in ["one", "two"] {
                _ = try await owner.upload(try ObjectKey(validating: "\(id).json"), bytes: Array(Fixtures.bundleJSON(title: "Song \(id)", artist: "Zoë")))
                _ = try await owner.upload(try ObjectKey(validating: "\(id).mp3"), fromFile: mp3.path)
            }
            _ = try await owner.addUser(NewUser(name: "ann", password: "pässwörd"))
            let login = try await LibraryClient(server: owner.server).login(name: "ann", password: "pässwörd")
            let ann = LibraryClient(server: owner.server, token: login.token)
            #expect(try await ann.me().name == "ann")
            #expect(try await ann.setLiked(true, song: "one").liked == true)
            #expect(try await ann.rate(song: "two", stars: 5).rating == 5)
            let songs = try await ann.songs()
            #expect(songs.map(\.liked) == [true, false])
            #expect(songs.map(\.rating) == [0, 5])
            #expect(try await ann.likes().map(\.id) == ["one"])
            let receipt = try await ann.reportPlays([PlayReport(song: "two", startedAt: "2026-11-01T12:00:00Z", playedSeconds: 0.5)])
            #expect(receipt.added == 1)
            #expect(try await ann.history().map(\.songId) == ["two"])

            let created = try await ann.createPlaylist(PlaylistChanges(name: "Mix", songs: ["one", "two", "one"]))
            #expect(created.songCount == 3)
            let moved = try await ann.moveInPlaylist(created.id, PlaylistMove(from: 3, to: 1, version: created.version))
            let renamed = try await ann.updatePlaylist(created.id, PlaylistChanges(name: "Road Mix", version: moved.version))
            #expect(renamed.name == "Road Mix")
            let stale = await #expect(throws: APIClientError.self) {
                _ = try await ann.removeFromPlaylist(created.id, PlaylistRemoval(positions: [1], version: moved.version))
            }
            #expect(stale?.status == 409)
            #expect(try await ann.playlist(created.id).entries.map(\.songId) == ["one", "one", "two"])
            let exported = String(decoding: try await ann.exportPlaylist(created.id, format: "m3u8"), as: UTF8.self)
            #expect(exported.contains("#PLAYLIST:Road Mix"))
            let imported = try await ann.importPlaylist(Array(exported.utf8), name: "Again", fileName: "mix.m3u8")
            #expect(imported.matched == 3)
            try await ann.deletePlaylist(created.id)
            #expect(try await ann.playlists().filter { !$0.smart }.map(\.name) == ["Again"])

            let key = try await ann.createAPIKey(named: "phone")
            #expect(try await LibraryClient(server: owner.server, token: key.key).me().name == "ann")
            try await ann.revokeAPIKey(key.id)
            try await ann.logout()
            let ended = await #expect(throws: APIClientError.self) { _ = try await ann.me() }
            #expect(ended?.status == 401)
            try await owner.removeUser("ann")
            #expect(try await owner.users().map(\.name) == ["local"])
        }
    }
}
