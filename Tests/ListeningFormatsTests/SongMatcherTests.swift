import LibraryModel
import ListeningFormats
import Testing

/// Matching what other players' files say to the songs of a library.
@Suite("Matching entries to songs")
struct SongMatcherTests {
    static let library = [
        MatchableSong(id: "starting-over", title: "Starting Over", artist: "Chris Stapleton", album: "Starting Over", duration: 241),
        MatchableSong(id: "halo", title: "Halo", artist: "Beyoncé", album: "I Am… Sasha Fierce", duration: 261),
        MatchableSong(id: "abc", title: "ABC", artist: "The Jackson 5", album: "ABC", duration: 175),
        MatchableSong(id: "intro-b", title: "Intro", artist: "The xx", album: "xx", duration: 127),
        MatchableSong(id: "intro-a", title: "Intro", artist: "The xx", album: "Live at Brixton", duration: 140),
        MatchableSong(id: "intro-c", title: "Intro", artist: "The xx", album: "Live at Brixton", duration: 190),
        MatchableSong(id: "my song", title: "Spaces In Id", artist: "Someone", album: "", duration: nil),
        MatchableSong(id: "yoru", title: "夜に駆ける", artist: "YOASOBI", album: "THE BOOK", duration: 261),
        MatchableSong(id: "one-title", title: "Unique Title", artist: "Solo", album: "One", duration: 100),
        MatchableSong(id: "shared-1", title: "Shared Title", artist: "First", album: "Album 1", duration: 100),
        MatchableSong(id: "shared-2", title: "Shared Title", artist: "Second", album: "Album 2", duration: 100),
    ]
    let matcher = SongMatcher(Self.library)

    private func match(
        id: String? = nil, location: String? = nil, artist: String? = nil, title: String? = nil, album: String? = nil,
        duration: Double? = nil
    ) -> String? {
        matcher.match(songID: id, location: location, artist: artist, title: title, album: album, duration: duration)
    }

    @Test("a known song id wins over everything else; an unknown one is ignored")
    func byID() {
        #expect(match(id: "halo", artist: "Chris Stapleton", title: "Starting Over") == "halo")
        #expect(match(id: " halo ") == "halo")
        #expect(match(id: "gone", artist: "Chris Stapleton", title: "Starting Over") == "starting-over")
        #expect(match(id: "gone") == nil)
    }

    @Test("an id in a location: TermPlayer media URLs, exported files, paths, percent-encoding", arguments: [
        ("http://localhost:8080/media/starting-over.mp3", "starting-over"),
        ("https://music.example.com/media/starting-over.mp3?X-Amz-Signature=abc#t=10", "starting-over"),
        ("file:///home/ana/exports/halo.mp3", "halo"),
        ("/home/ana/exports/halo.json", "halo"),
        (#"C:\Users\ana\Music\halo.mp3"#, "halo"),
        ("http://localhost:8080/media/my%20song.mp3", "my song"),
        ("abc", "abc"),
        ("termplayer:song:yoru", "yoru"),
    ])
    func byLocation(location: String, id: String) {
        #expect(match(location: location) == id)
    }

    @Test("a location that names no known song falls back to artist and title")
    func unknownLocation() {
        #expect(match(location: "file:///music/01%20Halo.mp3", artist: "Beyoncé", title: "Halo") == "halo")
        #expect(match(location: "file:///music/01%20Halo.mp3") == nil)
        #expect(match(location: "http://example.com/") == nil)
        #expect(match(location: "") == nil)
    }

    @Test("artist and title fold case, accents and width, and ignore surrounding space")
    func folded() {
        #expect(match(artist: "beyonce", title: "halo") == "halo")
        #expect(match(artist: "BEYONCÉ", title: "  Halo\t") == "halo")
        #expect(match(artist: "the jackson 5", title: "ＡＢＣ") == "abc")
        #expect(match(artist: "ＴＨＥ　ＪＡＣＫＳＯＮ　５", title: "abc") == "abc")
        #expect(match(artist: "yoasobi", title: "夜に駆ける") == "yoru")
        #expect(match(artist: "Beyoncé", title: "Halo (Live)") == nil)
    }

    @Test("the ASCII shortcut folds exactly as SearchKey.fold does", arguments: [
        "The Jackson 5", "AC/DC", "Guns N' Roses", "MIXED case & Punctuation!?", "tabs\tand~tildes^", "",
    ])
    func asciiFolding(text: String) {
        #expect(SearchKey.fold(text) == text.lowercased())
    }

    @Test("several songs with the same artist and title: the same album first, then the closest duration, then the smallest id")
    func ambiguity() {
        #expect(match(artist: "The xx", title: "Intro", album: "xx") == "intro-b")
        #expect(match(artist: "The xx", title: "Intro", album: "XX", duration: 190) == "intro-b")
        #expect(match(artist: "The xx", title: "Intro", album: "Live at Brixton", duration: 185) == "intro-c")
        #expect(match(artist: "The xx", title: "Intro", album: "Live at Brixton") == "intro-a")
        #expect(match(artist: "The xx", title: "Intro", duration: 130) == "intro-b")
        #expect(match(artist: "The xx", title: "Intro", album: "Some Compilation", duration: 150) == "intro-a")
        #expect(match(artist: "The xx", title: "Intro") == "intro-a")
    }

    @Test("without an artist, a title matches when exactly one song has it (or one song of the entry's album)")
    func titleOnly() {
        #expect(match(title: "unique title") == "one-title")
        #expect(match(artist: "  ", title: "Unique Title") == "one-title")
        #expect(match(title: "Shared Title") == nil)
        #expect(match(title: "Shared Title", album: "album 2") == "shared-2")
        #expect(match(title: "Intro", album: "Live at Brixton") == nil)
        #expect(match(title: "Nothing Like It") == nil)
    }

    @Test("nothing to go on, or a wrong artist, matches nothing")
    func unmatched() {
        #expect(match() == nil)
        #expect(match(artist: "Chris Stapleton") == nil)
        #expect(match(artist: "Someone Else", title: "Unique Title") == nil)
        #expect(match(artist: "Chris Stapleton", title: "") == nil)
        #expect(SongMatcher([]).match(songID: "x", location: "x.mp3", artist: "a", title: "t", album: nil, duration: nil) == nil)
    }

    @Test("playlist entries and imported listens match through their own fields")
    func entriesAndListens() {
        #expect(matcher.match(PlaylistFileEntry(location: "http://h/media/abc.mp3")) == "abc")
        #expect(matcher.match(PlaylistFileEntry(title: "Intro", artist: "the xx", duration: 189)) == "intro-c")
        #expect(matcher.match(ImportedListen(artist: "Chris Stapleton", title: "starting over", listenedAt: "2023-11-14T22:13:20Z")) == "starting-over")
        #expect(matcher.match(ImportedListen(songId: "yoru", listenedAt: "2023-11-14T22:13:20Z")) == "yoru")
        let song = Song(id: "s", title: "T", album: "A", artist: "R", genre: "Rock", year: nil, file: "http://h/media/s.mp3", image: nil, duration: 3)
        #expect(MatchableSong(song) == MatchableSong(id: "s", title: "T", artist: "R", album: "A", duration: 3))
    }

    @Test("a 100,000-song matcher is built and asked 100,000 times")
    func large() {
        let artists = (0..<2_000).map { $0 % 3 == 0 ? "Artíst Ñumber \($0)" : "Artist Number \($0)" }
        let songs = (0..<100_000).map { index in
            MatchableSong(
                id: "song-\(index)", title: "Title \(index / 3)", artist: artists[index % artists.count], album: "Album \(index % 700)",
                duration: Double(120 + index % 240))
        }
        let matcher = SongMatcher(songs)
        var matched = 0
        for (index, song) in songs.enumerated() {
            let found: String?
            switch index % 4 {
            case 0: found = matcher.match(songID: song.id, location: nil, artist: nil, title: nil, album: nil, duration: nil)
            case 1: found = matcher.match(songID: nil, location: "http://h/media/\(song.id).mp3", artist: nil, title: nil, album: nil, duration: nil)
            default:
                found = matcher.match(
                    songID: nil, location: nil, artist: song.artist.uppercased(), title: " \(song.title) ", album: song.album, duration: song.duration)
            }
            if found == song.id { matched += 1 }
        }
        #expect(matched == songs.count)
    }
}
