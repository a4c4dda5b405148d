import Catalog
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

/// A small library for the Subsonic tests: three artists (one spelled two ways), three albums, two genres, covers on
/// some songs.
enum SubsonicLibrary {
    struct Song {
        var id: String
        var title: String
        var artist: String
        var album: String
        var genre: Int
        var year: Int
        var cover: Bool
    }

    static let songs = [
        Song(id: "s1", title: "Alpha", artist: "ABBA", album: "Arrival", genre: 3, year: 1976, cover: true),
        Song(id: "s2", title: "Bravo", artist: "ABBA", album: "Arrival", genre: 3, year: 1976, cover: false),
        Song(id: "s3", title: "Charlie", artist: "The Beatles", album: "Abbey Road", genre: 1, year: 1969, cover: true),
        Song(id: "s4", title: "Delta", artist: "Beyoncé", album: "Lemonade", genre: 3, year: 2016, cover: false),
        Song(id: "s5", title: "Echo", artist: "beyonce", album: "LEMONADE", genre: 3, year: 2016, cover: false),
    ]

    static var arrival: String { SubsonicIDs.album(artistKey: "abba", albumKey: "arrival") }
    static var lemonade: String { SubsonicIDs.album(artistKey: "beyonce", albumKey: "lemonade") }
    static var abbeyRoad: String { SubsonicIDs.album(artistKey: "the beatles", albumKey: "abbey road") }
    static var abba: String { SubsonicIDs.artist(key: "abba") }
    static var beyonce: String { SubsonicIDs.artist(key: "beyonce") }

    static func make(host: String = "127.0.0.1") async throws -> TestLibrary {
        let library = try await TestLibrary(host: host)
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.2))
        let jpg = try Data(contentsOf: Fixtures.coverJPEG())
        for song in songs {
            try Fixtures.bundleJSON(title: song.title, album: song.album, artist: song.artist, genre: song.genre, year: song.year)
                .write(to: library.bucketFolder.appendingPathComponent("\(song.id).json"))
            try mp3.write(to: library.bucketFolder.appendingPathComponent("\(song.id).mp3"))
            if song.cover { try jpg.write(to: library.bucketFolder.appendingPathComponent("\(song.id).jpg")) }
            let outcome = await library.service.ingestor.reconcile(try BundleID(validating: song.id))
            #expect(outcome.state == .ingested, "\(song.id): \(outcome.reason ?? "")")
        }
        return library
    }

    /// Adds a listener through the service's own API, with its token.
    static func addUser(_ name: String, _ password: String, admin: Bool = false, to client: any TestClientProtocol) async throws {
        let response = try await client.executeRequest(
            uri: "/users", method: .post, headers: [.authorization: "Bearer \(TestLibrary.token)", .contentType: "application/json"],
            body: ByteBuffer(string: #"{"name":"\#(name)","password":"\#(password)","admin":\#(admin)}"#))
        #expect(response.status == .created, "\(String(buffer: response.body))")
    }
}

@Suite("Subsonic: transports, formats, errors and auth")
struct SubsonicProtocolTests {
    @Test("ping by GET, POST with a query string and POST form, with and without .view, in XML, JSON and JSONP")
    func transports() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            for transport in SubsonicTestClient.Transport.allCases {
                for view in [true, false] {
                    let json = try await rest.call("ping", transport: transport, view: view)
                    #expect(json.status == .ok)
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [String: Any]
                    let envelope = try #require(object?["subsonic-response"] as? [String: Any], "\(transport) \(view): \(String(buffer: json.body))")
                    #expect(envelope["status"] as? String == "ok")
                    #expect(envelope["version"] as? String == "1.16.1")
                    #expect(envelope["type"] as? String == "termplayer")
                    #expect(envelope["serverVersion"] as? String == TermPlayerVersion.current)
                    #expect(envelope["openSubsonic"] as? Bool == true)
                    let base = try JSONDecoder().decode(Strict.Envelope<Strict.Base>.self, from: Data(buffer: json.body)).response
                    #expect(base.openSubsonic)

                    let xml = try await rest.call("ping", format: nil, transport: transport, view: view)
                    #expect(xml.headers[.contentType]?.hasPrefix("text/xml") == true)
                    let root = try XMLTree.parse(Data(buffer: xml.body))
                    #expect(root.name == "subsonic-response")
                    #expect(root.namespace == "http://subsonic.org/restapi")
                    #expect(root.attributes["status"] == "ok")
                    #expect(root.attributes["openSubsonic"] == "true")
                }
            }
            let jsonp = try await rest.call("ping", [("callback", "handle")], format: "jsonp")
            #expect(jsonp.headers[.contentType]?.hasPrefix("application/javascript") == true)
            #expect(String(buffer: jsonp.body).hasPrefix(#"handle({"subsonic-response":{"status":"ok""#))
            #expect(String(buffer: jsonp.body).hasSuffix(");\n"))
            let noCallback = try await rest.call("ping", format: "jsonp")
            #expect(String(buffer: noCallback.body).contains(#""code":10"#))
        }
    }

    @Test("an unknown method is a Subsonic error with HTTP 200, in the format asked for")
    func unknownMethod() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            #expect(try await rest.errorCode("getVideos") == 70)
            let xml = try await rest.call("getVideos", format: nil)
            #expect(xml.status == .ok)
            let root = try XMLTree.parse(Data(buffer: xml.body))
            #expect(root.attributes["status"] == "failed")
            #expect(root.first("error")?.attributes["code"] == "70")
            #expect(try await rest.errorCode("getAlbum") == 10, "a required parameter missing")
        }
    }

    @Test("with no accounts, a loopback-only service answers anyone as the local listener")
    func zeroSetUp() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let rest = SubsonicTestClient(client: client)
            #expect(try await rest.errorCode("getUser") == nil)
            let named = SubsonicTestClient(client: client, credentials: [("u", "whoever"), ("p", "anything")])
            let user = try #require(try await named.ok("getUser")["user"] as? [String: Any])
            #expect(user["username"] as? String == "local")
        }
    }

    @Test("with no accounts, a service reachable from elsewhere wants credentials: error 10, then 40")
    func reachable() async throws {
        let library = try await SubsonicLibrary.make(host: "0.0.0.0")
        try await library.live(.router) { client async throws in
            #expect(try await SubsonicTestClient(client: client).errorCode("getArtists") == 10)
            #expect(try await SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "x")]).errorCode("getArtists") == 40)
            #expect(try await SubsonicTestClient(client: client).errorCode("ping") == nil, "ping needs no credentials")
            #expect(try await SubsonicTestClient(client: client).errorCode("getLicense") == nil)
            #expect(try await SubsonicTestClient(client: client).errorCode("getOpenSubsonicExtensions") == nil)
        }
    }

    @Test("u + p (plain and enc:), u + t + s, and apiKey; each wrong one gets its own code")
    func authForms() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            try await SubsonicLibrary.addUser("ann", "sesame", to: client)
            func code(_ credentials: [(String, String)], transport: SubsonicTestClient.Transport = .get) async throws -> Int? {
                try await SubsonicTestClient(client: client, credentials: credentials).errorCode("getUser", transport: transport)
            }
            for transport in SubsonicTestClient.Transport.allCases {
                #expect(try await code([("u", "ann"), ("p", "sesame")], transport: transport) == nil)
                #expect(try await code([("u", "Ann"), ("p", "enc:736573616d65")], transport: transport) == nil, "names in any case")
                #expect(try await code([("u", "ann"), ("t", "26719a1196d2a940705a59634eb18eab"), ("s", "c19b2d")], transport: transport) == nil)
            }
            let salt = "0123456789abcdefghij"
            #expect(try await code([("u", "ann"), ("t", SubsonicCredentials.token(password: "sesame", salt: salt)), ("s", salt)]) == nil)
            #expect(try await code([("u", "ann"), ("t", SubsonicCredentials.token(password: "sesame", salt: salt)), ("s", "other")]) == 40)
            #expect(try await code([("u", "ann"), ("p", "wrong")]) == 40)
            #expect(try await code([("u", "nobody"), ("p", "sesame")]) == 40)
            #expect(try await code([]) == 10, "accounts exist: no credentials is no listener")
            #expect(try await code([("u", "ann")]) == 10)
            #expect(try await code([("u", "ann"), ("t", "abc")]) == 10)

            let keyResponse = try await client.executeRequest(
                uri: "/me/keys", method: .post,
                headers: [.authorization: "Basic \(Data("ann:sesame".utf8).base64EncodedString())", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"name":"phone"}"#))
            #expect(keyResponse.status == .created, "\(String(buffer: keyResponse.body))")
            let key = try #require((try JSONSerialization.jsonObject(with: Data(buffer: keyResponse.body)) as? [String: Any])?["key"] as? String)
            let user = try #require(try await SubsonicTestClient(client: client, credentials: [("apiKey", key)]).ok("getUser")["user"] as? [String: Any])
            #expect(user["username"] as? String == "ann")
            #expect(try await code([("apiKey", key), ("u", "ann")]) == 43)
            #expect(try await code([("apiKey", key + "x")]) == 44)
            #expect(try await code([("apiKey", "nonsense")]) == 44)
            #expect(try await code([("apiKey", TestLibrary.token)]) == nil, "the service's own token is the local listener's key")
        }
    }

    @Test("an account whose password cannot be recovered signs in with p, and a token gets error 41")
    func noTokens() async throws {
        let library = try await SubsonicLibrary.make()
        let hash = try await PasswordHasher.hash("sesame")
        try await library.service.catalog.createUser(UserRecord(id: "u-old", name: "old", passwordHash: hash, sealedPassword: nil))
        try await library.live(.router) { client async throws in
            #expect(try await SubsonicTestClient(client: client, credentials: [("u", "old"), ("p", "sesame")]).errorCode("getUser") == nil)
            #expect(try await SubsonicTestClient(client: client, credentials: [("u", "old"), ("p", "nope")]).errorCode("getUser") == 40)
            let token = [("u", "old"), ("t", SubsonicCredentials.token(password: "sesame", salt: "abc")), ("s", "abc")]
            #expect(try await SubsonicTestClient(client: client, credentials: token).errorCode("getUser") == 41)
        }
    }

    @Test("wrong passwords are limited per name, as logins are")
    func guessing() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            try await SubsonicLibrary.addUser("ann", "sesame", to: client)
            let wrong = SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "guess")])
            for _ in 0..<5 { #expect(try await wrong.errorCode("ping") == 40, "clients ping to test a login") }
            #expect(try await wrong.errorCode("getOpenSubsonicExtensions") == nil, "answered whatever the credentials")
            #expect(try await SubsonicTestClient(client: client).errorCode("ping") == nil, "without credentials, ping answers")
            let right = SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "sesame")])
            let envelope = try await right.envelope("getUser")
            let error = try #require(envelope["error"] as? [String: Any])
            #expect(error["code"] as? Int == 40)
            #expect((error["message"] as? String)?.contains("try again") == true)
        }
    }

    @Test("getUser of another listener takes an admin (50); an unknown one is 70")
    func otherUsers() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            try await SubsonicLibrary.addUser("ann", "sesame", to: client)
            try await SubsonicLibrary.addUser("boss", "boss-pass", admin: true, to: client)
            let ann = SubsonicTestClient(client: client, credentials: [("u", "ann"), ("p", "sesame")])
            let boss = SubsonicTestClient(client: client, credentials: [("u", "boss"), ("p", "boss-pass")])
            #expect(try await ann.errorCode("getUser", [("username", "boss")]) == 50)
            let seen = try #require(try await boss.ok("getUser", [("username", "ann")])["user"] as? [String: Any])
            #expect(seen["username"] as? String == "ann")
            #expect(seen["adminRole"] as? Bool == false)
            #expect(seen["streamRole"] as? Bool == true)
            #expect(seen["folder"] as? [Int] == [1])
            #expect(try await boss.errorCode("getUser", [("username", "nobody")]) == 70)
        }
    }

    @Test("the service's own API keeps its shapes and its JSON errors beside /rest")
    func ownAPIUnchanged() async throws {
        let library = try await SubsonicLibrary.make()
        try await library.live(.router) { client async throws in
            let songs = try await client.get("/songs")
            #expect(songs.status == .ok)
            let missing = try await client.get("/songs/nope")
            #expect(missing.status == .notFound)
            #expect(missing.errorMessage != nil)
            let noRoute = try await client.get("/rest/a/b")
            #expect(noRoute.status == .notFound)
        }
    }
}
