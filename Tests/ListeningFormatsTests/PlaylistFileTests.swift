import Foundation
import FoundationXML
import LibraryModel
import ListeningFormats
import Testing

/// Playlists as other players write them, as TermPlayer writes them, and as they arrive broken.
@Suite("Playlist files: M3U8 and XSPF")
struct PlaylistFileTests {
    // MARK: Files other players write

    /// VLC 3's "Save Playlist to File…" as XSPF: percent-encoded file:// URLs, `<extension>` elements in
    /// VLC's namespace per track and for the whole list, tabs for indentation.
    static let vlcXSPF = """
        <?xml version="1.0" encoding="UTF-8"?>
        <playlist xmlns="http://xspf.org/ns/0/" xmlns:vlc="http://www.videolan.org/vlc/playlist/ns/0/" version="1">
        \t<title>Playlist</title>
        \t<trackList>
        \t\t<track>
        \t\t\t<location>file:///home/ana/Music/Bj%C3%B6rk/Debut/01%20Human%20Behaviour.mp3</location>
        \t\t\t<title>Human Behaviour</title>
        \t\t\t<creator>Björk</creator>
        \t\t\t<album>Debut</album>
        \t\t\t<trackNum>1</trackNum>
        \t\t\t<duration>252760</duration>
        \t\t\t<extension application="http://www.videolan.org/vlc/playlist/0">
        \t\t\t\t<vlc:id>0</vlc:id>
        \t\t\t</extension>
        \t\t</track>
        \t\t<track>
        \t\t\t<location>file:///home/ana/Music/%E5%AE%87%E5%A4%9A%E7%94%B0%E3%83%92%E3%82%AB%E3%83%AB/First%20Love/04%20First%20Love.mp3</location>
        \t\t\t<title>First Love</title>
        \t\t\t<creator>宇多田ヒカル</creator>
        \t\t\t<duration>259000</duration>
        \t\t\t<extension application="http://www.videolan.org/vlc/playlist/0">
        \t\t\t\t<vlc:id>1</vlc:id>
        \t\t\t\t<vlc:option>start-time=10</vlc:option>
        \t\t\t</extension>
        \t\t</track>
        \t\t<track>
        \t\t\t<location>http://music.example.com:8080/media/starting-over.mp3</location>
        \t\t\t<extension application="http://www.videolan.org/vlc/playlist/0">
        \t\t\t\t<vlc:id>2</vlc:id>
        \t\t\t</extension>
        \t\t</track>
        \t</trackList>
        \t<extension application="http://www.videolan.org/vlc/playlist/0">
        \t\t<vlc:item tid="0"/>
        \t\t<vlc:item tid="1"/>
        \t\t<vlc:item tid="2"/>
        \t</extension>
        </playlist>

        """

    /// foobar2000's and Winamp's extended M3U: a BOM and CRLF line ends, Windows and relative paths,
    /// `-1` for a stream's length, an attribute with a comma inside its quotes, a title with no artist.
    static let foobarM3U = "\u{FEFF}" + [
        "#EXTM3U",
        "#EXTINF:252,Björk - Human Behaviour",
        #"D:\Music\Björk\Debut\01 Human Behaviour.mp3"#,
        "#EXTINF:320,Daft Punk - One More Time - Radio Edit",
        #"..\Daft Punk\Discovery\01 - One More Time.flac"#,
        "#EXTINF:-1 tvg-name=\"Crosby, Stills & Nash\",Crosby, Stills & Nash - Suite: Judy Blue Eyes",
        "http://radio.example.com/stream?id=3&format=mp3",
        "",
        "# written by foobar2000 v2.1",
        "#EXTINF:200,Untitled Track",
        "/music/untitled.mp3",
    ].joined(separator: "\r\n") + "\r\n"

    /// What `ls > list.m3u` and many scripts produce: paths, a blank line, a comment.
    static let plainM3U = """
        /home/ana/Music/Aphex Twin/Selected Ambient Works/01 Xtal.mp3
        /home/ana/Music/Aphex Twin/Selected Ambient Works/02 Tha.mp3

        # the rest are relative
        Boards of Canada/Music Has the Right to Children/03 Roygbiv.ogg
        """

    private func parse(_ text: String, _ format: PlaylistFormat) throws(PlaylistFileError) -> PlaylistFile {
        try PlaylistFiles.parse(Array(text.utf8), format: format)
    }

    @Test("a VLC XSPF: locations as written, fields, milliseconds, extensions skipped")
    func vlcXSPF() throws {
        let playlist = try parse(Self.vlcXSPF, .xspf)
        #expect(playlist.name == "Playlist")
        #expect(playlist.description == nil)
        #expect(playlist.entries.count == 3)
        #expect(playlist.entries[0] == PlaylistFileEntry(
            location: "file:///home/ana/Music/Bj%C3%B6rk/Debut/01%20Human%20Behaviour.mp3",
            title: "Human Behaviour", artist: "Björk", album: "Debut", duration: 252.76))
        #expect(playlist.entries[1].artist == "宇多田ヒカル")
        #expect(playlist.entries[1].album == nil)
        #expect(playlist.entries[1].duration == 259)
        #expect(playlist.entries[2] == PlaylistFileEntry(location: "http://music.example.com:8080/media/starting-over.mp3"))
    }

    @Test("XSPF: the first location counts, termplayer:song: identifiers become song ids, other identifiers do not")
    func xspfIdentifiers() throws {
        let xml = """
            <playlist version="1" xmlns="http://xspf.org/ns/0/">
              <annotation>  Songs for a long drive  </annotation>
              <trackList>
                <track>
                  <location>http://a.example/one.mp3</location>
                  <location>http://b.example/one.mp3</location>
                  <identifier>https://musicbrainz.org/recording/5b2a7bd8</identifier>
                  <identifier>termplayer:song:starting-over</identifier>
                  <title><![CDATA[Rock & Roll <Live>]]></title>
                  <duration>not a number</duration>
                  <meta rel="http://example.com/rating">5</meta>
                  <link rel="http://example.com/title">not the title</link>
                </track>
                <track><identifier>urn:isrc:USRC17607839</identifier><title>Only a title</title></track>
              </trackList>
            </playlist>
            """
        let playlist = try parse(xml, .xspf)
        #expect(playlist.description == "Songs for a long drive")
        #expect(playlist.entries == [
            PlaylistFileEntry(location: "http://a.example/one.mp3", title: "Rock & Roll <Live>", songID: "starting-over"),
            PlaylistFileEntry(title: "Only a title"),
        ])
    }

    @Test("XSPF: elements of another namespace are skipped even when their names are XSPF's")
    func xspfForeignNamespace() throws {
        let xml = """
            <x:playlist version="1" xmlns:x="http://xspf.org/ns/0/" xmlns:o="http://example.com/other">
              <x:title>Prefixed</x:title>
              <o:title>not this</o:title>
              <x:trackList>
                <x:track><o:title>nor this</o:title><x:title>This</x:title></x:track>
                <o:track><x:title>not a track</x:title></o:track>
              </x:trackList>
            </x:playlist>
            """
        let playlist = try parse(xml, .xspf)
        #expect(playlist.name == "Prefixed")
        #expect(playlist.entries == [PlaylistFileEntry(title: "This")])
    }

    @Test("a foobar2000/Winamp M3U: BOM, CRLF, #EXTINF split on the first \" - \", -1 and attributes")
    func foobarM3U() throws {
        let playlist = try parse(Self.foobarM3U, .m3u8)
        #expect(playlist.name == nil)
        #expect(playlist.entries == [
            PlaylistFileEntry(location: #"D:\Music\Björk\Debut\01 Human Behaviour.mp3"#, title: "Human Behaviour", artist: "Björk", duration: 252),
            PlaylistFileEntry(
                location: #"..\Daft Punk\Discovery\01 - One More Time.flac"#, title: "One More Time - Radio Edit", artist: "Daft Punk",
                duration: 320),
            PlaylistFileEntry(
                location: "http://radio.example.com/stream?id=3&format=mp3", title: "Suite: Judy Blue Eyes", artist: "Crosby, Stills & Nash"),
            PlaylistFileEntry(location: "/music/untitled.mp3", title: "Untitled Track", duration: 200),
        ])
    }

    @Test("a plain list of paths: every non-comment line is an entry")
    func plainM3U() throws {
        let playlist = try parse(Self.plainM3U, .m3u8)
        #expect(playlist.entries.map(\.location) == [
            "/home/ana/Music/Aphex Twin/Selected Ambient Works/01 Xtal.mp3",
            "/home/ana/Music/Aphex Twin/Selected Ambient Works/02 Tha.mp3",
            "Boards of Canada/Music Has the Right to Children/03 Roygbiv.ogg",
        ])
        #expect(playlist.entries.allSatisfy { $0.title == nil && $0.artist == nil && $0.duration == nil })
    }

    @Test("M3U: #PLAYLIST, #EXTALB, #EXTART and #EXTTPID are read; they apply to the next location only")
    func m3uDirectives() throws {
        let text = """
            #EXTM3U
            #PLAYLIST:Road trip
            #EXTINF:215,Chris Stapleton - Starting Over
            #EXTALB:Starting Over
            #EXTTPID:starting-over
            http://localhost:8080/media/starting-over.mp3
            #EXTART:Crosby - Nash
            #EXTINF:180,Crosby - Nash - Wind on the Water
            song.mp3
            #extinf:90,lower-case tags - work too
            next.mp3
            """
        let playlist = try parse(text, .m3u8)
        #expect(playlist.name == "Road trip")
        #expect(playlist.entries == [
            PlaylistFileEntry(
                location: "http://localhost:8080/media/starting-over.mp3", title: "Starting Over", artist: "Chris Stapleton",
                album: "Starting Over", duration: 215, songID: "starting-over"),
            PlaylistFileEntry(location: "song.mp3", title: "Wind on the Water", artist: "Crosby - Nash", duration: 180),
            PlaylistFileEntry(location: "next.mp3", title: "work too", artist: "lower-case tags", duration: 90),
        ])
    }

    @Test("an #EXTINF with a bad duration keeps its entry, with no duration", arguments: [
        "#EXTINF:abc,Artist - Title", "#EXTINF:,Artist - Title", "#EXTINF:-1,Artist - Title", "#EXTINF:1e999,Artist - Title",
        "#EXTINF:nan,Artist - Title", "#EXTINF: ,Artist - Title",
    ])
    func badDuration(line: String) throws {
        let playlist = try parse(line + "\nsong.mp3\n", .m3u8)
        #expect(playlist.entries == [PlaylistFileEntry(location: "song.mp3", title: "Title", artist: "Artist")])
    }

    @Test("an #EXTINF without a comma gives a duration and no title; one without a location is dropped")
    func extinfOddities() throws {
        let playlist = try parse("#EXTINF:42\na.mp3\n#EXTINF:10,Dangling - Entry\n", .m3u8)
        #expect(playlist.entries == [PlaylistFileEntry(location: "a.mp3", duration: 42)])
    }

    // MARK: Round trips

    static let roundTripEntries = [
        PlaylistFileEntry(
            location: "http://localhost:8080/media/yoru-ni-kakeru.mp3", title: "夜に駆ける", artist: "YOASOBI", album: "THE BOOK",
            duration: 261, songID: "yoru-ni-kakeru"),
        PlaylistFileEntry(location: "/music/Beyoncé/Halo.mp3", title: "Halo", artist: "Beyoncé", album: "I Am… Sasha Fierce", duration: 262),
        PlaylistFileEntry(location: "file:///music/%F0%9F%8E%B8.mp3", title: "🎸 Riff 🔥 👩🏽‍🎤", artist: "Café Tacvba", duration: 200),
        PlaylistFileEntry(
            location: "http://example.com/play?a=1&b=2", title: #"Tom & Jerry <Live> "Quoted" 'single'"#, artist: "AC/DC & <Friends>",
            album: "Ça plane pour moi", duration: 125),
        PlaylistFileEntry(location: "relative/path.mp3", title: "Title only"),
        PlaylistFileEntry(songID: "id-without-location"),
        PlaylistFileEntry(location: "x.mp3", title: "Wind on the Water", artist: "Crosby - Nash"),
        PlaylistFileEntry(location: "y.mp3", artist: "Artist only"),
    ]

    @Test("XSPF round trip: every field, non-ASCII text and markup characters")
    func xspfRoundTrip() throws {
        var entries = Self.roundTripEntries
        entries.append(PlaylistFileEntry(title: "No location, no id", duration: 215.5))
        let playlist = PlaylistFile(name: "Mix & <Match> ✨", description: "Line one\nline \"two\" & 'three'", entries: entries)
        let bytes = PlaylistFiles.render(playlist, as: .xspf)
        #expect(PlaylistFormat.detect(bytes, fileName: nil) == .xspf)
        #expect(try PlaylistFiles.parse(bytes, format: .xspf) == playlist)
    }

    @Test("M3U8 round trip: the same, less what M3U cannot hold (a description, an entry with no location or id)")
    func m3uRoundTrip() throws {
        let playlist = PlaylistFile(name: "Mix & <Match> ✨", entries: Self.roundTripEntries)
        let bytes = PlaylistFiles.render(playlist, as: .m3u8)
        #expect(PlaylistFormat.detect(bytes, fileName: nil) == .m3u8)
        #expect(try PlaylistFiles.parse(bytes, format: .m3u8) == playlist)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("#EXTM3U\n#PLAYLIST:Mix & <Match> ✨\n#EXTINF:261,YOASOBI - 夜に駆ける\n#EXTALB:THE BOOK\n#EXTTPID:yoru-ni-kakeru\n"))
        #expect(text.contains("#EXTINF:-1,Title only\nrelative/path.mp3\n"))

        let dropped = PlaylistFile(entries: [PlaylistFileEntry(title: "Nowhere")])
        #expect(try PlaylistFiles.parse(PlaylistFiles.render(dropped, as: .m3u8), format: .m3u8).entries.isEmpty)
    }

    @Test("rendered XSPF is well-formed version 1 with escapes; characters XML 1.0 forbids are left out")
    func xspfEscaping() throws {
        let playlist = PlaylistFile(
            name: "bell\u{7} nul\u{0} tab\tend\u{FFFF}",
            entries: [PlaylistFileEntry(location: "a&b.mp3", title: "x\u{1B}[31my", artist: "CR\rLF", duration: 1.2346)])
        let bytes = PlaylistFiles.render(playlist, as: .xspf)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"<playlist version="1" xmlns="http://xspf.org/ns/0/">"#))
        #expect(text.contains("<location>a&amp;b.mp3</location>"))
        #expect(text.contains("<duration>1235</duration>"))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        let parser = XMLParser(data: Data(bytes))
        #expect(parser.parse() && parser.parserError == nil)
        let back = try PlaylistFiles.parse(bytes, format: .xspf)
        #expect(back.name == "bell nul tab\tend")
        #expect(back.entries == [PlaylistFileEntry(location: "a&b.mp3", title: "x[31my", artist: "CR\rLF", duration: 1.235)])
    }

    @Test("rendered M3U keeps one entry per line: line breaks in fields become spaces")
    func m3uLineBreaks() throws {
        let playlist = PlaylistFile(name: "two\nlines", entries: [PlaylistFileEntry(location: "a\r\nb.mp3", title: "t\u{2028}x", artist: "a\u{85}b")])
        let back = try PlaylistFiles.parse(PlaylistFiles.render(playlist, as: .m3u8), format: .m3u8)
        #expect(back == PlaylistFile(name: "two lines", entries: [PlaylistFileEntry(location: "a  b.mp3", title: "t x", artist: "a b")]))
    }

    /// Found by the m3u8-playlist fuzz harness: five NUL bytes imported as an entry that the export wrote
    /// as a blank line, so the playlist lost it on the way back.
    @Test("imported M3U control characters read as spaces; a line of nothing else is no entry")
    func m3uControlCharacters() throws {
        #expect(try PlaylistFiles.parse([0, 0, 0, 0, 0], format: .m3u8).entries.isEmpty)
        let playlist = try PlaylistFiles.parse(Array("#EXTINF:10,A\u{7}rtist - T\u{0}itle\n\u{1B}song.mp3\n".utf8), format: .m3u8)
        #expect(playlist.entries == [PlaylistFileEntry(location: "song.mp3", title: "T itle", artist: "A rtist", duration: 10)])
        let back = try PlaylistFiles.parse(PlaylistFiles.render(playlist, as: .m3u8), format: .m3u8)
        #expect(back.entries == playlist.entries)
    }

    @Test("an empty playlist renders as valid files that read back empty")
    func emptyRender() throws {
        for format in PlaylistFormat.allCases {
            let bytes = PlaylistFiles.render(PlaylistFile(), as: format)
            #expect(try PlaylistFiles.parse(bytes, format: format) == PlaylistFile())
        }
    }

    // MARK: Broken and hostile files

    /// Found by the xspf-playlist fuzz harness: Foundation's XMLParser force-unwraps a processing
    /// instruction's name as UTF-8, so these bytes ended the whole process (the service, on an import).
    @Test("an XSPF that is not UTF-8 is refused before the XML parser sees it; UTF-16 with a BOM still reads")
    func xspfNotUTF8() throws {
        let hostile = Array("<?xml".utf8) + [UInt8](repeating: 0xF3, count: 90) + Array("eamration></track>".utf8)
        #expect(throws: PlaylistFileError.notUTF8(line: 1)) { try PlaylistFiles.parse(hostile, format: .xspf) }
        let latin1 = Array("<?xml version=\"1.0\"?>\n<playlist xmlns=\"http://xspf.org/ns/0/\" version=\"1\">\n<title>Caf".utf8)
            + [0xE9] + Array("</title></playlist>".utf8)
        #expect(throws: PlaylistFileError.notUTF8(line: 3)) { try PlaylistFiles.parse(latin1, format: .xspf) }

        let declaredUTF16 = Self.vlcXSPF.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"UTF-16\"")
        let utf16 = [UInt8]([0xFF, 0xFE]) + declaredUTF16.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let fromUTF16 = try PlaylistFiles.parse(utf16, format: .xspf)
        #expect(fromUTF16 == (try PlaylistFiles.parse(Array(Self.vlcXSPF.utf8), format: .xspf)))
    }

    @Test("truncated XML is malformed, with the parser's line and a reason")
    func truncatedXML() throws {
        let truncated = String(Self.vlcXSPF.prefix(600))
        let error = try #require(throws: PlaylistFileError.self) { try parse(truncated, .xspf) }
        guard case .malformed(let line, let column, let reason) = error else {
            Issue.record("expected .malformed, got \(error)")
            return
        }
        #expect(line >= 1 && column >= 1)
        #expect(reason.contains("ends before"))
        #expect(error.description.hasPrefix("line \(line), column \(column): the XML is not well formed"))
    }

    @Test("mismatched tags are malformed at their line")
    func mismatchedTags() throws {
        let xml = "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\">\n<title>x</titel>\n</playlist>"
        let error = try #require(throws: PlaylistFileError.self) { try parse(xml, .xspf) }
        guard case .malformed(let line, _, let reason) = error else {
            Issue.record("expected .malformed, got \(error)")
            return
        }
        #expect(line == 2)
        #expect(reason.contains("closing tag"))
    }

    @Test("XML that is not XSPF says what its root is", arguments: [
        ("<rss version=\"2.0\"><channel><title>x</title></channel></rss>", "rss"),
        ("<?xml version=\"1.0\"?>\n<!-- iTunes -->\n<plist version=\"1.0\"><dict/></plist>", "plist"),
        ("<playlist xmlns=\"http://example.com/not-xspf\"><trackList/></playlist>", "playlist xmlns=\"http://example.com/not-xspf\""),
    ])
    func notXSPF(xml: String, root: String) {
        #expect(throws: PlaylistFileError.notXSPF(root: root)) { try parse(xml, .xspf) }
        #expect(PlaylistFileError.notXSPF(root: root).description.contains("not an XSPF playlist"))
    }

    @Test("a DOCTYPE declaring an external entity: the entity is never resolved")
    func externalEntity() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xspf-xxe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("secret.txt")
        try Data("the-secret-words".utf8).write(to: secret)
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE playlist [
              <!ENTITY xxe SYSTEM "\(secret.absoluteString)">
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
            ]>
            <playlist version="1" xmlns="http://xspf.org/ns/0/">
              <title>&xxe;</title>
              <trackList><track><location>&xxe;</location><title>a &lol2; b</title></track></trackList>
            </playlist>
            """
        do {
            let playlist = try parse(xml, .xspf)
            let texts = [playlist.name, playlist.description] + playlist.entries.flatMap { [$0.location, $0.title, $0.artist, $0.album] }
            #expect(!texts.compactMap { $0 }.contains { $0.contains("secret") })
        } catch {
            // Refusing the file is as good as not resolving the entity.
            #expect(!error.description.contains("secret-words"))
        }
    }

    @Test("an M3U that is not UTF-8 says so, with its line")
    func notUTF8() {
        let latin1: [UInt8] = Array("#EXTM3U\n#EXTINF:200,Bj".utf8) + [0xF6] + Array("rk - J\u{F3}ga\nj.mp3\n".utf8)
        #expect(throws: PlaylistFileError.notUTF8(line: 2)) { try PlaylistFiles.parse(latin1, format: .m3u8) }
        #expect(PlaylistFileError.notUTF8(line: 2).description.contains("not UTF-8"))
        #expect(PlaylistFormat.detect(latin1, fileName: "old.m3u") == .m3u8)
    }

    @Test("an empty file is an empty playlist in either format", arguments: ["", "\u{FEFF}", " \r\n\n\t"])
    func emptyFile(text: String) throws {
        for format in PlaylistFormat.allCases {
            #expect(try parse(text, format) == PlaylistFile())
        }
        #expect(try PlaylistFiles.parse(Array(text.utf8), fileName: "empty.xspf") == PlaylistFile())
    }

    @Test("a file over 16 MiB is refused before it is read")
    func oversize() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: PlaylistFiles.maximumFileBytes + 1)
        for format in PlaylistFormat.allCases {
            #expect(throws: PlaylistFileError.tooLarge(bytes: bytes.count)) { try PlaylistFiles.parse(bytes, format: format) }
        }
        #expect(PlaylistFileError.tooLarge(bytes: bytes.count).description.contains("16 MiB"))
    }

    @Test("more than 50,000 entries are refused; 50,000 are fine")
    func tooManyEntries() throws {
        let limit = ListenerLimits.playlistSize
        let lines = (0..<limit).map { "\($0).mp3\n" }.joined()
        #expect(try parse(lines, .m3u8).entries.count == limit)
        #expect(throws: PlaylistFileError.tooManyEntries) { try parse(lines + "one-more.mp3\n", .m3u8) }

        let tracks = String(repeating: "<track><location>a.mp3</location></track>", count: limit + 1)
        let xml = "<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><trackList>\(tracks)</trackList></playlist>"
        #expect(throws: PlaylistFileError.tooManyEntries) { try parse(xml, .xspf) }
        #expect(PlaylistFileError.tooManyEntries.description.contains("50000"))
    }

    @Test("text fields are cut to 1,000 characters, locations to 4,096")
    func clamping() throws {
        let long = String(repeating: "é", count: 5_000)
        let m3u = try parse("#PLAYLIST:\(long)\n#EXTINF:1,\(long) - \(long)\n/\(long).mp3\n", .m3u8)
        #expect(m3u.name?.count == 1_000)
        #expect(m3u.entries.first?.artist?.count == 1_000)
        #expect(m3u.entries.first?.title?.count == 1_000)
        #expect(m3u.entries.first?.location?.count == 4_096)
        let xspf = try parse("<playlist xmlns=\"http://xspf.org/ns/0/\"><annotation>\(long)</annotation><trackList/></playlist>", .xspf)
        #expect(xspf.description?.count == 1_000)
    }

    @Test("an XSPF over 10 MB parses: libxml2's limit for input handed over whole does not apply")
    func largeXSPF() throws {
        let entries = (0..<40_000).map { index in
            PlaylistFileEntry(
                location: "http://music.example.com:8080/media/song-number-\(index).mp3", title: "Title number \(index) ✨",
                artist: "Artist \(index % 300)", album: "Album \(index % 900)", duration: 215, songID: "song-number-\(index)")
        }
        let bytes = PlaylistFiles.render(PlaylistFile(name: "Big", entries: entries), as: .xspf)
        #expect(bytes.count > 10_000_000)
        let playlist = try PlaylistFiles.parse(bytes, format: .xspf)
        #expect(playlist.entries.count == entries.count)
        #expect(playlist.entries.last == entries.last)
    }

    @Test("a UTF-16 XSPF is read when its name says XSPF")
    func utf16XSPF() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><title>Ünïcode 夜</title><trackList/></playlist>"
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in xml.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(PlaylistFormat.detect(bytes, fileName: nil) == nil)
        #expect(try PlaylistFiles.parse(bytes, fileName: "windows.xspf") == PlaylistFile(name: "Ünïcode 夜"))
    }

    // MARK: Detection

    @Test("detection: the bytes decide when they can, the name when they cannot")
    func detection() {
        func detect(_ text: String, _ name: String? = nil) -> PlaylistFormat? { PlaylistFormat.detect(Array(text.utf8), fileName: name) }
        #expect(detect(Self.vlcXSPF) == .xspf)
        #expect(detect(Self.vlcXSPF, "list.m3u") == .xspf)
        #expect(detect(Self.foobarM3U) == .m3u8)
        #expect(detect(Self.foobarM3U, "list.xspf") == .m3u8)
        #expect(detect(Self.plainM3U) == .m3u8)
        #expect(detect(Self.plainM3U, "LIST.XSPF") == .xspf)
        #expect(detect("<!-- made by hand -->\n<!DOCTYPE playlist [ <!ENTITY a \"b\"> ]>\n<playlist version='1' xmlns='http://xspf.org/ns/0/'/>") == .xspf)
        #expect(detect("<x:playlist xmlns:x=\"http://xspf.org/ns/0/\" version=\"1\"/>") == .xspf)
        #expect(detect("<playlist version=\"1\"><trackList/></playlist>") == .xspf)
        #expect(detect("<rss><channel/></rss>") == nil)
        #expect(detect("<rss><channel/></rss>", "feed.xspf") == .xspf)
        #expect(detect("", "a.xspf") == .xspf)
        #expect(detect("") == .m3u8)
        #expect(detect(#"[{"listened_at": 1700000000}]"#) == nil)
        #expect(detect(#"{"listened_at": 1700000000}"#, "a.m3u8") == .m3u8)
        #expect(PlaylistFormat.detect([0x49, 0x44, 0x33, 0x04, 0x00, 0x00], fileName: "song.mp3") == nil)
    }

    @Test("parse with a file name detects the format, and says when it cannot")
    func parseByName() throws {
        #expect(try PlaylistFiles.parse(Array(Self.vlcXSPF.utf8), fileName: "vlc.xspf").entries.count == 3)
        #expect(try PlaylistFiles.parse(Array(Self.plainM3U.utf8), fileName: nil).entries.count == 3)
        #expect(throws: PlaylistFileError.unknownFormat(fileName: "feed.xml")) {
            try PlaylistFiles.parse(Array("<rss/>".utf8), fileName: "feed.xml")
        }
        #expect(PlaylistFileError.unknownFormat(fileName: "feed.xml").description == #""feed.xml" is neither an M3U/M3U8 nor an XSPF playlist"#)
    }
}
