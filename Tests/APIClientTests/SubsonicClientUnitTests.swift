@testable import APIClient
import Testing

@Suite("Subsonic client: answers, addresses and signing in, without a server")
struct SubsonicClientUnitTests {
    @Test("the same answer in XML and in JSON reads as the same tree")
    func xmlAndJSONAgree() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1">
              <genres>
                <genre songCount="2" albumCount="1">Rock &amp; Roll</genre>
                <genre songCount="1" albumCount="1">Jazz</genre>
              </genres>
              <song id="s1" title="Caf&#xE9; &quot;1&quot;" starred="2026-01-01T00:00:00Z" year="1999" duration="61" userRating="4"/>
            </subsonic-response>
            """
        let json = """
            {"subsonic-response":{"status":"ok","version":"1.16.1","genres":{"genre":[
              {"value":"Rock & Roll","songCount":2,"albumCount":1},{"value":"Jazz","songCount":1,"albumCount":1}]},
             "song":{"id":"s1","title":"Caf\\u00e9 \\"1\\"","starred":"2026-01-01T00:00:00Z","year":1999,"duration":61,"userRating":4}}}
            """
        let fromXML = try SubsonicNode.response(from: Array(xml.utf8))
        let fromJSON = try SubsonicNode.response(from: Array(json.utf8))
        #expect(fromXML.child("genres")?.all("genre").map { $0["value"] } == ["Rock & Roll", "Jazz"])
        #expect(fromJSON.child("genres")?.all("genre").map { $0["value"] } == ["Rock & Roll", "Jazz"])
        #expect(fromXML.child("genres")?.all("genre").map { $0.int("songCount") } == [2, 1])
        #expect(fromJSON.child("genres")?.all("genre").map { $0.int("songCount") } == [2, 1])
        for tree in [fromXML, fromJSON] {
            let song = try #require(tree.child("song"))
            #expect(song["title"] == "Café \"1\"")
            #expect(song.int("year") == 1999)
            #expect(song.int("userRating") == 4)
            #expect(tree["status"] == "ok")
        }
    }

    @Test("a song entry becomes a Song whose URLs carry no credentials")
    func songMapping() throws {
        let client = try Self.client(password: "sesame")
        let answer = try SubsonicNode.response(from: Array("""
            {"subsonic-response":{"status":"ok","song":[
              {"id":"tr-1","title":"One","album":"A","artist":"B","genre":"Jazz","year":2001,"duration":200.5,"coverArt":"al-9",
               "starred":"2026-01-01T00:00:00Z","userRating":9,"playCount":3,"bitRate":320,"artistId":"ar-2"},
              {"id":"dir","isDir":true,"title":"A folder"}]}}
            """.utf8))
        let songs = client.songs(from: answer.all("song"))
        #expect(songs.count == 1)
        let song = try #require(songs.first)
        #expect(song.file == "http://127.0.0.1:4533/music/rest/stream.view?id=tr-1")
        #expect(song.image == "http://127.0.0.1:4533/music/rest/getCoverArt.view?id=al-9")
        #expect(song.liked == true)
        #expect(song.rating == 5)
        #expect(song.plays == 3)
        #expect(song.duration == 200.5)
        let signed = client.playableURL(song.file)
        #expect(signed.hasPrefix(song.file + "&u=ann&t="))
        #expect(signed.contains("&s=") && signed.contains("&v=1.16.1&c=TermPlayer"))
        #expect(!signed.contains("sesame"))
        #expect(client.playableURL("https://elsewhere.example/a.mp3") == "https://elsewhere.example/a.mp3")
    }

    @Test("the token is md5(password + salt), as the spec's example has it")
    func tokenVector() {
        #expect(SubsonicClient.token(password: "sesame", salt: "c19b2d") == "26719a1196d2a940705a59634eb18eab")
    }

    @Test("errors: a failed answer carries the server's code and message; anything else says it is not Subsonic")
    func failures() throws {
        let failed = TransferResponseBuilder.response(#"{"subsonic-response":{"status":"failed","version":"1.16.1","error":{"code":40,"message":"Wrong username or password"}}}"#)
        let error = #expect(throws: APIClientError.self) { try SubsonicClient.answer(failed, shownAs: "http://h/rest/ping") }
        guard case .subsonic(_, 40, "Wrong username or password")? = error else {
            Issue.record("expected a Subsonic error 40, got \(String(describing: error))")
            return
        }
        #expect(error?.status == 401)
        #expect(error?.isOutage == false)
        #expect(error?.description.contains("check the user name and password") == true)
        for body in ["<html><body>Welcome</body></html>", #"{"songs":[]}"#, "", "[1,2]", "<subsonic-response status=\"ok\">"] {
            let other = #expect(throws: APIClientError.self) { try SubsonicClient.answer(TransferResponseBuilder.response(body), shownAs: "http://h/rest/ping") }
            guard case .notSubsonic? = other else {
                Issue.record("\(body.debugDescription): expected notSubsonic, got \(String(describing: other))")
                continue
            }
        }
        let missing = TransferResponseBuilder.response("<html>404</html>", status: 404)
        let http = #expect(throws: APIClientError.self) { try SubsonicClient.answer(missing, shownAs: "http://h/rest/x") }
        #expect(http?.description == "http://h/rest/x did not answer like a Subsonic server: HTTP 404: <html>404</html>")
    }

    @Test("malformed XML and JSON are errors with a place, never a crash")
    func malformed() {
        let bad = [
            "<subsonic-response status='ok'><a></b></subsonic-response>", "<subsonic-response status=ok/>", "<a",
            #"{"subsonic-response":{"status":"ok""#, #"{"subsonic-response":{"a":[1,}}"#, #"{"subsonic-response":"x"}"#,
            #"{"subsonic-response":"# + String(repeating: "[", count: 10_000), #"{"subsonic-response":{"s":"\u12"}}"#,
        ]
        for text in bad {
            #expect(throws: SubsonicNode.Unreadable.self, "\(text.prefix(40))") { try SubsonicNode.response(from: Array(text.utf8)) }
        }
    }

    @Test("addresses: subsonic+http(s)://USER@HOST[:PORT][/PATH], and clear words for anything else")
    func addresses() throws {
        let plain = try SubsonicAddress(parsing: "subsonic+https://ann@music.example.com")
        #expect(plain.base == "https://music.example.com")
        #expect(plain.user == "ann")
        let full = try SubsonicAddress(parsing: "subsonic+http://ann%40home:p%2Bw@127.0.0.1:4533/sub/rest/")
        #expect(full.base == "http://127.0.0.1:4533/sub")
        #expect(full.user == "ann@home")
        #expect(full.password == "p+w")
        #expect(!full.description.contains("p+w"))
        for text in ["subsonic+https://music.example.com", "subsonic+ftp://ann@h", "https://ann@h", "subsonic+https://ann@h/?a=1", "subsonic+"] {
            #expect(throws: SubsonicAddress.Invalid.self, "\(text)") { try SubsonicAddress(parsing: text) }
        }
        #expect(SubsonicAddress.names("Subsonic+https://a@b"))
        #expect(!SubsonicAddress.names("http://127.0.0.1:8080"))
    }

    @Test("songs come in the service's title order, accents and case folded, each id once")
    func titleOrder() {
        let songs = ["b", "Été", "a", "B", "a"].enumerated().map { index, title in
            Song(id: index == 4 ? "0" : "\(index)", title: title, album: "", artist: "", genre: "", year: nil, file: "", image: nil)
        }
        #expect(SubsonicClient.inTitleOrder(songs).map(\.title) == ["a", "b", "B", "Été"])
    }

    static func client(password: String) throws -> SubsonicClient {
        SubsonicClient(address: try SubsonicAddress(parsing: "subsonic+http://ann@127.0.0.1:4533/music"), secret: .password(password))
    }
}

import CurlTransfer
import LibraryModel

enum TransferResponseBuilder {
    static func response(_ body: String, status: Int = 200) -> TransferResponse {
        TransferResponse(status: status, headers: [], body: Array(body.utf8), url: "http://h/rest/x")
    }
}
