import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

@Suite("Bad bundles never stop the service")
struct BadBundleTests {
    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var json: Data
        /// nil: the MP3 never arrives.
        var mp3: Data?
        var state: BundleState
        var reasonContains: String
        var testDescription: String { name }
    }

    static func cases() throws -> [BadCase] {
        let tone = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5))
        var random = SystemRandomNumberGenerator()
        let noise = Data((0..<65_536).map { _ in UInt8.random(in: 0...255, using: &random) })
        return [
            BadCase(name: "malformed JSON", json: Data(#"{"title":"Half"#.utf8), mp3: tone, state: .rejected, reasonContains: "not valid JSON"),
            BadCase(name: "JSON array", json: Data(#"["title"]"#.utf8), mp3: tone, state: .rejected, reasonContains: "must be an object"),
            BadCase(name: "wrong type", json: Data(#"{"title":"T","year":"2020"}"#.utf8), mp3: tone, state: .rejected, reasonContains: #""year" must be a whole number"#),
            BadCase(name: "missing title, untagged MP3", json: Data(#"{"artist":"Nobody"}"#.utf8), mp3: tone, state: .rejected, reasonContains: "no title"),
            BadCase(name: "absurdly long title", json: Data(#"{"title":"\#(String(repeating: "x", count: 5000))"}"#.utf8), mp3: tone, state: .rejected, reasonContains: "5000 characters long"),
            BadCase(name: "unknown genre id", json: Fixtures.bundleJSON(title: "T", genre: 42), mp3: tone, state: .rejected, reasonContains: "genre id 42 does not exist"),
            BadCase(name: "text posing as MP3", json: Fixtures.bundleJSON(title: "T"), mp3: Data("hello, I am not music\n".utf8), state: .rejected, reasonContains: "not an MP3: the file looks like plain text"),
            BadCase(name: "random bytes posing as MP3", json: Fixtures.bundleJSON(title: "T"), mp3: noise, state: .rejected, reasonContains: "not an MP3"),
            BadCase(name: "empty MP3", json: Fixtures.bundleJSON(title: "T"), mp3: Data(), state: .rejected, reasonContains: "not an MP3"),
            BadCase(name: "MP3 never arrives", json: Fixtures.bundleJSON(title: "T"), mp3: nil, state: .pending, reasonContains: "waiting for bad.mp3"),
        ]
    }

    @Test("each bad bundle is recorded with its reason, and a corrected upload replaces it", arguments: try cases())
    func badThenGood(bad: BadCase) async throws {
        let library = try await TestLibrary()
        let good = try BundleFixture(id: "bad", title: "Fixed")
        try await library.live { client in
            let jsonReceipt = try await client.put("bad.json", bad.json)
            #expect(jsonReceipt.status == .created)
            if let mp3 = bad.mp3 {
                let receipt = try await client.put("bad.mp3", mp3).decode(UploadReceipt.self)
                #expect(receipt.bundle.state == bad.state)
                #expect(receipt.bundle.reason?.contains(bad.reasonContains) == true, "reason: \(receipt.bundle.reason ?? "none")")
            }
            let status = try await client.json("/status", as: LibraryStatus.self)
            let problem = try #require(status.problems.first { $0.bundle == "bad" })
            #expect(problem.state == bad.state)
            #expect(problem.reason.contains(bad.reasonContains), "reason: \(problem.reason)")
            #expect(try await client.songs().isEmpty)
            // The service is still healthy and serving.
            #expect(try await client.get("/healthz").status == .ok)

            try await client.put("bad.json", good.json)
            let fixed = try await client.put("bad.mp3", good.mp3).decode(UploadReceipt.self)
            #expect(fixed.bundle.state == .ingested)
            #expect(try await client.songs().map(\.title) == ["Fixed"])
            #expect(try await client.json("/status", as: LibraryStatus.self).problems.isEmpty)
        }
    }

    @Test("a bad JSON over a good song keeps the song listed and reports the problem")
    func badUpdateKeepsGoodSong() async throws {
        let library = try await TestLibrary()
        let good = try BundleFixture(id: "keeper", title: "Keep Me")
        try await library.live { client in
            try await client.put("keeper.json", good.json)
            try await client.put("keeper.mp3", good.mp3)
            let receipt = try await client.put("keeper.json", Data(#"{"title": 7}"#.utf8)).decode(UploadReceipt.self)
            #expect(receipt.bundle.state == .rejected)
            #expect(receipt.bundle.song?.title == "Keep Me")
            #expect(try await client.songs().map(\.title) == ["Keep Me"])
        }
    }

    @Test("a missing title is filled from the MP3's ID3 tags, and so are artist, album, genre and year")
    func id3Fallback() async throws {
        let library = try await TestLibrary()
        let tagged = try Data(contentsOf: Fixtures.toneMP3(
            seconds: 0.5, tags: .init(title: "From The Tag", artist: "Tag Artist", album: "Tag Album", genre: "Jazz", year: 1999)))
        try await library.live { client in
            try await client.put("tagged.json", Data(#"{"album":"JSON Album"}"#.utf8))
            try await client.put("tagged.mp3", tagged)
            let song = try #require(try await client.songs().first)
            #expect(song.title == "From The Tag")
            #expect(song.artist == "Tag Artist")
            #expect(song.album == "JSON Album", "the JSON wins where it has a value")
            #expect(song.genre == "Jazz")
            #expect(song.year == 1999)
        }
    }

    @Test("ID3 text is held to the JSON's limits; a tag's genre adds a row only when it is one of ID3v1's")
    func id3Clamped() async throws {
        let library = try await TestLibrary()
        let long = String(repeating: "é", count: BundleMetadata.maximumTextLength + 300)
        let odd = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5, tags: .init(title: long, artist: "Tab\tArtist", genre: "Weird Tag Genre 4711")))
        let standard = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5, tags: .init(title: "Standard", genre: "Trip-Hop")))
        try await library.live { client in
            try await client.put("odd.json", Data("{}".utf8))
            try await client.put("odd.mp3", odd)
            try await client.put("standard.json", Data("{}".utf8))
            try await client.put("standard.mp3", standard)
            let songs = try await client.songs()
            let clamped = try #require(songs.first { $0.id == "odd" })
            #expect(clamped.title == String(repeating: "é", count: BundleMetadata.maximumTextLength))
            #expect(clamped.artist == "Tab Artist")
            #expect(clamped.genre == "Other", "an unknown tag genre lands in the fallback genre")
            #expect(songs.first { $0.id == "standard" }?.genre == "Trip-Hop")
            let genres = try await client.json("/genres", as: [Genre].self).map(\.genre)
            #expect(genres.count == Genre.seeded.count + 1 && genres.contains("Trip-Hop") && !genres.contains("Weird Tag Genre 4711"))
        }
    }

    @Test("a genre given by a new name makes a new genre; a known name in any case reuses it")
    func genreByName() async throws {
        let library = try await TestLibrary()
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5))
        try await library.live { client in
            try await client.put("a.json", Data(#"{"title":"A","genre":"Synthwave"}"#.utf8))
            try await client.put("a.mp3", mp3)
            try await client.put("b.json", Data(#"{"title":"B","genre":"country"}"#.utf8))
            try await client.put("b.mp3", mp3)
            let genres = try await client.json("/genres", as: [Genre].self)
            #expect(genres.count == 9)
            #expect(genres.last?.genre == "Synthwave")
            #expect(genres.last?.songs == 1)
            #expect(genres.first { $0.genre == "Country" }?.songs == 1)
            #expect(try await client.songs().map(\.genre) == ["Synthwave", "Country"])
        }
    }
}
