import Foundation
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import Testing

@Suite("Recommendations through the live service")
struct RecommendationAPITests {
    static let owner = TestLibrary.token

    /// Twelve songs: four artists over three genres, three songs each.
    static func library() async throws -> TestLibrary {
        let library = try await TestLibrary()
        var seeds: [TestLibrary.Seed] = []
        for artist in 0..<4 {
            for song in 0..<3 {
                seeds.append(
                    TestLibrary.Seed(
                        id: "a\(artist)s\(song)", title: "Artist \(artist) Song \(song)", artist: "Artist \(artist)", album: "Album \(artist)",
                        genre: artist % 3 + 1, year: 1980 + artist * 10))
            }
        }
        try await library.seed(seeds)
        return library
    }

    /// Plays reported as one listener's sessions, a minute apart, each song played whole (0.2 s tones).
    static func play(_ sessions: [[String]], client: any TestClientProtocol, token: String? = owner, playedSeconds: Double = 0.2, startingAt start: Date) async throws {
        var reports: [String] = []
        var moment = start
        for session in sessions {
            for song in session {
                reports.append(#"{"song":"\#(song)","startedAt":"\#(ISOTime.format(moment))","playedSeconds":\#(playedSeconds)}"#)
                moment += 60
            }
            moment += 3600
        }
        let response = try await client.send(.post, "/plays", token: token, json: "[\(reports.joined(separator: ","))]")
        #expect(response.status == .ok, "\(response.text)")
    }

    static func suggestions(_ response: TestResponse) throws -> [Suggestion] {
        #expect(response.status == .ok, "\(response.text)")
        return try JSONDecoder().decode([Suggestion].self, from: Data(buffer: response.body))
    }

    @Test("a listener with no history gets a varied start: popular and well liked across genres, each with a reason")
    func newcomer() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let picks = try Self.suggestions(try await client.send(.get, "/recommendations/for-you?limit=6", token: Self.owner))
            #expect(picks.count == 6)
            #expect(Set(picks.map(\.song.genre)).count == 3, "every genre is there: \(picks.map(\.song.genre))")
            #expect(picks.allSatisfy { $0.reasonKind == "popular" && $0.reason.hasPrefix("popular in ") }, "\(picks.map(\.reason))")
            #expect(picks.first?.song.liked == false, "suggestions carry the caller's marks")
            #expect(picks.first?.song.file.contains("/media/") == true)
        }
    }

    @Test("what is played together becomes similar, radio follows what was just played, and Discover leaves out what was played")
    func learnedFromPlays() async throws {
        let library = try await Self.library()
        try await library.live { client in
            // Artist 0's first song is always followed by artist 2's second.
            let sessions = Array(repeating: ["a0s0", "a2s1", "a1s0"], count: 6)
            try await Self.play(sessions, client: client, startingAt: Date() - 30 * 86_400)
            try await library.service.recommendations.rebuild()

            let similar = try Self.suggestions(try await client.send(.get, "/songs/a0s0/similar?limit=5", token: Self.owner))
            #expect(similar.first?.song.id == "a2s1", "\(similar.map(\.song.id))")
            #expect(similar.first?.reasonKind == "also-played" && similar.first?.reasonSongId == "a0s0", "\(similar.map(\.reason))")
            #expect(!similar.contains { $0.song.id == "a0s0" }, "a song is not similar to itself")

            let radio = try Self.suggestions(
                try await client.send(.post, "/radio", token: Self.owner, json: #"{"seeds":[{"song":"a0s0"}],"limit":3}"#))
            #expect(radio.map(\.song.id).prefix(2) == ["a0s0", "a2s1"], "the seed first, then what follows it: \(radio.map(\.song.id))")
            #expect(radio.first?.reasonKind == "seed")
            #expect(radio.dropFirst().first?.reason == "often played after “Artist 0 Song 0”", "\(radio.map(\.reason))")

            let next = try Self.suggestions(
                try await client.send(.post, "/radio", token: Self.owner, json: #"{"seeds":[{"song":"a0s0"}],"played":["a0s0","a2s1"],"limit":10}"#))
            #expect(next.first?.song.id == "a1s0", "after a2s1 comes a1s0: \(next.map(\.song.id))")
            #expect(!next.contains { ["a0s0", "a2s1"].contains($0.song.id) }, "a station never repeats a song")

            let discover = try Self.suggestions(try await client.send(.get, "/recommendations/discover?limit=10", token: Self.owner))
            #expect(!discover.isEmpty)
            #expect(discover.allSatisfy { $0.song.plays == 0 }, "never played: \(discover.map(\.song.id))")
        }
    }

    @Test("never a 1-star song, nothing played in the last day in For you, and a skip on the radio steers it away")
    func rules() async throws {
        let library = try await Self.library()
        try await library.live { client in
            try await Self.play(Array(repeating: ["a0s0", "a0s1", "a1s1", "a3s2"], count: 5), client: client, startingAt: Date() - 10 * 86_400)
            try await library.service.recommendations.rebuild()
            #expect(try await client.send(.put, "/songs/a0s1/rating", token: Self.owner, json: #"{"rating":1}"#).status == .ok)
            let similar = try Self.suggestions(try await client.send(.get, "/songs/a0s0/similar?limit=11", token: Self.owner))
            #expect(!similar.contains { $0.song.id == "a0s1" }, "a 1-star song is never suggested: \(similar.map(\.song.id))")
            #expect(similar.first { $0.song.id == "a1s1" }?.reasonKind == "also-played", "\(similar.map(\.reason))")

            try await Self.play([["a1s1"]], client: client, startingAt: Date() - 3600)
            let forYou = try Self.suggestions(try await client.send(.get, "/recommendations/for-you?limit=11", token: Self.owner))
            #expect(!forYou.contains { $0.song.id == "a1s1" }, "played an hour ago: \(forYou.map(\.song.id))")
            #expect(!forYou.contains { $0.song.id == "a0s1" })
            #expect(forYou.contains { $0.song.id == "a3s2" }, "played ten days ago, and liked by the look of it: \(forYou.map(\.song.id))")

            // On a radio from a0s0, a3s2 comes soon; skipping a1s1 (its neighbour) pushes it down.
            let station = #"{"seeds":[{"song":"a0s0"}],"played":["a0s0","a1s1"],"limit":10}"#
            let before = try Self.suggestions(try await client.send(.post, "/radio", token: Self.owner, json: station)).map(\.song.id)
            try await Self.play([["a1s1"]], client: client, playedSeconds: 0.01, startingAt: Date() - 60)
            let after = try Self.suggestions(try await client.send(.post, "/radio", token: Self.owner, json: station)).map(\.song.id)
            let rankBefore = try #require(before.firstIndex(of: "a3s2"))
            let rankAfter = after.firstIndex(of: "a3s2") ?? after.count
            #expect(rankAfter > rankBefore, "the skip moved a1s1's neighbour down: \(before) → \(after)")
        }
    }

    @Test("a listener who turns sharing off neither shapes others' suggestions nor gets theirs")
    func sharingOff() async throws {
        let library = try await Self.library()
        try await library.live { client in
            #expect(try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"ann","password":"ann-secret"}"#).status == .created)
            let ann = try await client.login("ann", "ann-secret")
            let me = try client.object(try await client.send(.patch, "/me", token: ann, json: #"{"sharesListening":false}"#))
            #expect(me["sharesListening"] as? Bool == false)
            try await Self.play(Array(repeating: ["a0s0", "a3s0"], count: 8), client: client, token: ann, startingAt: Date() - 5 * 86_400)
            try await library.service.recommendations.rebuild()
            let owners = try Self.suggestions(try await client.send(.get, "/songs/a0s0/similar?limit=11", token: Self.owner))
            #expect(!owners.contains { $0.reasonKind == "also-played" || $0.reasonKind == "after" }, "Ann's plays are hers: \(owners.map(\.reason))")

            try await Self.play(Array(repeating: ["a0s0", "a2s2"], count: 8), client: client, startingAt: Date() - 5 * 86_400)
            try await library.service.recommendations.rebuild()
            let shared = try Self.suggestions(try await client.send(.get, "/songs/a0s0/similar?limit=11", token: Self.owner))
            #expect(shared.first?.song.id == "a2s2", "the owner's own sessions count: \(shared.map(\.song.id))")
            let anns = try Self.suggestions(try await client.send(.get, "/songs/a0s0/similar?limit=11", token: ann))
            #expect(!anns.contains { $0.reasonKind == "also-played" || $0.reasonKind == "after" }, "nor do others' reach Ann: \(anns.map(\.reason))")
        }
    }

    @Test("bad requests get clear errors", arguments: [
        ("GET", "/recommendations/for-you?limit=0", "", 400, "limit must be a whole number from 1 to 500"),
        ("GET", "/recommendations/discover?limit=10000", "", 400, "limit must be a whole number from 1 to 500"),
        ("GET", "/songs/nope/similar", "", 404, "no song with id “nope”"),
        ("POST", "/radio", #"{"seeds":[{"artist":"Nobody"}]}"#, 404, "no artist named “Nobody”"),
        ("POST", "/radio", #"{"seeds":[]}"#, 400, "a radio takes 1 to 20 seeds"),
        ("POST", "/radio", #"{"seeds":[{"song":"a0s0","genre":"Rock"}]}"#, 400, "exactly one of"),
        ("POST", "/radio", #"{"seeds":[{"album":"Album 1"}]}"#, 400, "needs its artist"),
        ("POST", "/radio", #"{"seeds":[{"playlist":"missing"}]}"#, 404, "no playlist"),
        ("POST", "/radio", #"{"seeds":[{"song":"a0s0"}],"limit":10000}"#, 400, "limit must be"),
        ("POST", "/radio", "{", 400, "not the JSON this request takes"),
    ])
    func badRequests(method: String, uri: String, body: String, status: Int, message: String) async throws {
        let library = try await Self.library()
        try await library.live { client in
            let response = try await client.send(method == "GET" ? .get : .post, uri, token: Self.owner, json: body.isEmpty ? nil : body)
            #expect(Int(response.status.code) == status, "\(response.text)")
            #expect(response.text.contains(message), "\(response.text)")
        }
    }

    @Test("radio seeds: an artist, an album, a genre and a playlist each start a station of their own songs first")
    func seeds() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let created = try client.object(
                try await client.send(.post, "/playlists", token: Self.owner, json: #"{"name":"Mix","songs":["a3s0","a3s1"]}"#))
            let playlist = try #require(created["id"] as? String)
            for (seed, expected) in [
                (#"{"artist":"artist 1"}"#, "Artist 1"), (#"{"artist":"Artist 2","album":"Album 2"}"#, "Artist 2"),
                (#"{"playlist":"\#(playlist)"}"#, "Artist 3"),
            ] {
                let picks = try Self.suggestions(try await client.send(.post, "/radio", token: Self.owner, json: #"{"seeds":[\#(seed)],"limit":10}"#))
                #expect(picks.count == 10, "\(seed): \(picks.map(\.song.id))")
                #expect(picks.first?.song.artist == expected, "\(seed): \(picks.map(\.song.artist))")
                #expect(Set(picks.map(\.song.id)).count == picks.count, "no song twice")
            }
            let genre = try Self.suggestions(try await client.send(.post, "/radio", token: Self.owner, json: #"{"seeds":[{"genre":"\#(try await Self.genreName(1, client))"}],"limit":4}"#))
            #expect(genre.first?.song.genreid == 1, "\(genre.map(\.song.genre))")
        }
    }

    static func genreName(_ id: Int, _ client: any TestClientProtocol) async throws -> String {
        let genres = try client.array(try await client.send(.get, "/genres"))
        return try #require(genres.first { $0["genreid"] as? Int == id }?["genre"] as? String)
    }
}
