import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import NIOCore
@testable import SubsonicAPI
import TestSupport
import Testing

@Suite("Subsonic: browsing, lists and search")
struct SubsonicBrowsingTests {
    @Test("one music folder, id an int; artists by index letter with their derived ids; an artist's albums")
    func foldersAndArtists() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let folders = try await rest.typed("getMusicFolders", as: Strict.FoldersPayload.self).musicFolders["musicFolder"]
            #expect(folders?.map(\.id) == [1])
            #expect(try await rest.typed("getArtists", as: Strict.ArtistsPayload.self).artists.index.count == 2)

            let artists = try #require(try await rest.ok("getArtists")["artists"] as? [String: Any])
            #expect(artists["ignoredArticles"] is String)
            let index = try #require(artists["index"] as? [[String: Any]])
            #expect(index.map { $0["name"] as? String } == ["A", "B"])
            let b = try #require(index.last?["artist"] as? [[String: Any]])
            #expect(b.map { $0["name"] as? String } == ["The Beatles", "Beyoncé"], "The Beatles under B, before Beyoncé")
            #expect(b.last?["id"] as? String == SubsonicLibrary.beyonce)
            #expect(b.last?["albumCount"] as? Int == 1, "Beyoncé and beyonce are one artist with one album")

            let indexes = try await rest.typed("getIndexes", as: Strict.IndexesPayload.self).indexes
            #expect(indexes.lastModified > 0)
            #expect(indexes.ignoredArticles.contains("The"))
            #expect(indexes.index.map(\.name) == ["A", "B"])
            #expect(((try await rest.ok("getIndexes", [("musicFolderId", "7")])["indexes"] as? [String: Any])?["index"] as? [Any])?.isEmpty == true)

            let artist = try #require(try await rest.ok("getArtist", [("id", SubsonicLibrary.abba)])["artist"] as? [String: Any])
            #expect(artist["name"] as? String == "ABBA")
            let albums = try #require(artist["album"] as? [[String: Any]])
            #expect(albums.map { $0["id"] as? String } == [SubsonicLibrary.arrival])
            let typed = try await rest.typed("getArtist", [("id", SubsonicLibrary.abba)], as: Strict.ArtistPayload.self).artist
            #expect(typed.album?.map(\.songCount) == [2])
            #expect(try await rest.errorCode("getArtist", [("id", "ar-0000000000000000")]) == 70)
        }
    }

    @Test("an album with its songs in track order, every Child field in its JSON type; getSong; stable ids")
    func albumAndSongs() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let strict = try await rest.typed("getAlbum", [("id", SubsonicLibrary.lemonade)], as: Strict.AlbumPayload.self).album
            #expect(strict.song?.map(\.track) == [1, 2])
            #expect(strict.song?.allSatisfy { $0.type == "music" && !$0.isVideo && !$0.isDir && $0.suffix == "mp3" && $0.contentType == "audio/mpeg" } == true)
            #expect(strict.song?.allSatisfy { !$0.path.hasPrefix("/") && $0.discNumber == 1 } == true)
            let album = try #require(try await rest.ok("getAlbum", [("id", SubsonicLibrary.lemonade)])["album"] as? [String: Any])
            #expect(album["songCount"] as? Int == 2)
            #expect(album["year"] as? Int == 2016)
            #expect(album["genre"] as? String == "Pop")
            // Neither Subsonic's AlbumID3 nor OpenSubsonic's has a mediaType (OpenSubsonic's is on Child).
            #expect(album["mediaType"] == nil)
            let songs = try #require(album["song"] as? [[String: Any]])
            #expect(songs.map { $0["id"] as? String } == ["s4", "s5"])
            #expect(songs.map { $0["track"] as? Int } == [1, 2])
            #expect(songs.first?["parent"] as? String == SubsonicLibrary.lemonade)
            #expect(songs.first?["albumId"] as? String == SubsonicLibrary.lemonade)
            #expect(songs.first?["artistId"] as? String == SubsonicLibrary.beyonce)
            #expect(songs.first?["coverArt"] == nil, "no cover, no coverArt")
            #expect((songs.first?["genres"] as? [[String: Any]])?.first?["name"] as? String == "Pop")

            #expect(try await rest.typed("getSong", [("id", "s1")], as: Strict.SongPayload.self).song.year == 1976)
            let song = try #require(try await rest.ok("getSong", [("id", "s1")])["song"] as? [String: Any])
            #expect(song["coverArt"] as? String == "s1")
            #expect(song["path"] as? String == "ABBA/Arrival/Alpha.mp3")
            #expect(song["starred"] == nil)
            #expect(song["playCount"] as? Int == 0, "the local listener's marks")
            #expect(try await rest.errorCode("getSong", [("id", "nope")]) == 70)
            #expect(try await rest.errorCode("getAlbum", [("id", "al-0000000000000000")]) == 70)
        }
    }

    @Test("folders: an artist's directory holds its albums, an album's its songs; a song is no directory")
    func directories() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let artist = try #require(try await rest.ok("getMusicDirectory", [("id", SubsonicLibrary.abba)])["directory"] as? [String: Any])
            #expect(artist["name"] as? String == "ABBA")
            let albums = try #require(artist["child"] as? [[String: Any]])
            #expect(albums.map { $0["id"] as? String } == [SubsonicLibrary.arrival])
            #expect(albums.first?["isDir"] as? Bool == true)
            #expect(albums.first?["parent"] as? String == SubsonicLibrary.abba)
            #expect(albums.first?["title"] as? String == "Arrival")
            let album = try #require(try await rest.ok("getMusicDirectory", [("id", SubsonicLibrary.arrival)])["directory"] as? [String: Any])
            #expect(album["parent"] as? String == SubsonicLibrary.abba)
            let songs = try #require(album["child"] as? [[String: Any]])
            #expect(songs.map { $0["title"] as? String } == ["Alpha", "Bravo"])
            let strict = try await rest.typed("getMusicDirectory", [("id", SubsonicLibrary.arrival)], as: Strict.DirectoryPayload.self).directory
            #expect(strict.child.map(\.track) == [1, 2])
            #expect(try await rest.errorCode("getMusicDirectory", [("id", "s1")]) == 70)
        }
    }

    @Test("genres with song and album counts, the name in value; songs of a genre, paged; random songs")
    func genres() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let genres = try #require((try await rest.ok("getGenres")["genres"] as? [String: Any])?["genre"] as? [[String: Any]])
            #expect(genres.map { $0["value"] as? String } == ["Rock", "Pop"], "only genres that hold songs")
            #expect(genres.last?["songCount"] as? Int == 4)
            #expect(genres.last?["albumCount"] as? Int == 2)
            let pop = try #require((try await rest.ok("getSongsByGenre", [("genre", "pop"), ("count", "2"), ("offset", "1")])["songsByGenre"] as? [String: Any])?["song"] as? [[String: Any]])
            #expect(pop.map { $0["title"] as? String } == ["Bravo", "Delta"])
            let none = try await rest.ok("getSongsByGenre", [("genre", "Polka")])["songsByGenre"] as? [String: Any]
            #expect((none?["song"] as? [Any])?.isEmpty == true)
            let random = try #require((try await rest.ok("getRandomSongs", [("size", "3")])["randomSongs"] as? [String: Any])?["song"] as? [[String: Any]])
            #expect(random.count == 3)
            #expect(try await rest.typed("getRandomSongs", [("size", "5")], as: Strict.RandomPayload.self).randomSongs.song.count == 5)
            #expect(try await rest.typed("getGenres", as: Strict.GenresPayload.self).genres["genre"]?.map(\.albumCount) == [1, 2])
            #expect(try await rest.typed("getSongsByGenre", [("genre", "Rock")], as: Strict.ByGenrePayload.self).songsByGenre.song.map(\.id) == ["s3"])
            let old = try #require((try await rest.ok("getRandomSongs", [("size", "10"), ("toYear", "1970")])["randomSongs"] as? [String: Any])?["song"] as? [[String: Any]])
            #expect(old.map { $0["id"] as? String } == ["s3"])
            let rock = try #require((try await rest.ok("getRandomSongs", [("genre", "Rock")])["randomSongs"] as? [String: Any])?["song"] as? [[String: Any]])
            #expect(rock.map { $0["id"] as? String } == ["s3"])
        }
    }

    @Test("album lists of every type, in both flavours, paged")
    func albumLists() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            func ids(_ type: String, _ extra: [(String, String)] = [], id3: Bool = true) async throws -> [String] {
                let name = id3 ? "albumList2" : "albumList"
                let envelope = try await rest.ok(id3 ? "getAlbumList2" : "getAlbumList", [("type", type)] + extra)
                let albums = try #require((envelope[name] as? [String: Any])?["album"] as? [[String: Any]], "\(type): \(envelope)")
                if id3 {
                    let strict = try await rest.typed("getAlbumList2", [("type", type)] + extra, as: Strict.AlbumList2Payload.self).albumList2.album
                    #expect(strict.count == albums.count)
                } else {
                    #expect(albums.allSatisfy { $0["isDir"] as? Bool == true })
                }
                return albums.compactMap { $0["id"] as? String }
            }
            let (arrival, lemonade, abbey) = (SubsonicLibrary.arrival, SubsonicLibrary.lemonade, SubsonicLibrary.abbeyRoad)
            #expect(try await ids("alphabeticalByName") == [abbey, arrival, lemonade])
            #expect(try await ids("alphabeticalByName", id3: false) == [abbey, arrival, lemonade])
            #expect(try await ids("alphabeticalByName", [("size", "1"), ("offset", "1")]) == [arrival])
            #expect(try await ids("alphabeticalByName", [("offset", "3")]) == [], "Clementine pages until a page is empty")
            #expect(try await ids("alphabeticalByArtist") == [arrival, abbey, lemonade], "ABBA, (The) Beatles, Beyoncé")
            #expect(Set(try await ids("random")) == [abbey, arrival, lemonade])
            #expect(Set(try await ids("newest")) == [abbey, arrival, lemonade])
            #expect(try await ids("byYear", [("fromYear", "1970"), ("toYear", "2020")]) == [arrival, lemonade])
            #expect(try await ids("byYear", [("fromYear", "2020"), ("toYear", "1960")]) == [lemonade, arrival, abbey], "reversed: newest first")
            #expect(try await ids("byGenre", [("genre", "Rock")]) == [abbey])
            #expect(try await ids("starred") == [])
            #expect(try await ids("frequent") == [])
            #expect(try await ids("recent") == [])
            #expect(try await ids("highest") == [])
            #expect(try await rest.errorCode("getAlbumList2", [("type", "byYear")]) == 10)
            #expect(try await rest.errorCode("getAlbumList2", [("type", "byGenre")]) == 10)
            #expect(try await rest.errorCode("getAlbumList2") == 10)
            #expect(try await rest.errorCode("getAlbumList2", [("type", "loudest")]) == 0)

            #expect(try await rest.errorCode("scrobble", [("id", "s3")]) == nil)
            #expect(try await rest.errorCode("setRating", [("id", "s4"), ("rating", "5")]) == nil)
            #expect(try await rest.errorCode("star", [("albumId", arrival)]) == nil)
            #expect(try await ids("frequent") == [abbey])
            #expect(try await ids("recent") == [abbey])
            #expect(try await ids("highest") == [lemonade])
            #expect(try await ids("starred") == [arrival])
        }
    }

    @Test("search3 and search2: words in any case or accent; an empty query, \"\" or * is everything, paged")
    func search() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            func result(_ method: String, _ parameters: [(String, String)]) async throws -> [String: Any] {
                let name = method == "search3" ? "searchResult3" : "searchResult2"
                return try #require(try await rest.ok(method, parameters)[name] as? [String: Any])
            }
            let beyonce = try await result("search3", [("query", "BEYONCE")])
            #expect((beyonce["artist"] as? [[String: Any]])?.map { $0["id"] as? String } == [SubsonicLibrary.beyonce])
            #expect((beyonce["album"] as? [[String: Any]])?.map { $0["id"] as? String } == [SubsonicLibrary.lemonade])
            #expect((beyonce["song"] as? [[String: Any]])?.map { $0["id"] as? String } == ["s4", "s5"])
            let strict = try await rest.typed("search3", [("query", "beyonce")], as: Strict.Search3Payload.self).searchResult3
            #expect(strict.song.map(\.id) == ["s4", "s5"])
            #expect(strict.album.map(\.songCount) == [2])
            for everything in ["", "\"\"", "*"] {
                let all = try await result("search3", [("query", everything), ("songCount", "2"), ("songOffset", "2"), ("artistCount", "10"), ("albumCount", "1")])
                #expect((all["song"] as? [[String: Any]])?.map { $0["id"] as? String } == ["s3", "s4"], "query \(everything)")
                #expect((all["artist"] as? [Any])?.count == 3)
                #expect((all["album"] as? [Any])?.count == 1)
            }
            let none = try await result("search3", [("query", "zzz")])
            #expect((none["song"] as? [Any])?.isEmpty == true)
            let two = try await result("search2", [("query", "arrival")])
            #expect((two["album"] as? [[String: Any]])?.first?["isDir"] as? Bool == true)
            #expect((two["song"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("XML answers carry the same data as attributes and elements, as DSub reads them")
    func xmlData() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let response = try await rest.call("getAlbum", [("id", SubsonicLibrary.arrival)], format: nil, transport: .postQuery)
            let root = try XMLTree.parse(Data(buffer: response.body))
            let album = try #require(root.first("album"))
            #expect(album.attributes["name"] == "Arrival")
            #expect(album.attributes["songCount"] == "2")
            let songs = album.all("song")
            #expect(songs.map { $0.attributes["id"] } == ["s1", "s2"])
            #expect(songs.first?.attributes["isDir"] == "false")
            #expect(songs.first?.attributes["type"] == "music")
            let genres = try XMLTree.parse(Data(buffer: try await rest.call("getGenres", format: "xml").body))
            #expect(genres.first("genres")?.all("genre").map(\.text) == ["Rock", "Pop"])
            let user = try XMLTree.parse(Data(buffer: try await rest.call("getUser", format: "xml").body))
            #expect(user.first("user")?.all("folder").map(\.text) == ["1"])
            let extensions = try XMLTree.parse(Data(buffer: try await rest.call("getOpenSubsonicExtensions", format: "xml").body))
            #expect(extensions.all("openSubsonicExtensions").compactMap { $0.attributes["name"] } == ["formPost", "apiKeyAuthentication"])
        }
    }

    @Test("getOpenSubsonicExtensions is a list of names and versions; getLicense is valid; scans report their count")
    func system() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            let extensions = try #require(try await rest.ok("getOpenSubsonicExtensions")["openSubsonicExtensions"] as? [[String: Any]])
            #expect(extensions.first?["name"] as? String == "formPost")
            #expect(extensions.first?["versions"] as? [Int] == [1])
            #expect((try await rest.ok("getLicense")["license"] as? [String: Any])?["valid"] as? Bool == true)
            let status = try await rest.typed("getScanStatus", as: Strict.ScanPayload.self).scanStatus
            #expect(status.count == 5)
            #expect(try await rest.errorCode("startScan") == nil)
            #expect(try await rest.errorCode("getArtistInfo2", [("id", SubsonicLibrary.abba)]) == nil)
            #expect(try await rest.errorCode("getBookmarks") == nil)
        }
    }
}
