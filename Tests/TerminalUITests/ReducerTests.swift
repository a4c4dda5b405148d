import PlayerCore
import Testing
import TerminalUI

@Suite("The UI's reducer")
struct ReducerTests {
    @Test("Genres: Enter steps into a genre's songs, and Enter there plays that genre from the cursor")
    func playGenre() {
        var state = Fixture.state()
        state.press(.character("2"))
        #expect(state.view == .genres && state.focus == 0)
        #expect(state.press(.enter).isEmpty)
        #expect(state.focus == 1)
        state.press(.character("j"))
        let effects = state.press(.enter)
        let rock = [Fixture.songs[1], Fixture.songs[2]]
        #expect(effects == [.play(rock, index: 1)])
        #expect(state.queue == rock)
        state.press(.character("h"), .character("j"), .character("j"))
        #expect(state.genres.selected == 2 && state.genreSongs.selected == 0, "a new genre's songs start at the top")
    }

    @Test("Artists → albums → songs, each pane following the one on its left")
    func artists() {
        var state = Fixture.state()
        state.press(.character("3"))
        #expect(state.library.artists.map(\.name) == ["Daemon Drift", "Otis Lambda Trio", "The Null Sinks"])
        state.press(.character("G"), .tab, .tab)
        let effects = state.press(.enter)
        #expect(effects == [.play([Fixture.songs[1], Fixture.songs[2]], index: 0)])
    }

    @Test("moving stays inside the list and scrolls to keep the cursor on screen")
    func movement() {
        var state = AppState(width: 80, height: 14, serverName: "s")
        _ = state.reduce(.libraryLoaded(Fixture.many(100)))
        state.press(.character("k"))
        #expect(state.songs.selected == 0)
        state.press(.character("G"))
        #expect(state.songs.selected == 99 && state.songs.top == 100 - state.listRows)
        state.press(.character("j"))
        #expect(state.songs.selected == 99)
        state.press(.character("g"), .pageDown)
        #expect(state.songs.selected == state.listRows)
        state.press(.control("d"))
        #expect(state.songs.selected == state.listRows + state.listRows / 2)
        _ = state.reduce(.resized(width: 80, height: 9))
        #expect(state.songs.selected >= state.songs.top && state.songs.selected < state.songs.top + state.listRows)
    }

    @Test("search filters as you type, narrows, keeps on Enter and clears on Esc")
    func search() {
        var state = Fixture.state()
        state.press(.character("/"))
        #expect(state.view == .search && state.isEditingQuery)
        state.type("null")
        #expect(state.searchResults == [1, 2])
        state.type(" pap")
        #expect(state.searchResults == [2])
        state.press(.backspace, .backspace, .backspace)
        #expect(state.query == "null " && state.searchResults == [1, 2])
        state.press(.enter)
        #expect(!state.isEditingQuery)
        #expect(state.press(.enter) == [.play([Fixture.songs[1], Fixture.songs[2]], index: 0)], "keys are commands again")
        state.press(.character("/"))
        state.type("qqq")
        #expect(state.searchResults.isEmpty)
        state.press(.escape)
        #expect(state.query.isEmpty && state.searchResults.count == 4)
    }

    @Test("player keys become player effects; volume stays within 0–150 %")
    func playerKeys() {
        var state = Fixture.state()
        #expect(state.press(.character(" ")).isEmpty, "nothing to pause before anything plays")
        state.player.track = Fixture.songs[0].track
        #expect(state.press(.character(" ")) == [.togglePause])
        #expect(state.press(.character("n"), .character("p")) == [.next, .previous])
        #expect(state.press(.left, .right, .character(","), .character(".")) == [.seek(by: -5), .seek(by: 5), .seek(by: -60), .seek(by: 60)])
        state.player.volume = 145
        #expect(state.press(.character("+"), .character("+")) == [.setVolume(150), .setVolume(150)])
        state.player.volume = 3
        #expect(state.press(.character("-")) == [.setVolume(0)])
        #expect(state.press(.character("s")) == [.setShuffle(true)])
        #expect(state.press(.character("r"), .character("r"), .character("r")) == [.setRepeat(.all), .setRepeat(.one), .setRepeat(.off)])
        #expect(state.press(.character("q")) == [.quit])
    }

    @Test("a appends the song under the cursor to the queue")
    func append() {
        var state = Fixture.state()
        state.press(.character("j"))
        #expect(state.press(.character("a")) == [.append([Fixture.songs[1]])])
        #expect(state.queue == [Fixture.songs[1]])
        state.press(.character("4"))
        #expect(state.view == .queue)
        #expect(state.press(.enter) == [.play([Fixture.songs[1]], index: 0)])
    }

    @Test("the songs view sorts by title, artist, album and year in turn")
    func sorting() {
        var state = Fixture.state()
        state.press(.character("o"))
        #expect(state.songSort == .artist)
        #expect(state.library.order(.artist).map { Fixture.songs[$0].id } == ["yoake", "blue", "first", "paper"])
        #expect(state.press(.enter) == [.play([Fixture.songs[3], Fixture.songs[0], Fixture.songs[1], Fixture.songs[2]], index: 0)])
        state.press(.character("o"), .character("o"))
        #expect(state.songSort == .year)
        #expect(state.library.order(.year).map { Fixture.songs[$0].id } == ["blue", "first", "paper", "yoake"])
    }

    @Test("a service that fails is shown and retried; its return clears the error")
    func offline() {
        var state = AppState(width: 80, height: 14, serverName: "s")
        #expect(state.reduce(.libraryFailed("http://s is unreachable")) == [.loadLibrary(after: AppState.retryDelay)])
        #expect(state.loadState == .failed("http://s is unreachable"))
        #expect(state.message?.isError == true)
        _ = state.reduce(.libraryLoaded(Fixture.library))
        #expect(state.loadState == .loaded && state.message == nil)
    }

    @Test("player failures reach the status line; the next track clears them")
    func playerErrors() {
        var state = Fixture.state()
        let track = Fixture.songs[0].track
        _ = state.reduce(.playerEvent(.outputFailed(.output(reason: "no PulseAudio server: set PULSE_SERVER"))))
        #expect(state.message == StatusMessage("no PulseAudio server: set PULSE_SERVER", isError: true))
        _ = state.reduce(.playerEvent(.trackFailed(track, index: 0, .http(url: track.url, status: 404))))
        #expect(state.message?.text == "Blue Checksum: \(track.url) answered HTTP 404")
        _ = state.reduce(.playerEvent(.trackStarted(track, index: 1)))
        #expect(state.message == nil)
    }

    @Test("a refused library is said and not asked for again; a failed one is retried")
    func refusedLibrary() {
        var state = Fixture.state()
        #expect(state.reduce(.libraryRefused("wrong password")).isEmpty)
        #expect(state.message == StatusMessage("wrong password", isError: true))
        #expect(state.reduce(.libraryFailed("no answer")).contains { if case .loadLibrary = $0 { true } else { false } })
    }

    @Test("failures while a library retry waits start no second retry; once it fetches, the next failure may")
    func oneRetryAtATime() {
        var state = Fixture.state()
        func retries(_ effects: [Effect]) -> Int { effects.filter { if case .loadLibrary = $0 { true } else { false } }.count }
        #expect(retries(state.reduce(.libraryFailed("no answer"))) == 1)
        #expect(retries(state.reduce(.serviceLost("stopped answering"))) == 0, "the health watch")
        #expect(retries(state.reduce(.libraryFailed("no answer"))) == 0, "the change follower's full sync")
        #expect(state.message?.text.contains("retrying") == true)
        _ = state.reduce(.libraryRetryStarted)
        #expect(retries(state.reduce(.libraryFailed("still no answer"))) == 1)
    }

    @Test("a server that ignores ranges is said once on the status line, not as an error")
    func rangesIgnored() {
        var state = Fixture.state()
        let track = Fixture.songs[0].track
        _ = state.reduce(.playerEvent(.rangesIgnored(track)))
        #expect(state.message?.isError == false)
        #expect(state.message?.text == "Blue Checksum: the server sends the whole song where a part is asked for, so each seek reads it again from the start")
    }

    @Test("help opens with ?, any key closes it, q still quits")
    func help() {
        var state = Fixture.state()
        state.press(.character("?"))
        #expect(state.isShowingHelp)
        #expect(state.press(.character("j")).isEmpty && !state.isShowingHelp && state.songs.selected == 0)
        state.press(.character("?"))
        #expect(state.press(.character("q")) == [.quit])
    }

    @Test("the demo is offered only for an empty embedded library, once")
    func demo() {
        var state = AppState(width: 80, height: 14, serverName: "local library")
        _ = state.reduce(.libraryLoaded(.empty))
        #expect(state.press(.character("D")).isEmpty, "not offered unless the runner says the library is local")
        _ = state.reduce(.libraryIsEmptyAndLocal)
        #expect(state.press(.character("D")) == [.loadDemo])
        #expect(state.press(.character("D")).isEmpty)
    }
}
