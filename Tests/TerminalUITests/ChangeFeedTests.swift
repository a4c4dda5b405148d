import LibraryModel
import PlayerCore
import Testing

@testable import TerminalUI

/// Changes from the feed, applied to the library in place: every index as a rebuild would have it, every
/// cursor on its song.
enum FeedFixture {
    static func song(_ id: String, _ title: String, artist: String = "Ada Byte", album: String = "Zed", genre: String = "Rock", year: Int? = 2022) -> Song {
        Song(id: id, title: title, album: album, artist: artist, genre: genre, year: year, file: "http://s/media/\(id).mp3", image: nil, duration: 30)
    }

    static func added(_ song: Song, at position: Int = 1) -> Change {
        Change(position: position, at: "2026-12-01T10:00:00Z", kind: .song, id: song.id, song: song)
    }

    static func removed(_ id: String, at position: Int = 1) -> Change {
        Change(position: position, at: "2026-12-01T10:00:00Z", kind: .song, id: id)
    }

    static func page(_ changes: Change...) -> ChangePage {
        ChangePage(changes: changes, next: changes.last?.position ?? 0, more: false)
    }

    /// Every index by song id, to compare a library edited in place with one built from its songs.
    static func shape(_ library: Library) -> [String] {
        let ids = { (list: [Int]) in list.map { library.songs[$0].id }.joined(separator: ",") }
        return SongSort.allCases.map { "\($0): " + ids(library.order($0)) }
            + library.genres.map { "genre \($0.name): " + ids($0.songs) }
            + library.artists.flatMap { artist in artist.albums.map { "\(artist.name) / \($0.name): " + ids($0.songs) } }
            + ["count \(library.count)"]
    }

    /// The library built afresh from what `library` holds, in the service's title order.
    static func rebuilt(_ library: Library, genres: [String]) -> Library {
        Library(songs: library.order(.title).map { library.songs[$0] }, genreNames: genres)
    }
}

@Suite("The change feed in the UI")
struct ChangeFeedTests {
    @Test("a new song goes where it belongs in every sort order, genre, artist, album and the search text")
    func insertEverywhere() throws {
        var library = Fixture.library
        let cobalt = FeedFixture.song("cobalt", "Cobalt Frames", artist: "Otis Lambda Trio", album: "Before Dawn", genre: "Indie", year: 2022)
        let applied = library.apply([FeedFixture.added(cobalt)])
        #expect(applied.changed && !applied.rebuilt && applied.insertedSlots == [4])
        let ids = { (sort: SongSort) in library.order(sort).map { library.songs[$0].id } }
        #expect(ids(.title) == ["blue", "cobalt", "first", "paper", "yoake"])
        #expect(ids(.artist) == ["yoake", "blue", "cobalt", "first", "paper"], "After Hours, then Before Dawn")
        #expect(ids(.album) == ["blue", "cobalt", "first", "paper", "yoake"])
        #expect(ids(.year) == ["blue", "cobalt", "first", "paper", "yoake"])
        #expect(library.genres.first { $0.name == "Indie" }?.songs == [4])
        let otis = try #require(library.artists.first { $0.name == "Otis Lambda Trio" })
        #expect(otis.albums.map(\.name) == ["After Hours", "Before Dawn"])
        #expect(library.search("cobalt frames") == [4] && library.search("otis") == [0, 4])
        #expect(library.song(withID: "cobalt")?.title == "Cobalt Frames" && library.count == 5)
        #expect(FeedFixture.shape(library) == FeedFixture.shape(FeedFixture.rebuilt(library, genres: ["Rock", "Indie", "Pop", "Jazz"])))
    }

    @Test("a removed song leaves every index; an album and artist left empty go too; the slot is not reused")
    func removeEverywhere() {
        var library = Fixture.library
        let applied = library.apply([FeedFixture.removed("yoake"), FeedFixture.removed("never-there")])
        #expect(applied.removedSlots == [3] && library.count == 3 && library.song(withID: "yoake") == nil)
        #expect(!library.artists.contains { $0.name == "Daemon Drift" })
        #expect(library.genres.first { $0.name == "Pop" }?.songs == [], "a listed genre stays, empty")
        #expect(library.search("夜明け").isEmpty)
        #expect(FeedFixture.shape(library) == FeedFixture.shape(FeedFixture.rebuilt(library, genres: ["Rock", "Indie", "Pop", "Jazz"])))
        _ = library.apply([FeedFixture.added(FeedFixture.song("yoake", "夜明けの信号", artist: "Daemon Drift", album: "Low Orbit", genre: "Pop"))])
        #expect(library.index(ofSongID: "yoake") == 4 && library.count == 4)
    }

    @Test("a changed song moves in every order when its title, artist, album, genre or year change, else stays in place")
    func update() {
        var library = Fixture.library
        var blue = ListenerFixture.song(Fixture.songs[0])
        blue.duration = 99
        #expect(library.apply([FeedFixture.added(blue)]).insertedSlots.isEmpty, "only the length: in place")
        #expect(library.song(withID: "blue")?.duration == 99 && library.index(ofSongID: "blue") == 0)
        blue.title = "Zulu Checksum"
        blue.genre = "Pop"
        _ = library.apply([FeedFixture.added(blue)])
        #expect(library.order(.title).map { library.songs[$0].id } == ["first", "paper", "blue", "yoake"])
        #expect(library.genres.first { $0.name == "Jazz" }?.songs == [] && library.genres.first { $0.name == "Pop" }?.songs.count == 2)
        #expect(library.search("zulu").map { library.songs[$0].id } == ["blue"] && library.search("blue checksum").isEmpty)
        #expect(FeedFixture.shape(library) == FeedFixture.shape(FeedFixture.rebuilt(library, genres: ["Rock", "Indie", "Pop", "Jazz"])))
    }

    @Test("many random changes one at a time leave the indexes as a rebuild would; a large batch rebuilds once, the same")
    func randomChanges() {
        var random = SplitMix(seed: 12)
        let genres = ["Rock", "Jazz"]
        var library = Fixture.many(300)
        var batch: [Change] = []
        for step in 0..<400 {
            let id = "s\(random.next(below: 360))"
            let change = random.next(below: 3) == 0
                ? FeedFixture.removed(id, at: step)
                : FeedFixture.added(FeedFixture.song(id, "Song \(random.next(below: 1000))", artist: "Artist \(random.next(below: 9))",
                                                     album: "Album \(random.next(below: 4))", genre: ["Rock", "Jazz", "Blues"][random.next(below: 3)],
                                                     year: random.next(below: 5) == 0 ? nil : 2000 + random.next(below: 30)), at: step)
            batch.append(change)
            #expect(!library.apply([change]).rebuilt)
        }
        #expect(FeedFixture.shape(library) == FeedFixture.shape(FeedFixture.rebuilt(library, genres: genres)))
        // The title order is the service's: folded title, then id.
        let keys = library.order(.title).map { (Array(SearchKey.fold(library.songs[$0].title).utf8), library.songs[$0].id) }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 != $1.0 ? $0.0.lexicographicallyPrecedes($1.0) : $0.1 < $1.1 })
        var once = Fixture.many(300)
        #expect(once.apply(batch).rebuilt)
        #expect(FeedFixture.shape(once) == FeedFixture.shape(library))
    }

    @Test("one new song in a library of 100,000 is put in place, not rebuilt, within a frame")
    func fastAtScale() {
        var state = AppState(width: 80, height: 30, serverName: "s")
        _ = state.reduce(.libraryLoaded(Fixture.many(100_000)))
        state.press(.character("j"), .character("j"))
        let song = FeedFixture.song("new", "Song 100000½", artist: "Artist 3", album: "Album 5")
        let started = ContinuousClock.now
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(song))))
        #expect(ContinuousClock.now - started < .milliseconds(250), "took \(ContinuousClock.now - started)")
        #expect(state.library.row(ofSlot: 100_000, in: .title) == 1 && state.library.count == 100_001)
        #expect(state.library.songs[state.library.order(.title)[state.songs.selected]].id == "s2" && state.songs.selected == 3)
        // The structural check: the new song took the next slot and nothing was built again.
        let next = FeedFixture.song("next", "Song 150000½", artist: "Artist 4", album: "Album 1")
        let again = ContinuousClock.now
        let applied = state.library.apply([FeedFixture.added(next)])
        #expect(ContinuousClock.now - again < .milliseconds(250))
        #expect(!applied.rebuilt && applied.insertedSlots == [100_001] && state.library.index(ofSongID: "s0") == 0)
        #expect(state.library.row(ofSlot: 100_001, in: .title) == 50_002)
        let removal = ContinuousClock.now
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.removed("s2"))))
        #expect(ContinuousClock.now - removal < .milliseconds(250))
        #expect(state.library.songs[state.library.order(.title)[state.songs.selected]].id == "s3", "the next row")
    }

    @Test("the songs view's cursor stays on its song in every sort, and a song removed under it gives way to the next")
    func songsCursor() {
        var state = Fixture.state()
        state.press(.character("j"), .character("j"))  // Paper Satellites
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(FeedFixture.song("aaa", "Aardvark")))))
        #expect(state.songs.selected == 3 && selectedID(state) == "paper")
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.removed("paper"))))
        #expect(selectedID(state) == "yoake", "the next row")
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.removed("yoake"))))
        #expect(selectedID(state) == "first", "the last row went: the one now last")
        state.press(.character("o"), .character("o"), .character("o"))  // by year
        state.press(.character("g"))
        let first = selectedID(state)
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(FeedFixture.song("old", "Old", year: 1950)))))
        #expect(selectedID(state) == first && state.songs.selected == 1)

        func selectedID(_ state: AppState) -> String {
            state.library.songs[state.library.order(state.songSort)[state.songs.selected]].id
        }
    }

    @Test("genre, artist, album and search cursors stay on their songs and names")
    func everyCursor() {
        var state = Fixture.state()
        state.press(.character("2"))  // Rock: First Light, Paper Satellites
        state.press(.tab, .character("j"))
        let rock = FeedFixture.song("aaa", "Aardvark", artist: "The Null Sinks", album: "Loopback Sessions", genre: "Rock")
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(rock))))
        #expect(state.library.genres[state.genres.selected].name == "Rock")
        #expect(state.library.songs[state.selectedGenreSongs[state.genreSongs.selected]].id == "paper" && state.genreSongs.selected == 2)
        // A new genre before Rock is not: the genres list keeps the API's order and the cursor its genre.
        _ = state.reduce(.changesArrived(FeedFixture.page(Change(position: 2, at: "", kind: .genre, id: "9", genre: Genre(genreid: 9, genre: "Ambient")))))
        #expect(state.library.genres.map(\.name) == ["Rock", "Indie", "Pop", "Jazz", "Ambient"])

        state.press(.character("3"), .character("j"))  // The Null Sinks after Daemon Drift, Otis Lambda Trio
        state.press(.character("j"), .tab, .tab, .character("j"))
        #expect(state.library.artists[state.artists.selected].name == "The Null Sinks")
        let before = state.library.songs[state.selectedAlbumSongs[state.albumSongs.selected]].id
        let artist = FeedFixture.song("abc", "Alpha", artist: "Abba Cadabra", album: "A", genre: "Pop")
        let album = FeedFixture.song("abd", "Alpha Two", artist: "The Null Sinks", album: "A Side", genre: "Rock")
        let inAlbum = FeedFixture.song("abe", "Aaa", artist: "The Null Sinks", album: "Loopback Sessions", genre: "Rock")
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(artist), FeedFixture.added(album), FeedFixture.added(inAlbum))))
        #expect(state.library.artists[state.artists.selected].name == "The Null Sinks")
        #expect(state.selectedArtistAlbums[state.albums.selected].name == "Loopback Sessions")
        #expect(state.library.songs[state.selectedAlbumSongs[state.albumSongs.selected]].id == before)

        state.press(.character("/"))
        state.type("a")
        state.press(.enter, .character("j"), .character("j"))
        let found = state.library.songs[state.searchResults[state.searchCursor.selected]].id
        let match = FeedFixture.song("aab", "Aab", genre: "Rock")
        let other = FeedFixture.song("zzz", "Quiz", artist: "Q", album: "Q")
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(match), FeedFixture.added(other))))
        #expect(state.searchResults.map { state.library.songs[$0].id }.contains("aab"))
        #expect(!state.searchResults.map { state.library.songs[$0].id }.contains("zzz"), "no match, not listed")
        #expect(state.library.songs[state.searchResults[state.searchCursor.selected]].id == found)
        #expect(state.searchResults == state.library.search("a"))
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.removed(found))))
        #expect(state.searchResults == state.library.search("a"))
        #expect(!state.searchResults.map { state.library.songs[$0].id }.contains(found))
    }

    @Test("the cursor's screen row stays when a song arrives above it")
    func scrollsWithTheSong() {
        var state = AppState(width: 80, height: 14, serverName: "s")
        _ = state.reduce(.libraryLoaded(Fixture.many(100)))
        state.press(.character("G"))
        let (row, top) = (state.songs.selected, state.songs.top)
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(FeedFixture.song("a", "A song")))))
        #expect(state.songs.selected == row + 1 && state.songs.top == top + 1)
    }

    @Test("a removed song playing stays in the queue to play to its end")
    func queueKeepsIt() {
        var state = Fixture.state()
        _ = state.press(.enter)
        state.player.track = Fixture.songs[0].track
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.removed("blue"))))
        #expect(state.queue.first?.id == "blue" && state.library.song(withID: "blue") == nil)
    }

    @Test("the listener's marks from elsewhere show, unless a change of theirs is on its way")
    func marks() {
        var state = Fixture.state()
        let liked = Change(position: 3, at: "", kind: .marks, id: "first", marks: SongMark(id: "first", liked: true, rating: 4))
        _ = state.reduce(.changesArrived(FeedFixture.page(liked)))
        #expect(state.library.song(withID: "first")?.liked == true && state.library.song(withID: "first")?.rating == 4)
        // The cursor on Blue Checksum: like it here, then the feed says unliked before the answer comes.
        #expect(state.press(.character("f")) == [.setLike(songID: "blue", liked: true)])
        _ = state.reduce(.changesArrived(FeedFixture.page(Change(position: 4, at: "", kind: .marks, id: "blue", marks: SongMark(liked: false)))))
        #expect(state.library.song(withID: "blue")?.liked == true, "what was done here shows")
        _ = state.reduce(.markFailed(songID: "blue", .liked(true), reason: "no"))
        #expect(state.library.song(withID: "blue")?.liked == false, "a refusal goes back to what the service has")
    }

    @Test("playlists made, changed and deleted elsewhere update the list; the cursor stays on its playlist")
    func playlists() {
        var state = ListenerFixture.inPlaylists()
        let selected = state.listener.selectedPlaylist?.id
        var renamed = ListenerFixture.roadTrip
        (renamed.name, renamed.version) = ("Long road", 5)
        let made = ListenerFixture.summary("p9", "Aaa", songs: 0)
        let effects = state.reduce(.changesArrived(FeedFixture.page(
            Change(position: 1, at: "", kind: .playlist, id: "p9", playlist: made),
            Change(position: 2, at: "", kind: .playlist, id: "p1", playlist: renamed),
            Change(position: 3, at: "", kind: .playlist, id: "p3"))))
        #expect(state.listener.playlists.first { $0.id == "p1" }?.name == "Long road")
        #expect(state.listener.playlists.contains { $0.id == "p9" } && !state.listener.playlists.contains { $0.id == "p3" })
        #expect(state.listener.selectedPlaylist?.id == selected)
        #expect(effects == [.loadPlaylist(id: "p1")], "the open playlist changed: its songs are asked for")
    }

    @Test("a lost service keeps the library on screen, marked offline, with no refetch; its return clears that")
    func offlineKeepsTheLibrary() {
        var state = Fixture.state()
        #expect(state.reduce(.serviceLost("http://s stopped answering")) == [])
        #expect(state.loadState == .failed("http://s stopped answering") && state.library.count == 4 && state.message?.isError == true)
        #expect(state.reduce(.serviceBack) == [])
        #expect(state.loadState == .loaded && state.message == nil)
        var fresh = AppState(width: 80, height: 14, serverName: "s")
        #expect(fresh.reduce(.serviceLost("down")) == [.loadLibrary(after: AppState.retryDelay)], "no library yet: it is retried")
    }

    @Test("offline, Enter plays only songs kept on this machine, and says so on one that is not")
    func offlinePlaysOnlyKeptSongs() {
        var state = Fixture.state()
        let order = state.library.order(.title).map { state.library.songs[$0] }
        _ = state.reduce(.serviceLost("http://s stopped answering"))
        _ = state.reduce(.offlineSongsChanged(OfflineSongs(kept: [order[1].id, order[3].id])))
        #expect(state.isOffline && !state.canPlay(order[0].id) && state.canPlay(order[1].id))
        #expect(state.reduce(.key(.enter)) == [], "the first song is not kept")
        #expect(state.message?.isError == true && state.message?.text.contains("not on this machine") == true)
        _ = state.reduce(.key(.character("j")))
        #expect(state.reduce(.key(.enter)) == [.play([order[1], order[3]], index: 0)], "the kept songs, from the chosen one")
        _ = state.reduce(.serviceBack)
        #expect(state.reduce(.key(.enter)) == [.play(order, index: 1)], "online again, the whole list")
    }
}

/// A small seeded generator, so the random test is the same every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

}
