import Catalog
import Foundation
import LibraryModel
@testable import SubsonicAPI
import Testing
import WireFormats

@Suite("Subsonic: parameters, credentials, ids and the envelope")
struct SubsonicUnitTests {
    @Test("the md5 token of the spec's example: sesame + c19b2d")
    func tokenVector() {
        #expect(SubsonicCredentials.token(password: "sesame", salt: "c19b2d") == "26719a1196d2a940705a59634eb18eab")
        #expect(SubsonicCredentials.tokenMatches("26719A1196D2A940705A59634EB18EAB", password: "sesame", salt: "c19b2d"))
        #expect(!SubsonicCredentials.tokenMatches("26719a1196d2a940705a59634eb18eac", password: "sesame", salt: "c19b2d"))
    }

    @Test("query and form merge in order, repeats are kept, + and %-escapes decode")
    func parameters() throws {
        let parameters = SubsonicParameters(query: "id=a&u=ann&p=two+words%26more", form: "id=b&id=c&empty=&bare")
        #expect(parameters.all("id") == ["a", "b", "c"])
        #expect(parameters["id"] == "a")
        #expect(parameters["p"] == "two words&more")
        #expect(parameters["empty"] == "")
        #expect(parameters["bare"] == "")
        #expect(parameters["missing"] == nil)
        #expect(SubsonicParameters(query: "x=%zz").pairs.first?.value == "%zz", "a broken escape is kept as typed")
        #expect(throws: SubsonicError.self) { try SubsonicParameters(query: "size=ten").integer("size") }
        #expect(try SubsonicParameters(query: "size=900").integer("size", in: 0...500) == 500)
        #expect(SubsonicParameters(query: "a=true&b=0&c=maybe").flag("a") == true)
        #expect(SubsonicParameters(query: "a=true&b=0&c=maybe").flag("b") == false)
        #expect(SubsonicParameters(query: "a=true&b=0&c=maybe").flag("c") == nil)
    }

    @Test("credentials: password, enc: hex, token, API key, and the spec's refusals")
    func credentials() throws {
        func read(_ query: String) throws(SubsonicError) -> SubsonicCredentials { try SubsonicCredentials(SubsonicParameters(query: query)) }
        #expect(try read("") == .none)
        #expect(try read("u=ann&p=sesame") == .password(user: "ann", password: "sesame"))
        #expect(try read("u=ann&p=enc:736573616d65") == .password(user: "ann", password: "sesame"))
        #expect(try read("u=ann&p=enc:736573616D65") == .password(user: "ann", password: "sesame"))
        #expect(try read("u=ann&t=abc&s=c19b2d") == .token(user: "ann", token: "abc", salt: "c19b2d"))
        #expect(try read("u=ann&t=abc&s=c19b2d&p=x") == .token(user: "ann", token: "abc", salt: "c19b2d"), "the token is checked when both come")
        #expect(try read("apiKey=key") == .apiKey("key"))
        func code(_ query: String) -> Int? {
            do {
                _ = try read(query)
                return nil
            } catch {
                return error.code.rawValue
            }
        }
        #expect(code("apiKey=key&u=ann") == 43)
        #expect(code("apiKey=key&p=x") == 43)
        #expect(code("apiKey=") == 44)
        #expect(code("u=ann") == 10)
        #expect(code("u=ann&t=abc") == 10)
        #expect(code("p=sesame") == 10)
        #expect(code("u=ann&p=enc:7") == 40)
        #expect(code("u=ann&p=enc:zz") == 40)
    }

    @Test("artist and album ids: stable, the same whatever the case or accents, URL-safe, and told from song ids")
    func ids() {
        let album = SubsonicIDs.album(artistKey: "beyonce", albumKey: "lemonade")
        #expect(album == SubsonicIDs.album(artistKey: "beyonce", albumKey: "lemonade"))
        #expect(album != SubsonicIDs.album(artistKey: "beyonc", albumKey: "elemonade"))
        #expect(album.hasPrefix("al-") && album.count == 19)
        #expect(album.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        #expect(SubsonicIDs.kind(of: album) == .album)
        #expect(SubsonicIDs.kind(of: SubsonicIDs.artist(key: "beyonce")) == .artist)
        #expect(SubsonicIDs.kind(of: "al-my-song") == .song)
        #expect(SubsonicIDs.kind(of: "starting-over") == .song)
    }

    @Test("the envelope in XML: namespace, status, version, type, serverVersion, openSubsonic")
    func xmlEnvelope() {
        let text = String(decoding: SubsonicEnvelope.render(nil, format: .xml, serverVersion: "0.1.0"), as: UTF8.self)
        #expect(
            text == #"<?xml version="1.0" encoding="UTF-8"?><subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1" type="termplayer" serverVersion="0.1.0" openSubsonic="true"/>"# + "\n")
        let failed = String(
            decoding: SubsonicEnvelope.render(nil, error: SubsonicError(.notFound, "Song <x> & \"y\" not found"), format: .xml, serverVersion: "0.1.0"),
            as: UTF8.self)
        #expect(failed.contains(#"status="failed""#))
        #expect(failed.contains(#"<error code="70" message="Song &lt;x&gt; &amp; &quot;y&quot; not found"/></subsonic-response>"#))
    }

    @Test("the envelope in JSON and JSONP, with real numbers and booleans, lists as arrays and text as value")
    func jsonEnvelope() throws {
        var genres = SubsonicElement("genres")
        var genre = SubsonicElement("genre")
        genre.set("songCount", 2)
        genre.set("albumCount", 1)
        genre.text = "Rock"
        genres.add(list: "genre", [genre])
        var user = SubsonicElement("user")
        user.add(values: "folder", [.int(1)])
        let json = String(decoding: SubsonicEnvelope.render(genres, format: .json, serverVersion: "0.1.0"), as: UTF8.self)
        #expect(
            json == #"{"subsonic-response":{"status":"ok","version":"1.16.1","type":"termplayer","serverVersion":"0.1.0","openSubsonic":true,"genres":{"genre":[{"songCount":2,"albumCount":1,"value":"Rock"}]}}}"# + "\n")
        let jsonp = String(decoding: SubsonicEnvelope.render(user, format: .jsonp(callback: "cb"), serverVersion: "0.1.0"), as: UTF8.self)
        #expect(jsonp.hasPrefix(#"cb({"subsonic-response":{"status":"ok""#))
        #expect(jsonp.hasSuffix(#""user":{"folder":[1]}}});"# + "\n"))
        let empty = String(decoding: SubsonicEnvelope.render(SubsonicElement.emptyList("albumList2", of: "album"), format: .json, serverVersion: "v"), as: UTF8.self)
        #expect(empty.contains(#""albumList2":{"album":[]}"#))
        let xml = String(decoding: SubsonicEnvelope.render(user, format: .xml, serverVersion: "v"), as: UTF8.self)
        #expect(xml.contains("<user><folder>1</folder></user>"))
    }

    @Test("f picks the format: XML when absent or unknown; JSONP needs a callback that is a plain function name")
    func formats() {
        #expect(SubsonicFormat.of(SubsonicParameters(query: "")).format == .xml)
        #expect(SubsonicFormat.of(SubsonicParameters(query: "f=xml")).format == .xml)
        #expect(SubsonicFormat.of(SubsonicParameters(query: "f=json")).format == .json)
        #expect(SubsonicFormat.of(SubsonicParameters(query: "f=jsonp&callback=app.got_1")).format == .jsonp(callback: "app.got_1"))
        #expect(SubsonicFormat.of(SubsonicParameters(query: "f=jsonp")).problem?.code == .missingParameter)
        #expect(SubsonicFormat.of(SubsonicParameters(query: "f=jsonp&callback=alert(1)//")).problem?.code == .generic)
    }

    @Test("XML leaves out what XML 1.0 cannot carry and escapes the rest")
    func xmlEscaping() {
        var output: [UInt8] = []
        XMLWriter.appendEscaped("a\u{1}b\tc'd", to: &output)
        #expect(String(decoding: output, as: UTF8.self) == "ab&#9;c&apos;d")
        // Text with nothing to escape is copied as it is, accents and all; 0xEF leads both ￾ and 日.
        for (text, written) in [("Beyoncé – Déjà vu", "Beyoncé – Déjà vu"), ("x\u{FFFE}y\u{FFFF}z", "xyz"), ("日本 <&>", "日本 &lt;&amp;&gt;"), ("", "")] {
            output = []
            XMLWriter.appendEscaped(text, to: &output)
            #expect(String(decoding: output, as: UTF8.self) == written)
        }
    }

    @Test("songs written straight from their records are the bytes their elements render, in XML and JSON, marks or none")
    func songsStraightFromRecords() throws {
        let tracks = try (0..<3).map { index in
            TrackRecord(
                song: SongRecord(
                    id: try BundleID(validating: "song-\(index)"), title: index == 1 ? "A/B <&> \"é\"" : "Title \(index)", album: "Album",
                    artist: "Beyoncé", genreID: 1, genreName: "Pop", year: index == 2 ? nil : 2016,
                    audioKey: try ObjectKey(validating: "song-\(index).mp3"), coverKey: index == 0 ? nil : try ObjectKey(validating: "song-\(index).jpg"),
                    duration: 181.5, size: 2_880_991, bitrate: 128, sampleRate: 44_100, channels: 2, metadataETag: "m", audioETag: "a",
                    coverETag: nil, createdAt: Date(timeIntervalSince1970: 1_780_000_000.25), updatedAt: Date(timeIntervalSince1970: 1_780_000_000.25)),
                track: index + 1)
        }
        let marks = ["song-1": SongMarks(likedAt: Date(timeIntervalSince1970: 1_780_000_100), rating: 4, plays: 3, lastPlayed: Date(timeIntervalSince1970: 1_780_000_200))]
        for songMarks in [nil, marks] {
            let entries = SongEntries(tracks, marks: songMarks)
            var straight = SubsonicElement("searchResult3")
            straight.add(list: "song", entries)
            var built = SubsonicElement("searchResult3")
            built.add(list: "song", entries.elements)
            for format in [SubsonicFormat.xml, .json] {
                let one = SubsonicEnvelope.render(straight, format: format, serverVersion: "v")
                #expect(one == SubsonicEnvelope.render(built, format: format, serverVersion: "v"), "\(format) \(songMarks == nil ? "without" : "with") marks")
            }
            #expect(straight.list("song") == entries.elements)
        }
    }

    @Test("index letters ignore leading articles; names outside A–Z file under #")
    func indexLetters() {
        #expect(SubsonicShapes.indexLetter("The Beatles") == "B")
        #expect(SubsonicShapes.indexLetter("Éclair") == "E")
        #expect(SubsonicShapes.indexLetter("2Pac") == "#")
        #expect(SubsonicShapes.indexLetter("The") == "T")
    }
}
