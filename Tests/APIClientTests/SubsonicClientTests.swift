@testable import APIClient
import CoverArt
import Foundation
import LibraryModel
import TestSupport
import Testing

/// The Subsonic client against TermPlayer's own `/rest` on loopback: the music-source seam read through
/// a real OpenSubsonic server, and each mark checked on the service's own API.
@Suite("Subsonic client against TermPlayer's own /rest")
struct SubsonicClientTests {
    static let password = "se+same & söme%"

    /// A service with three songs in two genres and a listener, ann; the body gets ann's Subsonic client
    /// (token auth) and her TermPlayer client, to check what the Subsonic calls did.
    static func withAnn(xml: Bool = false, _ body: @escaping @Sendable (SubsonicClient, LibraryClient) async throws -> Void) async throws {
        let mp3 = try Fixtures.toneMP3(seconds: 0.5)
        try await LibraryClientTests.withService { owner in
            for (id, title, genre) in [("one", "Été", 8), ("two", "Blue", 8), ("three", "Alpha", 6)] {
                _ = try await owner.upload(try ObjectKey(validating: "\(id).json"), bytes: Array(Fixtures.bundleJSON(title: title, artist: "Zoë", genre: genre)))
                _ = try await owner.upload(try ObjectKey(validating: "\(id).mp3"), fromFile: mp3.path)
            }
            _ = try await owner.addUser(NewUser(name: "ann", password: password))
            let login = try await LibraryClient(server: owner.server).login(name: "ann", password: password)
            let port = try #require(URLComponents(string: owner.server)?.port)
            let address = try SubsonicAddress(parsing: "subsonic+http://ann@127.0.0.1:\(port)")
            var client = SubsonicClient(address: address, secret: .password(password))
            client.asksForXML = xml
            try await body(client, LibraryClient(server: owner.server, token: login.token))
        }
    }

    @Test("the whole library in title order, genres, one song, a search, a genre's songs; stream URLs play once signed — in JSON and in XML", arguments: [false, true])
    func browsing(xml: Bool) async throws {
        try await Self.withAnn(xml: xml) { subsonic, ann in
            let listing = try await subsonic.wholeLibrary(fromJSON: { (_: [UInt8]) throws(SubsonicNode.Unreadable) -> [Song] in [] }, fromSong: { $0 })
            #expect(listing.rows.map(\.title) == ["Alpha", "Blue", "Été"])
            #expect(listing.position == nil)
            // Read two at a time (the first page sets the step), the same songs in the same order.
            var paged = subsonic
            paged.listingPageSize = 2
            let small = try await paged.wholeLibrary(fromJSON: { (_: [UInt8]) throws(SubsonicNode.Unreadable) -> [Song] in [] }, fromSong: { $0 })
            #expect(small.rows.map(\.id) == listing.rows.map(\.id))
            let names = try await subsonic.genres().map(\.genre)
            #expect(Set(try await ann.genres().filter { ($0.songs ?? 0) > 0 }.map(\.genre)).isSubset(of: Set(names)))
            let songs = try await subsonic.songs(SongQuery())
            let first = try #require(songs.first)
            #expect(try await subsonic.song(first.id).title == "Alpha")
            #expect(try await subsonic.songs(SongQuery(search: "blue")).map(\.title) == ["Blue"])
            let genreOfBlue = try #require(songs.first { $0.title == "Blue" }?.genre)
            #expect(try await subsonic.songs(SongQuery(genre: genreOfBlue)).map(\.title) == ["Blue", "Été"])
            #expect(try await subsonic.songs(SongQuery(limit: 1, offset: 1)).map(\.title) == ["Blue"])
            // The kept URL has no credentials; signed, it streams the MP3.
            #expect(!first.file.contains("t=") && !first.file.contains("p="))
            let audio = try await LibraryClient.sharedSession.perform(.init(url: subsonic.playableURL(first.file)))
            #expect(audio.status == 200)
            #expect(Array(audio.body.prefix(3)) == [UInt8]("ID3".utf8) || audio.body.first == 0xFF)
            #expect(await subsonic.isHealthy())
        }
    }

    @Test("a cover comes through getCoverArt at the size asked for; a song without one has no image")
    func covers() async throws {
        try await Self.withAnn { subsonic, ann in
            let jpeg = try TestCovers.twoColourJPEG(width: 600, height: 300)
            let owner = LibraryClient(server: ann.server, token: LibraryClientTests.token)
            _ = try await owner.upload(try ObjectKey(validating: "two.jpg"), bytes: jpeg)
            let songs = try await subsonic.songs(SongQuery())
            let blue = try #require(songs.first { $0.title == "Blue" })
            let image = try #require(blue.image, "the song with a cover names one")
            #expect(image.contains("/rest/getCoverArt.view?id=") && !image.contains("t="))
            let bytes = try await subsonic.cover(at: image, fittingSquare: 64)
            let picture = try CoverDecoder.decode(bytes)
            #expect(picture.width == 64 && picture.height == 32, "600 × 300 scaled to fit 64: \(picture.width) × \(picture.height)")
            #expect(songs.first { $0.title == "Alpha" }?.image == nil)
        }
    }

    @Test("star, rate, scrobble and playlists through Subsonic show on the listener's own API — in JSON and in XML", arguments: [false, true])
    func marksAndPlaylists(xml: Bool) async throws {
        try await Self.withAnn(xml: xml) { subsonic, ann in
            let songs = try await subsonic.songs(SongQuery())
            let ids = songs.map(\.id)
            #expect(try await subsonic.setLiked(true, song: ids[0]).liked == true)
            #expect(try await subsonic.rate(song: ids[1], stars: 4).rating == 4)
            #expect(try await ann.likes().map(\.id) == [ids[0]])
            #expect(try await ann.songs().first { $0.id == ids[1] }?.rating == 4)
            #expect(try await subsonic.songs(SongQuery()).first?.liked == true)
            _ = try await subsonic.setLiked(false, song: ids[0])
            #expect(try await ann.likes().isEmpty)

            // A counted play is scrobbled; a two-second skip is not.
            let receipt = try await subsonic.reportPlays([
                PlayReport(song: ids[2], startedAt: "2026-11-01T12:00:00Z", playedSeconds: 0.5),
                PlayReport(song: ids[1], startedAt: "2026-11-01T12:05:00Z", playedSeconds: 0.1),
            ])
            #expect(receipt.added >= 1)
            #expect(try await ann.history().map(\.songId).contains(ids[2]))

            let created = try await subsonic.createPlaylist(PlaylistChanges(name: "Road", songs: [ids[0], ids[1]]))
            #expect(created.songCount == 2)
            _ = try await subsonic.addToPlaylist(created.id, PlaylistAddition(songs: [ids[2]]))
            _ = try await subsonic.moveInPlaylist(created.id, PlaylistMove(from: 2, to: 0))
            _ = try await subsonic.removeFromPlaylist(created.id, PlaylistRemoval(positions: [1]))
            let renamed = try await subsonic.updatePlaylist(created.id, PlaylistChanges(name: "Road trip"))
            #expect(renamed.name == "Road trip")
            #expect(try await subsonic.playlist(created.id).entries.map(\.songId) == [ids[2], ids[1]])
            let mine = try await ann.playlists().filter { !$0.smart }
            #expect(mine.map(\.name) == ["Road trip"])
            #expect(try await ann.playlist(try #require(mine.first).id).entries.map(\.songId) == [ids[2], ids[1]])
            try await subsonic.deletePlaylist(created.id)
            #expect(try await subsonic.playlists().isEmpty)

            // Radio from the server's similar songs (getSimilarSongs2, by the artist the listing named).
            let picks = try await subsonic.radio(RadioRequest(seeds: [.song(ids[0])], played: [ids[1]], limit: 5))
            #expect(!picks.isEmpty, "the recommender answers songs by the same artist")
            #expect(picks.allSatisfy { $0.song.id != ids[0] && $0.song.id != ids[1] && ids.contains($0.song.id) }, "\(picks.map(\.song.id))")
            #expect(try await subsonic.me().name == "ann")
        }
    }

    @Test("an API key signs in alone; a wrong password, a server that is not Subsonic and no server each say so")
    func signingIn() async throws {
        try await Self.withAnn { subsonic, ann in
            let key = try await ann.createAPIKey(named: "subsonic")
            let byKey = SubsonicClient(address: subsonic.address, secret: .apiKey(try #require(key.key)))
            #expect(try await byKey.me().name == "ann")
            #expect(try await byKey.songs(SongQuery()).count == 3)

            let wrong = SubsonicClient(address: subsonic.address, secret: .password("not it"))
            let refused = await #expect(throws: APIClientError.self) { _ = try await wrong.genres() }
            guard case .subsonic(_, 40, _)? = refused else {
                Issue.record("a wrong password: expected Subsonic error 40, got \(String(describing: refused))")
                return
            }
            #expect(refused?.description.contains("check the user name and password") == true)

            // TermPlayer's own API under a path that is not /rest: it answers, but not as Subsonic does.
            let elsewhere = try SubsonicAddress(parsing: "subsonic+" + ann.server.replacingOccurrences(of: "http://", with: "http://ann@") + "/songs")
            let notSubsonic = await #expect(throws: APIClientError.self) { _ = try await SubsonicClient(address: elsewhere, secret: .password("x")).genres() }
            #expect(notSubsonic.map { "\($0)" }?.contains("Subsonic") == true)
        }
        let nobody = SubsonicClient(address: try SubsonicAddress(parsing: "subsonic+http://ann@127.0.0.1:9"), secret: .password("x"))
        let unreachable = await #expect(throws: APIClientError.self) { _ = try await nobody.genres() }
        guard case .noAnswer? = unreachable else {
            Issue.record("no server: expected noAnswer, got \(String(describing: unreachable))")
            return
        }
        #expect(unreachable?.isOutage == true)
        #expect(unreachable.map { "\($0)" }?.contains("t=") == false, "no credentials in the words: \(String(describing: unreachable))")
        #expect(await !nobody.isHealthy())
    }
}
