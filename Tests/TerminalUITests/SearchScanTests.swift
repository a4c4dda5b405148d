import LibraryModel
import Testing

@testable import TerminalUI

/// Search as you type over a library too large for one frame: each key looks at a slice and shows the
/// first matches in title order; the rest follow a slice at a time between keys, and nothing that needs
/// every result ever sees a part of them.
@Suite struct SearchScanTests {
    static let library = Fixture.many(100_000)
    /// The same, with ten zebras last in title order: a word only they hold is found only by the last slice.
    static let zebras: Library = {
        let songs = Fixture.many(100_000).songs + (0..<10).map { index in
            LibrarySong(id: "z\(index)", title: "Zebra \(index)", artist: "Artist 0", album: "Album 0", genre: "Rock", year: 2000,
                        duration: 180, file: "http://s/media/z\(index).mp3")
        }
        return Library(songs: songs, genreNames: ["Rock", "Jazz"])
    }()

    static func searching(_ query: String, in library: Library = library) -> AppState {
        var state = AppState(width: 80, height: 30, serverName: "s")
        _ = state.reduce(.libraryLoaded(library))
        state.press(.character("/"))
        state.type(query)
        return state
    }

    /// `searching`, with the scan checked to be still under way: what the test is about.
    static func midScan(_ query: String, in library: Library = library) -> AppState {
        let state = searching(query, in: library)
        let searching = state.isSearching
        #expect(searching, "the search of \(query) ended in one slice")
        return state
    }

    /// Steps the search to its end, as the UI loop does while no key waits; returns the steps taken.
    @discardableResult
    static func finish(_ state: inout AppState) -> Int {
        var steps = 0
        while state.isSearching, steps < 1_000 {
            _ = state.reduce(.searchContinues)
            steps += 1
        }
        return steps
    }

    @Test("a word in every song: the key shows the first slice's matches, the rest follow slice by slice")
    func slices() {
        var state = Self.searching("song")
        let whole = Self.library.search("song")
        let searching = state.isSearching
        #expect(whole.count == 100_000)
        #expect(searching && state.searchResults.count == AppState.searchSlice)
        #expect(state.searchResults == Array(whole.prefix(AppState.searchSlice)), "the first rows are already right")
        #expect(RendererTests.lines(Renderer.render(state)).contains { $0.contains("\(AppState.searchSlice) found so far…") })
        let steps = Self.finish(&state)
        #expect(steps == (100_000 - 1) / AppState.searchSlice)
        let stillSearching = state.isSearching
        #expect(!stillSearching && state.searchResults == whole)
        #expect(RendererTests.lines(Renderer.render(state)).contains { $0.contains("100000 found") })
    }

    @Test("a word found only late in title order says it is searching, not that nothing matches, until the scan ends")
    func lateMatches() {
        var state = Self.searching("z", in: Self.zebras)
        let searching = state.isSearching
        #expect(searching && state.searchResults.isEmpty)
        #expect(RendererTests.lines(Renderer.render(state)).contains { $0.contains("Searching…") })
        Self.finish(&state)
        #expect(state.searchResults.map { state.library.songs[$0].id } == (0..<10).map { "z\($0)" })
        state.type("ebra 7")
        Self.finish(&state)
        #expect(state.searchResults.map { state.library.songs[$0].id } == ["z7"])
        state.type("7")
        Self.finish(&state)
        #expect(state.searchResults.isEmpty && RendererTests.lines(Renderer.render(state)).contains { $0.contains("No songs match.") })
    }

    @Test("typing on before a scan ends narrows over what it found and what it had not looked at yet")
    func typingDuringAScan() {
        var state = Self.midScan("so")
        state.type("ng 1999")
        Self.finish(&state)
        #expect(state.searchResults == Self.library.search("song 1999"))
        // "song" and "1999" anywhere: Song 1999xx, 11999x and 1x1999.
        #expect(state.searchResults.count == 120)
    }

    @Test("Backspace brings back the shorter query's search, finished or not, and it ends as a new one would")
    func backspace() {
        var state = Self.midScan("song 1")
        state.type("5")
        Self.finish(&state)
        #expect(state.searchResults == Self.library.search("song 15"))
        state.press(.backspace)
        let searchingAgain = state.isSearching
        #expect(state.query == "song 1" && searchingAgain)
        Self.finish(&state)
        #expect(state.searchResults == Self.library.search("song 1"))
    }

    @Test("a key that acts on the results gets all of them")
    func actingFinishes() {
        var state = Self.midScan("song")
        state.press(.enter, .character("G"))
        let stillSearching = state.isSearching
        #expect(!stillSearching)
        #expect(state.searchCursor.selected == 99_999, "G went to the last of every match, not of the first slice")
        let effects = state.press(.enter)
        guard case .play(let songs, let index)? = effects.first else {
            Issue.record("Enter played nothing: \(effects)")
            return
        }
        #expect(songs.count == 100_000 && index == 99_999)
    }

    @Test("a change arriving during a scan: the search finishes over the old library, then follows the change")
    func changeDuringAScan() {
        var state = Self.midScan("ze", in: Self.zebras)
        let match = FeedFixture.song("new", "Zebra 5½")
        _ = state.reduce(.changesArrived(FeedFixture.page(FeedFixture.added(match), FeedFixture.removed("z3"))))
        Self.finish(&state)
        #expect(state.searchResults == state.library.search("ze"))
        let ids = state.searchResults.map { state.library.songs[$0].id }
        #expect(ids == ["z0", "z1", "z2", "z4", "z5", "new", "z6", "z7", "z8", "z9"])
    }
}
