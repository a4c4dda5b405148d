import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

@Suite("Querying songs and genres")
struct QueryTests {
    /// A small library: titles chosen to test case- and accent-insensitive order and search.
    static func seeded() async throws -> TestLibrary {
        let library = try await TestLibrary()
        try await library.seed([
            .init(id: "s1", title: "beta", artist: "Beyoncé", album: "Lemonade", genre: 3, year: 2016),
            .init(id: "s2", title: "Alpha", artist: "ABBA", album: "Arrival", genre: 3, year: 1976),
            .init(id: "s3", title: "Ápple", artist: "Fiona", album: "Fetch", genre: 2, year: nil),
            .init(id: "s4", title: "Zed", artist: "beyonce", album: "B'Day", genre: 1, year: 2006),
            .init(id: "s5", title: "Country Road", artist: "John", album: "Poems", genre: 6, year: 1971),
        ])
        return library
    }

    @Test("GET /songs has the original shape, ordered by title ignoring case and accents")
    func shapeAndOrder() async throws {
        let library = try await Self.seeded()
        try await library.live { client in
            let response = try await client.get("/songs")
            #expect(response.headers[.contentType] == "application/json")
            let raw = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
            #expect(raw.map { $0["title"] as? String } == ["Alpha", "Ápple", "beta", "Country Road", "Zed"])
            let first = try #require(raw.first)
            for field in ["title", "album", "artist", "genre", "year", "file", "image"] {
                #expect(first.keys.contains(field), "missing \(field)")
            }
            #expect(first["genre"] as? String == "Pop")
            #expect(first["year"] as? Int == 1976)
            #expect((first["file"] as? String)?.hasPrefix("http://") == true)
            #expect(first["image"] is NSNull)
            #expect(raw[1]["year"] is NSNull)
            // Field order as the original served it.
            #expect(response.text.hasPrefix(#"[{"title":"Alpha","album":"Arrival","artist":"ABBA","genre":"Pop","year":1976,"file":"#))
        }
    }

    @Test("GET /genres has the original shape, ordered by id, with song counts")
    func genres() async throws {
        let library = try await Self.seeded()
        try await library.live { client in
            let response = try await client.get("/genres")
            #expect(response.text.hasPrefix(#"[{"genreid":1,"genre":"Rock","songs":1},{"genreid":2,"genre":"Indie","songs":1},{"genreid":3,"genre":"Pop","songs":2}"#))
            let genres = try response.decode([Genre].self)
            #expect(genres.map(\.genreid) == Array(1...8))
            #expect(genres.map(\.genre) == Genre.seeded.map(\.genre))
        }
    }

    @Test("filters", arguments: [
        ("?genre=Pop", ["Alpha", "beta"]),
        ("?genre=pop", ["Alpha", "beta"]),
        ("?genre=3", ["Alpha", "beta"]),
        ("?genre=Nonexistent", []),
        ("?genre=99", []),
        ("?artist=BEYONCE", ["beta", "Zed"]),
        ("?artist=Beyonc%C3%A9", ["beta", "Zed"]),
        ("?album=arrival", ["Alpha"]),
        ("?q=beyonce", ["beta", "Zed"]),
        ("?q=APP", ["Ápple"]),
        ("?q=country%20road", ["Country Road"]),
        ("?q=road+country", ["Country Road"]),
        ("?q=%E2%80%94", []),
        ("?genre=Pop&genre=Rock", ["Alpha", "beta"]),
        ("?q=nothing-matches", []),
        ("?genre=Pop&q=abba", ["Alpha"]),
        ("?limit=2", ["Alpha", "Ápple"]),
        ("?limit=2&offset=2", ["beta", "Country Road"]),
        ("?offset=4", ["Zed"]),
        ("?offset=10", []),
        ("?limit=0", []),
        ("?q=", ["Alpha", "Ápple", "beta", "Country Road", "Zed"]),
    ])
    func filters(query: String, titles: [String]) async throws {
        let library = try await Self.seeded()
        try await library.live { client in
            let songs = try await client.songs(query)
            #expect(songs.map(\.title) == titles)
        }
    }

    @Test("bad paging parameters are a 400 with a JSON error", arguments: ["?limit=abc", "?limit=-1", "?offset=1.5", "?limit=99999999999999999999"])
    func badPaging(query: String) async throws {
        let library = try await Self.seeded()
        try await library.live { client in
            let response = try await client.get("/songs" + query)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage?.contains("whole number") == true)
        }
    }

    @Test("listings longer than one catalog page stream whole and in order, and paging walks them")
    func manyPages() async throws {
        let library = try await TestLibrary(listingPageSize: 7)
        // Equal titles make the id the tie-breaker across page boundaries.
        try await library.seed((0..<40).map { index in
            .init(id: String(format: "song%02d", index), title: index % 5 == 0 ? "Same" : String(format: "Title %02d", 39 - index), genre: index % 2 + 1)
        })
        try await library.live { client in
            let all = try await client.songs()
            #expect(all.count == 40)
            #expect(Set(all.map(\.id)).count == 40)
            #expect(all.map { "\($0.title)/\($0.id)" } == all.map { "\($0.title)/\($0.id)" }.sorted())
            let rock = try await client.songs("?genre=Rock")
            #expect(rock.count == 20)
            let page = try await client.songs("?genre=Rock&limit=11&offset=3")
            #expect(page.map(\.id) == Array(rock[3..<14]).map(\.id))
        }
    }

    @Test("GET /songs/{id} answers one song, or a 404 in JSON")
    func oneSong() async throws {
        let library = try await Self.seeded()
        try await library.live { client in
            let song = try await client.json("/songs/s2", as: Song.self)
            #expect(song.title == "Alpha")
            let missing = try await client.get("/songs/nope")
            #expect(missing.status == .notFound)
            #expect(missing.errorMessage == "no song with id nope")
            #expect(try await client.get("/songs/.hidden").status == .badRequest)
        }
    }

    @Test("file and image URLs use the configured public base URL")
    func publicBaseURL() async throws {
        let library = try await TestLibrary(publicBaseURL: "https://music.example.com/")
        try await library.seed([.init(id: "s1", title: "Behind A Proxy")])
        try await library.live { client in
            let songs = try await client.songs()
            #expect(songs.first?.file == "https://music.example.com/media/s1.mp3")
        }
    }

    @Test("unknown routes answer a JSON 404, never a 200")
    func unknownRoute() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let response = try await client.get("/nothing/here")
            #expect(response.status == .notFound)
            #expect(response.errorMessage?.isEmpty == false)
        }
    }
}
