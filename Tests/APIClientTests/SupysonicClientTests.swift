@testable import APIClient
import CoverArt
import CurlTransfer
import Foundation
import LibraryModel
import TestSupport
import Testing

/// The Subsonic client against a real supysonic (API 1.10.2, no tokens, no OpenSubsonic, UUID ids, empty
/// lists left out): everything TermPlayer does over Subsonic works on a server that is not its own.
/// Each test leaves the server as it found it.
@Suite("Subsonic client against a real supysonic", .serialized)
struct SupysonicClientTests {
    static func client(xml: Bool = false) throws -> (SubsonicClient, SupysonicServer) {
        let server = try SupysonicServer.running()
        var client = SubsonicClient(address: try SubsonicAddress(parsing: server.address), secret: .password(server.password))
        client.asksForXML = xml
        return (client, server)
    }

    @Test(
        "it refuses tokens, so the client signs in with the password; the library, genres, a genre in any case, search, covers — read as JSON and as XML",
        arguments: [false, true])
    func browsing(xml: Bool) async throws {
        let (client, server) = try Self.client(xml: xml)
        let listing = try await client.wholeLibrary(fromJSON: { (_: [UInt8]) throws(SubsonicNode.Unreadable) -> [Song] in [] }, fromSong: { $0 })
        #expect(listing.rows.map(\.title) == server.songs.map(\.title).sorted { $0.lowercased() < $1.lowercased() })
        #expect(Set(try await client.genres().map(\.genre)) == Set(server.songs.map(\.genre)))
        #expect(try await client.songs(SongQuery(genre: "rock")).count == server.songs.filter { $0.genre == "Rock" }.count)
        #expect(try await client.songs(SongQuery(search: "swing")).map(\.title) == ["Midnight Swing"])
        for song in listing.rows {
            let expected = try #require(server.songs.first { $0.title == song.title })
            #expect(song.artist == expected.artist && song.album == expected.album && song.year == expected.year)
            let covered = server.albumsWithCovers.contains("\(expected.artist)/\(expected.album)")
            #expect((song.image != nil) == covered, "\(song.title): cover \(song.image ?? "none")")
            if let image = song.image {
                let picture = try CoverDecoder.decode(try await client.cover(at: image, fittingSquare: 64))
                #expect(picture.width == 64 && picture.height == 64)
            }
        }
        // A ranged stream, as a seek asks for it.
        let first = try #require(listing.rows.first)
        let ranged = try await CurlSession(name: "test-range").perform(TransferRequest(url: client.playableURL(first.file), rangeStart: 1000))
        #expect(ranged.status == 206, "\(ranged.header("Content-Range") ?? "no Content-Range")")
        #expect(ranged.header("Content-Range")?.hasPrefix("bytes 1000-") == true)
        #expect(await client.isHealthy())
    }

    @Test("star (twice is fine), rate, scrobble, playlists; a wrong password and no radio say so")
    func marksAndPlaylists() async throws {
        let (client, server) = try Self.client()
        let songs = try await client.songs(SongQuery())
        let ids = songs.map(\.id)
        _ = try await client.setLiked(true, song: ids[0])
        _ = try await client.setLiked(true, song: ids[0])
        _ = try await client.rate(song: ids[1], stars: 3)
        let marked = try await client.songs(SongQuery())
        #expect(marked.first { $0.id == ids[0] }?.liked == true)
        #expect(marked.first { $0.id == ids[1] }?.rating == 3)
        _ = try await client.setLiked(false, song: ids[0])
        _ = try await client.rate(song: ids[1], stars: 0)
        let cleared = try await client.songs(SongQuery())
        #expect(cleared.allSatisfy { $0.liked != true && ($0.rating ?? 0) == 0 })
        #expect(try await client.reportPlays([PlayReport(song: ids[2], startedAt: "2026-12-01T10:00:00Z", playedSeconds: 3)]).added == 1)

        // supysonic answers createPlaylist with nothing: the new one is found by its name.
        let name = "TermPlayer test \(UUID().uuidString.prefix(8))"
        let created = try await client.createPlaylist(PlaylistChanges(name: name, songs: [ids[0], ids[1]]))
        #expect(created.name == name && created.songCount == 2)
        _ = try await client.addToPlaylist(created.id, PlaylistAddition(songs: [ids[2]]))
        _ = try await client.moveInPlaylist(created.id, PlaylistMove(from: 2, to: 0))
        _ = try await client.removeFromPlaylist(created.id, PlaylistRemoval(positions: [2]))
        #expect(try await client.playlist(created.id).entries.map(\.songId) == [ids[2], ids[0]])
        try await client.deletePlaylist(created.id)
        #expect(try await client.playlists().allSatisfy { $0.id != created.id })

        let radio = await #expect(throws: APIClientError.self) { _ = try await client.radio(RadioRequest(seeds: [.song(ids[0])])) }
        guard case .unsupported? = radio else {
            Issue.record("supysonic has no similar songs: expected unsupported, got \(String(describing: radio))")
            return
        }
        let wrong = SubsonicClient(address: client.address, secret: .password(server.password + "x"))
        let refused = await #expect(throws: APIClientError.self) { _ = try await wrong.genres() }
        #expect(refused?.status == 401, "\(String(describing: refused))")
    }
}
