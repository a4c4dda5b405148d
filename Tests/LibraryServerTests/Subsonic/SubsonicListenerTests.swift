import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import CoverArt
import LibraryModel
@testable import LibraryServer
import NIOCore
@testable import SubsonicAPI
import TestSupport
import Testing

@Suite("Subsonic: streams, covers, stars, plays, playlists and play queues")
struct SubsonicListenerTests {
    @Test("stream and download: the whole song, a range (206), a resumed range, HEAD; an unknown song is an error in the format asked")
    func streams() async throws {
        let library = try await SubsonicLibrary.make()
        let mp3 = try Data(contentsOf: library.bucketFolder.appendingPathComponent("s1.mp3"))
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            for method in ["stream", "download"] {
                let whole = try await rest.call(method, [("id", "s1"), ("maxBitRate", "0")], format: nil)
                #expect(whole.status == .ok)
                #expect(whole.headers[.contentType] == "audio/mpeg")
                #expect(whole.headers[.acceptRanges] == "bytes")
                #expect(Data(buffer: whole.body) == mp3)
            }
            let part = try await rest.call("stream", [("id", "s1")], format: nil, headers: [.range: "bytes=10-19"])
            #expect(part.status == .partialContent)
            #expect(part.headers[.contentRange] == "bytes 10-19/\(mp3.count)")
            #expect(Data(buffer: part.body) == mp3.subdata(in: 10..<20))
            let resumed = try await rest.call("stream", [("id", "s1")], format: nil, transport: .postQuery, headers: [.range: "bytes=100-"])
            #expect(resumed.status == .partialContent)
            #expect(Data(buffer: resumed.body) == mp3.subdata(in: 100..<mp3.count))
            let head = try await rest.call("stream", [("id", "s1")], format: nil, head: true)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(mp3.count))
            #expect(head.body.readableBytes == 0)
            let past = try await rest.call("stream", [("id", "s1")], format: nil, headers: [.range: "bytes=\(mp3.count + 10)-"])
            #expect(past.status == .rangeNotSatisfiable)

            let missingXML = try await rest.call("stream", [("id", "nope")], format: nil)
            #expect(missingXML.status == .ok)
            #expect(missingXML.headers[.contentType]?.hasPrefix("text/xml") == true, "DSub checks for text/xml")
            #expect(try XMLTree.parse(Data(buffer: missingXML.body)).first("error")?.attributes["code"] == "70")
            #expect(try await rest.errorCode("stream", [("id", "nope")]) == 70, "py-sonic checks for application/json")
        }
    }

    @Test("getCoverArt: the original without size, a scaled JPEG with it; by a song's, an album's or an artist's id")
    func covers() async throws {
        let library = try await SubsonicLibrary.make()
        let jpg = try Data(contentsOf: library.bucketFolder.appendingPathComponent("s1.jpg"))
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let original = try await rest.call("getCoverArt", [("id", "s1")], format: nil)
            #expect(original.status == .ok)
            #expect(original.headers[.contentType] == "image/jpeg")
            #expect(Data(buffer: original.body) == jpg)
            let scaled = try await rest.call("getCoverArt", [("id", "s1"), ("size", "32")], format: nil)
            #expect(scaled.status == .ok)
            #expect(scaled.headers[.contentType] == "image/jpeg")
            let picture = try CoverDecoder.info(Array(buffer: scaled.body))
            #expect(max(picture.width, picture.height) <= 32)
            let album = try await rest.call("getCoverArt", [("id", SubsonicLibrary.arrival)], format: nil)
            #expect(Data(buffer: album.body) == jpg)
            let artist = try await rest.call("getCoverArt", [("id", SubsonicLibrary.abba), ("size", "16")], format: nil)
            #expect(artist.headers[.contentType] == "image/jpeg")
            #expect(try await rest.errorCode("getCoverArt", [("id", "s2")]) == 70, "a song without a cover")
            #expect(try await rest.errorCode("getCoverArt", [("id", SubsonicLibrary.lemonade)]) == 70)
        }
    }

    @Test("star and unstar songs, albums and artists (repeated ids); getStarred2 and getStarred; setRating")
    func stars() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            try await SubsonicLibrary.addUser("ann", "sesame", to: client)
            let rest = SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "sesame")])
            #expect(try await rest.errorCode("star", [("id", "s3"), ("id", "s4")], transport: .postForm) == nil)
            #expect(try await rest.typed("getStarred2", as: Strict.Starred2Payload.self).starred2.song.count == 2)
            var starred = try #require(try await rest.ok("getStarred2")["starred2"] as? [String: Any])
            #expect(Set((starred["song"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == ["s3", "s4"])
            #expect((starred["song"] as? [[String: Any]])?.allSatisfy { $0["starred"] is String } == true)
            #expect((starred["album"] as? [[String: Any]])?.map { $0["id"] as? String } == [SubsonicLibrary.abbeyRoad], "all of Abbey Road's one song")
            #expect((starred["artist"] as? [[String: Any]])?.map { $0["name"] as? String } == ["The Beatles"])

            #expect(try await rest.errorCode("star", [("artistId", SubsonicLibrary.beyonce)]) == nil)
            starred = try #require(try await rest.ok("getStarred")["starred"] as? [String: Any])
            #expect(Set((starred["artist"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == [SubsonicLibrary.beyonce, SubsonicIDs.artist(key: "the beatles")])
            #expect((starred["album"] as? [[String: Any]])?.allSatisfy { $0["isDir"] as? Bool == true } == true)

            #expect(try await rest.errorCode("unstar", [("albumId", SubsonicLibrary.lemonade), ("id", "s3")]) == nil)
            starred = try #require(try await rest.ok("getStarred2")["starred2"] as? [String: Any])
            #expect((starred["song"] as? [Any])?.isEmpty == true)
            #expect((starred["album"] as? [Any])?.isEmpty == true)
            #expect((starred["artist"] as? [Any])?.isEmpty == true)

            #expect(try await rest.errorCode("star", [("id", "nope")]) == 70)
            #expect(try await rest.errorCode("star") == 10)

            #expect(try await rest.errorCode("setRating", [("id", "s1"), ("rating", "4")]) == nil)
            #expect((try await rest.ok("getSong", [("id", "s1")])["song"] as? [String: Any])?["userRating"] as? Int == 4)
            #expect(try await rest.errorCode("setRating", [("id", "s1"), ("rating", "0")]) == nil)
            #expect((try await rest.ok("getSong", [("id", "s1")])["song"] as? [String: Any])?["userRating"] == nil)
            #expect(try await rest.errorCode("setRating", [("id", "s1"), ("rating", "9")]) == 0)
            #expect(try await rest.errorCode("setRating", [("id", "s1")]) == 10)
            #expect(try await rest.errorCode("setRating", [("id", "nope"), ("rating", "3")]) == 70)

            let marks = try await library.service.catalog.marks(userID: try #require(try await library.service.catalog.user(named: "ann")).id, songIDs: ["s1"])
            #expect(marks["s1"]?.rating == nil || marks["s1"]?.rating == 0, "the same marks the service's own API keeps")
        }
    }

    @Test("scrobble: now playing, then a submission that counts a play at the given time; getNowPlaying shows who")
    func scrobbles() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            try await SubsonicLibrary.addUser("ann", "sesame", to: client)
            let rest = SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "sesame")])
            #expect(try await rest.errorCode("scrobble", [("id", "s2"), ("submission", "false")]) == nil)
            let playing = try #require((try await rest.ok("getNowPlaying")["nowPlaying"] as? [String: Any])?["entry"] as? [[String: Any]])
            #expect(playing.map { $0["id"] as? String } == ["s2"])
            #expect(playing.first?["username"] as? String == "ann")
            #expect(playing.first?["minutesAgo"] as? Int == 0)
            #expect(playing.first?["playerName"] as? String == "tests")
            #expect(try await rest.typed("getNowPlaying", as: Strict.NowPlayingPayload.self).nowPlaying["entry"]?.map(\.username) == ["ann"])

            let time = Int(Date().timeIntervalSince1970 * 1000) - 60_000
            #expect(try await rest.errorCode("scrobble", [("id", "s2"), ("time", String(time)), ("id", "s3"), ("time", String(time + 1000))]) == nil)
            #expect(((try await rest.ok("getNowPlaying")["nowPlaying"] as? [String: Any])?["entry"] as? [Any])?.isEmpty == true)
            let song = try #require(try await rest.ok("getSong", [("id", "s2")])["song"] as? [String: Any])
            #expect(song["playCount"] as? Int == 1)
            #expect(song["played"] is String)
            #expect(try await rest.errorCode("scrobble", [("id", "s2"), ("time", String(time))]) == nil, "the same play again is stored once")
            #expect((try await rest.ok("getSong", [("id", "s2")])["song"] as? [String: Any])?["playCount"] as? Int == 1)
            #expect(try await rest.errorCode("scrobble", [("id", "nope")]) == 70)
            #expect(try await rest.errorCode("scrobble") == 10)
        }
    }

    @Test("playlists: create, read, rename, add and remove by index, replace, list, delete; others' are read-only")
    func playlists() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            try await SubsonicLibrary.addUser("ann", "sesame", to: client)
            try await SubsonicLibrary.addUser("bob", "bob-pass", to: client)
            let ann = SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "sesame")])
            let bob = SubsonicTestClient(client: client, credentials: [("u", "bob"), ("p", "bob-pass")])
            let created = try #require(try await ann.ok("createPlaylist", [("name", "Road trip"), ("songId", "s1"), ("songId", "s3")], transport: .postForm)["playlist"] as? [String: Any])
            let id = try #require(created["id"] as? String)
            #expect(created["songCount"] as? Int == 2)
            #expect(created["owner"] as? String == "ann")
            #expect(created["public"] as? Bool == false)
            for name in ["created", "changed"] { #expect(created[name] is String) }
            #expect((created["entry"] as? [[String: Any]])?.map { $0["id"] as? String } == ["s1", "s3"])

            #expect(try await ann.errorCode("updatePlaylist", [("playlistId", id), ("name", "Long trip"), ("songIndexToRemove", "0"), ("songIdToAdd", "s4"), ("songIdToAdd", "s5"), ("public", "true")]) == nil)
            var playlist = try #require(try await ann.ok("getPlaylist", [("id", id)])["playlist"] as? [String: Any])
            #expect(playlist["name"] as? String == "Long trip")
            #expect(playlist["public"] as? Bool == true)
            let entries = try #require(playlist["entry"] as? [[String: Any]])
            #expect(entries.map { $0["id"] as? String } == ["s3", "s4", "s5"])
            let strict = try await ann.typed("getPlaylist", [("id", id)], as: Strict.PlaylistPayload.self).playlist
            #expect(strict.entry?.map(\.id) == ["s3", "s4", "s5"])
            #expect(strict.songCount == 3)
            #expect(try await ann.typed("getPlaylists", as: Strict.PlaylistsPayload.self).playlists["playlist"]?.map(\.id) == [id])

            #expect(try await bob.errorCode("getPlaylist", [("id", id)]) == nil, "public: bob may read it")
            #expect(try await bob.errorCode("updatePlaylist", [("playlistId", id), ("name", "Mine")]) == 50)
            #expect(try await bob.errorCode("deletePlaylist", [("id", id)]) == 50)
            #expect(try await ann.errorCode("updatePlaylist", [("playlistId", id), ("songIndexToRemove", "7")]) == 0)

            playlist = try #require(try await ann.ok("createPlaylist", [("playlistId", id), ("songId", "s2")])["playlist"] as? [String: Any])
            #expect((playlist["entry"] as? [[String: Any]])?.map { $0["id"] as? String } == ["s2"])
            let lists = try #require((try await ann.ok("getPlaylists")["playlists"] as? [String: Any])?["playlist"] as? [[String: Any]])
            #expect(lists.map { $0["id"] as? String } == [id])
            #expect(try await ann.errorCode("createPlaylist", [("name", "Bad"), ("songId", "nope")]) == 70)
            #expect(try await ann.errorCode("createPlaylist") == 10)
            #expect(try await ann.errorCode("deletePlaylist", [("id", id)]) == nil)
            #expect(try await ann.errorCode("getPlaylist", [("id", id)]) == 70)
            #expect(((try await ann.ok("getPlaylists")["playlists"] as? [String: Any])?["playlist"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("the play queue is saved and read back per listener; saving none clears it")
    func playQueue() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            #expect(try await rest.ok("getPlayQueue")["playQueue"] == nil)
            #expect(try await rest.errorCode("savePlayQueue", [("id", "s1"), ("id", "s2"), ("current", "s2"), ("position", "1500")]) == nil)
            let queue = try #require(try await rest.ok("getPlayQueue")["playQueue"] as? [String: Any])
            #expect(queue["current"] as? String == "s2")
            #expect(queue["position"] as? Int == 1500)
            #expect(queue["username"] as? String == "local")
            #expect((queue["entry"] as? [[String: Any]])?.map { $0["id"] as? String } == ["s1", "s2"])
            #expect(try await rest.errorCode("savePlayQueue", [("id", "s1"), ("current", "s3")]) == 0)
            #expect(try await rest.errorCode("savePlayQueue") == nil)
            #expect(try await rest.ok("getPlayQueue")["playQueue"] == nil)
        }
    }
}
