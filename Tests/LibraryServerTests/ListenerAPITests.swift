import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import NIOCore
import TestSupport
import Testing

/// Requests as a listener makes them: JSON bodies, and a token or Basic credentials.
extension TestClientProtocol {
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, basic: (String, String)? = nil, json: String? = nil,
        body: [UInt8]? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let (name, password) = basic { headers[.authorization] = "Basic \(Data("\(name):\(password)".utf8).base64EncodedString())" }
        if json != nil { headers[.contentType] = "application/json" }
        let bytes = body ?? json.map { Array($0.utf8) }
        return try await executeRequest(uri: uri, method: method, headers: headers, body: bytes.map { ByteBuffer(bytes: $0) })
    }

    func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], "\(response.text)")
    }

    func array(_ response: TestResponse) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]], "\(response.text)")
    }

    /// Signs in and returns the bearer token.
    func login(_ name: String, _ password: String) async throws -> String {
        let response = try await send(.post, "/login", json: #"{"name":"\#(name)","password":"\#(password)"}"#)
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try object(response)["token"] as? String)
    }
}

@Suite("The listeners' API, through the live service")
struct ListenerAPITests {
    static let owner = TestLibrary.token

    /// A library with five songs (s1…s5, titles "Song 1"…), with no accounts yet.
    static func library() async throws -> TestLibrary {
        let library = try await TestLibrary()
        try await library.seed((1...5).map { TestLibrary.Seed(id: "s\($0)", title: "Song \($0)", artist: $0 == 3 ? "Beyoncé" : "Artist") })
        return library
    }

    @Test("with no accounts, a loopback service treats everyone as the local listener; the original listing keeps its shape")
    func zeroSetUp() async throws {
        let library = try await Self.library()
        try await library.live { client in
            #expect(try await client.send(.put, "/songs/s1/like").status == .ok)
            let me = try client.object(try await client.send(.get, "/me"))
            #expect(me["local"] as? Bool == true)
            let anonymous = try client.array(try await client.send(.get, "/songs"))
            #expect(anonymous.first?["liked"] == nil, "an anonymous listing has the original fields only")
            let owned = try client.array(try await client.send(.get, "/songs", token: Self.owner))
            #expect(owned.first { $0["id"] as? String == "s1" }?["liked"] as? Bool == true)
            #expect(owned.first { $0["id"] as? String == "s2" }?["liked"] as? Bool == false)
            #expect(owned.first?["rating"] as? Int == 0)
            #expect(owned.first?["plays"] as? Int == 0)
            #expect(owned.first.map { $0.keys.contains("lastPlayed") } == true)
            #expect(try client.object(try await client.send(.get, "/songs/s1", token: Self.owner))["liked"] as? Bool == true)
            #expect(try client.object(try await client.send(.get, "/songs/s1"))["liked"] == nil)
        }
    }

    @Test("accounts: added with the service token, signed in, and each listener sees only their own marks")
    func accounts() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let added = try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"Ann","password":"ann-secret"}"#)
            #expect(added.status == .created, "\(added.text)")
            #expect(try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"bob","password":"bob-secret","admin":true}"#).status == .created)
            #expect(try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"ANN","password":"x"}"#).status == .conflict)
            #expect(try await client.send(.post, "/users", json: #"{"name":"eve","password":"x"}"#).status == .unauthorized)
            // Once accounts exist, anonymous listener requests need a login; the owner's token still works.
            let anonymous = try await client.send(.put, "/songs/s1/like")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.errorMessage?.contains("termplayer login") == true)
            #expect(try await client.send(.put, "/songs/s5/like", token: Self.owner).status == .ok)
            let ann = try await client.login("ann", "ann-secret")
            let bob = try await client.login("Bob", "bob-secret")
            #expect(try client.object(try await client.send(.get, "/me", token: ann))["name"] as? String == "Ann")
            #expect(try await client.send(.put, "/songs/s1/like", token: ann).status == .ok)
            #expect(try await client.send(.put, "/songs/s2/rating", token: bob, json: #"{"rating":4}"#).status == .ok)
            func marks(_ token: String) async throws -> [String: (Bool, Int)] {
                var marks: [String: (Bool, Int)] = [:]
                for song in try client.array(try await client.send(.get, "/songs", token: token)) {
                    marks[song["id"] as? String ?? ""] = (song["liked"] as? Bool ?? false, song["rating"] as? Int ?? -1)
                }
                return marks
            }
            let annMarks = try await marks(ann)
            let bobMarks = try await marks(bob)
            #expect(annMarks["s1"]?.0 == true)
            #expect(annMarks["s2"]?.1 == 0)
            #expect(annMarks["s5"]?.0 == false, "the local listener's like is theirs alone")
            #expect(bobMarks["s1"]?.0 == false)
            #expect(bobMarks["s2"]?.1 == 4)
            #expect(try client.array(try await client.send(.get, "/likes", token: ann)).map { $0["id"] as? String } == ["s1"])
            // HTTP Basic works too, and a wrong password is refused without saying which part was wrong.
            #expect(try client.object(try await client.send(.get, "/me", basic: ("ann", "ann-secret")))["name"] as? String == "Ann")
            let wrong = try await client.send(.get, "/me", basic: ("ann", "nope"))
            #expect(wrong.status == .unauthorized)
            #expect(wrong.errorMessage == "wrong name or password")
            #expect(try await client.send(.get, "/me", basic: ("nobody", "nope")).errorMessage == "wrong name or password")
            // Only admins manage accounts.
            #expect(try await client.send(.get, "/users", token: ann).status == .forbidden)
            let users = try client.array(try await client.send(.get, "/users", token: bob))
            #expect(users.map { $0["name"] as? String } == ["Ann", "bob", "local"])
            #expect(users.allSatisfy { $0["password"] == nil && $0["passwordHash"] == nil })
            // A new password ends the listener's logins.
            #expect(try await client.send(.put, "/users/Ann/password", token: ann, json: #"{"password":"new-secret"}"#).status == .noContent)
            #expect(try await client.send(.get, "/me", token: ann).status == .unauthorized)
            _ = try await client.login("ann", "new-secret")
            // Logging out ends that token; removing a listener takes their marks.
            #expect(try await client.send(.post, "/logout", token: bob).status == .noContent)
            #expect(try await client.send(.get, "/me", token: bob).status == .unauthorized)
            #expect(try await client.send(.delete, "/users/ann", token: Self.owner).status == .noContent)
            #expect(try await library.service.catalog.marks(userID: "local", songIDs: nil).keys.sorted() == ["s5"])
            #expect(try await client.send(.delete, "/users/local", token: Self.owner).status == .forbidden)
        }
    }

    @Test("failed logins are limited per name: the sixth wrong guess in a minute waits, with Retry-After")
    func rateLimited() async throws {
        let library = try await Self.library()
        try await library.live { client in
            try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"ann","password":"right"}"#)
            for _ in 0..<5 {
                #expect(try await client.send(.post, "/login", json: #"{"name":"ann","password":"wrong"}"#).status == .unauthorized)
            }
            let limited = try await client.send(.post, "/login", json: #"{"name":"ann","password":"right"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(limited.errorMessage?.contains("too many failed logins") == true)
        }
    }

    @Test("API keys: shown once, listed without the key, and revoked")
    func apiKeys() async throws {
        let library = try await Self.library()
        try await library.live { client in
            try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"ann","password":"pw"}"#)
            let login = try await client.login("ann", "pw")
            let created = try client.object(try await client.send(.post, "/me/keys", token: login, json: #"{"name":"phone"}"#))
            let key = try #require(created["key"] as? String)
            let id = try #require(created["id"] as? String)
            #expect(try client.object(try await client.send(.get, "/me", token: key))["name"] as? String == "ann")
            let listed = try client.array(try await client.send(.get, "/me/keys", token: login))
            #expect(listed.map { $0["name"] as? String } == ["phone"])
            #expect(listed.first?["key"] == nil)
            #expect(try await client.send(.delete, "/me/keys/\(id)", token: login).status == .noContent)
            #expect(try await client.send(.get, "/me", token: key).status == .unauthorized)
            #expect(try await client.send(.get, "/me", token: "tp1.forged.secret").status == .unauthorized)
            #expect(try await client.send(.get, "/songs", token: "not-a-token").status == .unauthorized, "a bad credential is never silently anonymous")
        }
    }

    @Test("bad input: a clear 400, 404, 409 or 413, and nothing changes")
    func badInput() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let owner = Self.owner
            for (body, fragment) in [(#"{"rating":7}"#, "0 to 5"), (#"{"rating":"five"}"#, "rating"), ("not json", "not the JSON"), ("{}", "needs")] {
                let response = try await client.send(.put, "/songs/s1/rating", token: owner, json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.errorMessage?.contains(fragment) == true, "\(body): \(response.text)")
            }
            #expect(try await client.send(.put, "/songs/missing/like", token: owner).status == .notFound)
            #expect(try await client.send(.put, "/songs/..%2Fx/like", token: owner).status == .badRequest)
            let longName = String(repeating: "n", count: 10_000)
            let long = try await client.send(.post, "/playlists", token: owner, json: #"{"name":"\#(longName)"}"#)
            #expect(long.status == .badRequest)
            #expect(long.errorMessage?.contains("at most 200 characters") == true)
            #expect(try await client.send(.post, "/playlists", token: owner, json: #"{"name":"  "}"#).status == .badRequest)
            let unknownSong = try await client.send(.post, "/playlists", token: owner, json: #"{"name":"Mix","songs":["s1","nope"]}"#)
            #expect(unknownSong.status == .unprocessableContent, "the song, not the route, is missing")
            #expect(unknownSong.errorMessage == "no song with id nope")
            #expect(try await client.send(.get, "/playlists/nope", token: owner).status == .notFound)
            let created = try client.object(try await client.send(.post, "/playlists", token: owner, json: #"{"name":"Mix","songs":["s1","s2"]}"#))
            let id = try #require(created["id"] as? String)
            #expect(try await client.send(.post, "/playlists", token: owner, json: #"{"name":"mix"}"#).status == .conflict)
            #expect(try await client.send(.post, "/playlists/\(id)/songs", token: owner, json: #"{"songs":["s3"],"version":1}"#).status == .ok)
            let stale = try await client.send(.post, "/playlists/\(id)/songs", token: owner, json: #"{"songs":["s4"],"version":1}"#)
            #expect(stale.status == .conflict)
            #expect(stale.errorMessage?.contains("changed since version 1") == true)
            // No entry 9 in the playlist as it is now: a conflict with its state.
            #expect(try await client.send(.post, "/playlists/\(id)/remove", token: owner, json: #"{"positions":[9]}"#).status == .conflict)
            #expect(try await client.send(.post, "/playlists/\(id)/move", token: owner, json: #"{"from":1}"#).status == .badRequest)
            #expect(try await client.send(.post, "/playlists/liked/songs", token: owner, json: #"{"songs":["s1"]}"#).status == .forbidden)
            let entries = try client.object(try await client.send(.get, "/playlists/\(id)", token: owner))["entries"] as? [[String: Any]]
            #expect(entries?.map { $0["songId"] as? String } == ["s1", "s2", "s3"], "refused edits changed nothing")
            let huge = [UInt8](repeating: UInt8(ascii: " "), count: 20 << 20)
            #expect(try await client.send(.post, "/playlists/import", token: owner, body: huge).status == .contentTooLarge)
            #expect(try await client.send(.post, "/plays", token: owner, body: [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20)).status == .contentTooLarge)
            let badTime = try await client.send(.post, "/plays", token: owner, json: #"{"song":"s1","startedAt":"yesterday","playedSeconds":3}"#)
            #expect(badTime.status == .badRequest)
            #expect(try await client.send(.post, "/plays", token: owner, json: #"{"song":"gone","startedAt":"2026-01-01T00:00:00Z","playedSeconds":3}"#).status == .badRequest)
            #expect(try await client.send(.get, "/history?limit=0", token: owner).status == .badRequest)
            #expect(try await library.service.catalog.history(userID: "local", before: nil, limit: 10).isEmpty)
        }
    }

    @Test("plays: counted by the scrobblers' rule, stored once, in the history and the listing")
    func plays() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let owner = Self.owner
            // The seeded songs are 0.2 s tones: any play of 0.1 s or more counts.
            let report = #"[{"song":"s1","startedAt":"2026-11-30T10:00:00.250Z","playedSeconds":0.2},{"song":"s2","startedAt":"2026-11-30T10:01:00Z","playedSeconds":0.01}]"#
            let receipt = try client.object(try await client.send(.post, "/plays", token: owner, json: report))
            #expect(receipt["added"] as? Int == 2)
            let again = try client.object(try await client.send(.post, "/plays", token: owner, json: report))
            #expect(again["added"] as? Int == 0)
            #expect(again["duplicates"] as? Int == 2)
            let history = try client.array(try await client.send(.get, "/history", token: owner))
            #expect(history.map { $0["songId"] as? String } == ["s2", "s1"])
            #expect(history.map { $0["counted"] as? Bool } == [false, true])
            #expect(history.map { $0["skipped"] as? Bool } == [true, false])
            #expect(history.last?["startedAt"] as? String == "2026-11-30T10:00:00.250Z")
            #expect((history.last?["song"] as? [String: Any])?["title"] as? String == "Song 1")
            let s1 = try client.array(try await client.send(.get, "/songs?limit=2", token: owner)).first { $0["id"] as? String == "s1" }
            #expect(s1?["plays"] as? Int == 1)
            #expect(s1?["lastPlayed"] as? String == "2026-11-30T10:00:00.250Z")
            let page = try client.array(try await client.send(.get, "/history?limit=1&before=2026-11-30T10:01:00Z", token: owner))
            #expect(page.map { $0["songId"] as? String } == ["s1"])
        }
    }

    @Test("playlists: private ones stay private, public ones can be read and copied, not edited, by others")
    func sharing() async throws {
        let library = try await Self.library()
        try await library.live { client in
            for name in ["ann", "bob"] {
                try await client.send(.post, "/users", token: Self.owner, json: #"{"name":"\#(name)","password":"pw"}"#)
            }
            let ann = try await client.login("ann", "pw")
            let bob = try await client.login("bob", "pw")
            let secret = try client.object(try await client.send(.post, "/playlists", token: ann, json: #"{"name":"Secret","songs":["s1"]}"#))
            let open = try client.object(try await client.send(.post, "/playlists", token: ann, json: #"{"name":"Open","public":true,"songs":["s2","s3"]}"#))
            let secretID = try #require(secret["id"] as? String)
            let openID = try #require(open["id"] as? String)
            let bobs = try client.array(try await client.send(.get, "/playlists", token: bob))
            #expect(bobs.filter { $0["smart"] as? Bool == true }.count == SmartPlaylist.allCases.count)
            #expect(bobs.filter { $0["smart"] as? Bool == false }.map { $0["name"] as? String } == ["Open"])
            #expect(try await client.send(.get, "/playlists/\(secretID)", token: bob).status == .notFound)
            #expect(try await client.send(.get, "/playlists/\(openID)", token: bob).status == .ok)
            #expect(try await client.send(.post, "/playlists/\(openID)/songs", token: bob, json: #"{"songs":["s4"]}"#).status == .forbidden)
            #expect(try await client.send(.delete, "/playlists/\(openID)", token: bob).status == .forbidden)
            let copy = try await client.send(.post, "/playlists/\(openID)/copy", token: bob)
            #expect(copy.status == .created)
            #expect(try client.object(copy)["owner"] as? String == "bob")
            #expect(try client.object(copy)["songCount"] as? Int == 2)
            let moved = try client.object(try await client.send(.post, "/playlists/\(openID)/move", token: ann, json: #"{"from":2,"to":1,"version":1}"#))
            #expect(moved["version"] as? Int == 2)
            let detail = try client.object(try await client.send(.get, "/playlists/\(openID)", token: ann))
            #expect((detail["entries"] as? [[String: Any]])?.map { $0["songId"] as? String } == ["s3", "s2"])
            #expect(try await client.send(.delete, "/playlists/\(secretID)", token: ann).status == .noContent)
        }
    }

    @Test("history: a ListenBrainz-style import matches by id or folded artist and title, twice adds nothing, and the export reads back")
    func historyFiles() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let owner = Self.owner
            let listens = #"{"listens":[{"artist":"BEYONCE","title":"song 3","listenedAt":"2026-10-01T08:00:00Z"},{"songId":"s1","listenedAt":"2026-10-01T09:00:00Z"},{"artist":"Nobody","title":"Nothing","listenedAt":"2026-10-01T10:00:00Z"}]}"#
            let receipt = try client.object(try await client.send(.post, "/history/import", token: owner, json: listens))
            #expect(receipt["added"] as? Int == 2)
            #expect(receipt["unmatched"] as? Int == 1)
            #expect((receipt["unmatchedExamples"] as? [String])?.first?.contains("Nobody") == true)
            let again = try client.object(try await client.send(.post, "/history/import", token: owner, json: listens))
            #expect(again["added"] as? Int == 0)
            #expect(again["duplicates"] as? Int == 2)
            let export = try await client.send(.get, "/history/export", token: owner)
            #expect(export.status == .ok)
            let lines = export.text.split(separator: "\n")
            #expect(lines.count == 2)
            let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            let metadata = try #require(first["track_metadata"] as? [String: Any])
            #expect(metadata["track_name"] as? String == "Song 1")
            #expect((metadata["additional_info"] as? [String: Any])?["termplayer_song_id"] as? String == "s1")
        }
    }

    @Test("playlist files: M3U8 and XSPF in, matched by URL, id or artist and title; out again with stream URLs")
    func playlistFiles() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let owner = Self.owner
            let m3u = """
                #EXTM3U
                #PLAYLIST:Road Trip
                #EXTINF:1,Beyonce - Song 3
                /music/whatever.mp3
                #EXTINF:1,Artist - Song 1
                http://elsewhere.example/media/s1.mp3
                #EXTINF:200,Missing Artist - Missing Song
                missing.mp3
                """
            let imported = try await client.send(.post, "/playlists/import", token: owner, body: Array(m3u.utf8))
            #expect(imported.status == .created, "\(imported.text)")
            let receipt = try client.object(imported)
            #expect(receipt["matched"] as? Int == 2)
            #expect(receipt["unmatched"] as? [String] == ["Missing Artist — Missing Song"])
            let playlist = try #require(receipt["playlist"] as? [String: Any])
            #expect(playlist["name"] as? String == "Road Trip")
            let id = try #require(playlist["id"] as? String)
            let exported = try await client.send(.get, "/playlists/\(id)/export?format=xspf", token: owner)
            #expect(exported.headers[.contentType] == "application/xspf+xml")
            #expect(exported.text.contains("/media/s3.mp3"))
            // The exported XSPF imports back to the same songs.
            let back = try client.object(try await client.send(.post, "/playlists/import?name=Again", token: owner, body: Array(exported.text.utf8)))
            #expect(back["matched"] as? Int == 2)
            let again = try client.object(try await client.send(.get, "/playlists/\((back["playlist"] as? [String: Any])?["id"] as? String ?? "")", token: owner))
            #expect((again["entries"] as? [[String: Any]])?.map { $0["songId"] as? String } == ["s3", "s1"])
            let broken = try await client.send(.post, "/playlists/import?format=xspf", token: owner, body: Array("<playlist><trackList><track>".utf8))
            #expect(broken.status == .badRequest)
            #expect(broken.errorMessage?.contains("not a playlist") == true)
        }
    }

    @Test("listener responses carry exactly the documented fields")
    func documentedShapes() async throws {
        let library = try await Self.library()
        try await library.live { client in
            let document = try await OpenAPITests.document(from: client)
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
            func check(_ object: Any?, against name: String) throws {
                let object = try #require(object as? [String: Any], "\(name) is not an object")
                let schema = try #require(schemas[name], "no schema \(name)")
                let properties = Set((schema["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
                let required = Set(schema["required"] as? [String] ?? [])
                #expect(required.isSubset(of: Set(object.keys)), "\(name) lacks \(required.subtracting(object.keys))")
                #expect(Set(object.keys).isSubset(of: properties), "\(name) has undocumented \(Set(object.keys).subtracting(properties))")
            }
            let owner = Self.owner
            let user = try await client.send(.post, "/users", token: owner, json: #"{"name":"ann","password":"pw"}"#)
            try check(try client.object(user), against: "UserSummary")
            let login = try client.object(try await client.send(.post, "/login", json: #"{"name":"ann","password":"pw"}"#))
            try check(login, against: "LoginToken")
            try check(login["listener"], against: "Listener")
            let token = try #require(login["token"] as? String)
            try check(try client.object(try await client.send(.post, "/me/keys", token: token, json: #"{"name":"k"}"#)), against: "APIKeyInfo")
            try check(try client.object(try await client.send(.put, "/songs/s1/like", token: token)), against: "SongMark")
            try check(try client.object(try await client.send(.put, "/songs/s1/rating", token: token, json: #"{"rating":3}"#)), against: "SongMark")
            try check(try client.array(try await client.send(.get, "/likes", token: token)).first, against: "Song")
            try check(try client.array(try await client.send(.get, "/songs", token: token)).first, against: "Song")
            let play = #"{"song":"s1","startedAt":"2026-11-30T10:00:00Z","playedSeconds":0.2}"#
            try check(try client.object(try await client.send(.post, "/plays", token: token, json: play)), against: "PlaysReceipt")
            try check(try client.array(try await client.send(.get, "/history", token: token)).first, against: "HistoryEntry")
            let created = try client.object(try await client.send(.post, "/playlists", token: token, json: #"{"name":"Mix","songs":["s1"]}"#))
            try check(created, against: "PlaylistSummary")
            let detail = try client.object(try await client.send(.get, "/playlists/\(created["id"] as? String ?? "")", token: token))
            try check(detail, against: "PlaylistDetail")
            try check((detail["entries"] as? [Any])?.first, against: "PlaylistEntry")
            try check(try client.array(try await client.send(.get, "/playlists", token: token)).first, against: "PlaylistSummary")
            let imported = try await client.send(.post, "/playlists/import", token: token, body: Array("#EXTM3U\n#EXTINF:1,Artist - Song 2\nx.mp3\n".utf8))
            try check(try client.object(imported), against: "PlaylistImportReceipt")
        }
    }
}
