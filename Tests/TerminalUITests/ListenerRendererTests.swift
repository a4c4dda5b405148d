import Foundation
import LibraryModel
import PlayerCore
import Testing
import TerminalUI

@Suite("Rendering likes, ratings, playlists and history")
struct ListenerRendererTests {
    /// The songs view with First Light and Paper Satellites liked, Paper Satellites playing, rated 4, and
    /// under the cursor.
    static func liked(width: Int = 72, height: Int = 10) -> AppState {
        var state = Fixture.state(width: width, height: height)
        RendererTests.playing(&state, Fixture.songs[2], at: 99.5)
        state.press(.character("j"), .character("f"), .character("j"), .character("f"), .character("*"), .character("4"))
        state.message = nil
        return state
    }

    @Test("hearts in a column of their own in the songs view, and in the now-playing bar with the stars")
    func hearts() {
        let frame = Renderer.render(Self.liked())
        #expect(RendererTests.lines(frame) == [
            " 1 Songs  2  3  4  5  6  7  8                        4 songs · http://s",
            "Songs by title",
            "   Blue Checksum          Otis Lambda Trio After Hours       2021  0:23",
            " ♥ First Light            The Null Sinks   Loopback Sessions 2024  0:20",
            "▶♥ Paper Satellites       The Null Sinks   Loopback Sessions 2024  3:19",
            "   夜明けの信号           Daemon Drift     Low Orbit         2025  0:23",
            "",
            " ▶ ♥ Paper Satellites — The Null Sinks · Loopback Sessions        ★★★★☆",
            " 1:39 / 3:19 ━━━━━━━━━━━━━─────────────  vol 100%  in order  repeat off",
            "? help · 1-8 views · / search · Enter play · M radio · q quit",
        ])
        #expect(frame[1, 3].style == .liked, "a heart the terminal can colour")
        #expect(frame[1, 4].style == .selected, "on the cursor's row the bar stays whole")
        #expect(frame[3, 7].style == .likedOnBar && frame[5, 7].style == .bar)
    }

    @Test("terminals that cannot draw ♥ get the ASCII marker, and stars as * and .")
    func asciiMarker() {
        var state = Self.liked()
        state.glyphs = .ascii
        let lines = RendererTests.lines(Renderer.render(state))
        #expect(lines[3] == " + First Light            The Null Sinks   Loopback Sessions 2024  0:20")
        #expect(lines[4].hasPrefix("▶+ Paper Satellites"))
        #expect(lines[7] == " ▶ + Paper Satellites — The Null Sinks · Loopback Sessions        ****.")
    }

    @Test("the heart shows in the queue too, from the library's marks rather than the queued copy")
    func heartInQueue() {
        var state = Fixture.state(width: 72, height: 10)
        state.press(.enter, .character("4"), .character("j"), .character("f"))
        let lines = RendererTests.lines(Renderer.render(state))
        #expect(lines[3].hasPrefix(" ♥ First Light"))
        #expect(!state.queue[1].liked, "the queue's own copy is older")
    }

    @Test("the rating popup sits over the view, on the song's rating, and leaves nothing behind")
    func ratingPopup() {
        var state = Self.liked()
        let before = Renderer.render(state)
        state.press(.character("*"))
        let frame = Renderer.render(state)
        #expect(RendererTests.lines(frame) == [
            " 1 Songs  2  3  4  5  6  7  8                        4 songs · http://s",
            "Songs by title    Rate “Paper Satellites”",
            "   Blue Checksum  5  ★★★★★                                   2021  0:23",
            " ♥ First Light    4  ★★★★☆                              ions 2024  0:20",
            "▶♥ Paper Satelli  3  ★★★☆☆                              ions 2024  3:19",
            "   夜明けの信号   2  ★★☆☆☆                                   2025  0:23",
            "                  1  ★☆☆☆☆  never suggest",
            " ▶ ♥ Paper Satel  0  no rating                          ns        ★★★★☆",
            " 1:39 / 3:19 ━━━ 0–5 rate · Enter · Esc                 der  repeat off",
            "? help · 1-8 views · / search · Enter play · M radio · q quit",
        ])
        #expect(frame[20, 3].style == .selected, "4 stars highlighted")
        #expect(frame[20, 2].style == .overlay)
        state.press(.escape)
        #expect(Renderer.render(state) == before)
    }

    @Test("view 6: smart lists, the listener's, other people's with the owner; unavailable entries dimmed")
    func playlistsView() {
        var state = ListenerFixture.inPlaylists(width: 80, height: 14, entries: ListenerFixture.entries([Fixture.songs[1], nil, Fixture.songs[2]]))
        RendererTests.playing(&state, Fixture.songs[2], at: 3)
        state.press(.tab, .character("f"))
        state.message = nil
        let frame = Renderer.render(state)
        #expect(RendererTests.lines(frame) == [
            " 1  2  3  4  5  6 Playlists  7  8                            4 songs · http://s",
            "Playlists                 │Road trip · 3 songs",
            " Liked songs              │ ♥ First Light               The Null Sinks     0:20",
            " Recently added           │   (unavailable)",
            " Most played              │▶  Paper Satellites          The Null Sinks     3:19",
            " Recently played          │",
            " Top rated                │",
            " Never played             │",
            " Road trip (3)            │",
            " Focus (0)                │",
            " Alice's mix · alice (2)  │",
            " ▶ Paper Satellites — The Null Sinks · Loopback Sessions",
            " 0:03 / 3:19 ──────────────────────────────────  vol 100%  in order  repeat off",
            "? help · N new · R rename · X delete · x remove · J K move · Enter play",
        ])
        #expect(frame[1, 8].style == .selectedDimmed, "the playlist cursor, its pane not focused")
        #expect(frame[30, 3].style == .dim, "an unavailable entry")
        #expect(frame[27, 4].style == .playing)
    }

    @Test("view 6 says loading… until the entries arrive, and why when they cannot")
    func playlistLoading() {
        var state = Fixture.state(width: 80, height: 12)
        state.press(.character("6"))
        var text = Renderer.render(state).text
        #expect(text.contains("Playlists · loading…") && text.contains("Liked songs") && text.contains(" loading…"))
        _ = state.reduce(.playlistFailed(id: "liked", reason: "http://s is unreachable"))
        text = Renderer.render(state).text
        #expect(text.contains("Could not load it: http://s is unreachable"))
        _ = state.reduce(.playlistsLoaded(ListenerFixture.summaries, listener: "me"))
        state.press(.character("G"), .character("k"))
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: ListenerFixture.focus, entries: [])))
        #expect(Renderer.render(state).text.contains("No songs yet: y on any song adds it here."))
    }

    @Test("view 7: when, title — artist, how long of how long, skipped; gone songs dimmed")
    func historyView() {
        var state = Fixture.state(width: 80, height: 10)
        state.press(.character("7"))
        #expect(Renderer.render(state).text.contains("Loading the history…"))
        _ = state.reduce(.historyLoaded(ListenerFixture.plays, now: ListenerFixture.now, timeZone: ListenerFixture.utc))
        state.press(.character("j"), .character("f"))
        state.message = nil
        let frame = Renderer.render(state)
        #expect(RendererTests.lines(frame) == [
            " 1  2  3  4  5  6  7 History  8                              4 songs · http://s",
            "History · 4 plays",
            "   today 21:15      Paper Satellites — The Null Sinks       1:39 / 3:19",
            " ♥ today 21:10      Blue Checksum — Otis Lambda Trio        0:05 / 0:23 skipped",
            "   yesterday 09:02  (unavailable)                                  3:00",
            "   2026-11-28 18:40 First Light — The Null Sinks            0:20 / 0:20",
            "",
            " ■ nothing playing — Enter plays the song under the cursor",
            " ──────────────────────────────────────────────  vol 100%  in order  repeat off",
            "? help · Enter plays again · M radio · f like · * rate · y add to a playlist",
        ])
        #expect(frame[3, 4].style == .dim && frame[1, 3].style == .selected)
    }

    @Test("the picker, the name prompt and the delete question are drawn over view 6 and leave nothing behind")
    func popupsOverView6() {
        var state = ListenerFixture.inPlaylists(width: 80, height: 14)
        state.press(.tab)
        let before = Renderer.render(state)
        state.press(.character("y"))
        var text = Renderer.render(state).text
        #expect(text.contains("Add “First Light” to") && text.contains("Road trip (3)") && text.contains("New playlist…"))
        state.press(.escape)
        #expect(Renderer.render(state) == before)
        state.press(.character("R"))
        text = Renderer.render(state).text
        #expect(text.contains("Rename “Road trip”") && text.contains("Road trip▏") && text.contains("Enter saves · Esc cancels"))
        state.press(.escape)
        #expect(Renderer.render(state) == before)
        state.press(.character("X"))
        #expect(Renderer.render(state).text.contains("Delete “Road trip”? y/n"))
        state.press(.escape)
        state.message = nil
        #expect(Renderer.render(state) == before)
    }

    @Test("a long name in the prompt keeps its end, where typing happens, in view")
    func longName() {
        var state = Fixture.state(width: 40, height: 8)
        state.press(.enter, .character("S"))
        state.type(String(repeating: "x", count: 60) + "END")
        let text = Renderer.render(state).text
        #expect(text.contains("xxEND▏"))
    }

    @Test("the help overlay pages with ? when the window cannot hold every command")
    func helpPages() {
        var state = Fixture.state(width: 80, height: 24)
        state.press(.character("?"))
        #expect(Renderer.render(state).text.contains("Keys — any key closes this · ? more (1/2)"))
        state.press(.character("?"))
        let second = Renderer.render(state).text
        #expect(second.contains("(2/2)") && second.contains("move song up (view 6)"))
        state.press(.character("?"))
        #expect(!state.isShowingHelp, "? on the last page closes")
        state = Fixture.state(width: 160, height: 40)
        state.press(.character("?"))
        let all = Renderer.render(state).text
        #expect(all.contains("Keys — any key closes this ") && !all.contains("? more") && all.contains("rate 0–5 stars (0 clears)"))
    }

    /// A state for each view and popup the size sweep visits.
    static let sweepStates: [AppState] = {
        var states: [AppState] = []
        for view in 1...7 {
            var state = ListenerFixture.inPlaylists(width: 80, height: 24, entries: ListenerFixture.entries([Fixture.songs[1], nil, Fixture.songs[2]]))
            _ = state.reduce(.historyLoaded(ListenerFixture.plays, now: ListenerFixture.now, timeZone: ListenerFixture.utc))
            RendererTests.playing(&state, Fixture.songs[3], at: 3)
            state.press(.character("f"))
            state.press(.character(Character(String(view))))
            states.append(state)
        }
        var rating = Self.liked(width: 80, height: 24)
        rating.press(.character("*"))
        var picker = ListenerFixture.inPlaylists(width: 80, height: 24)
        picker.press(.tab, .character("y"))
        var prompt = picker
        prompt.press(.character("G"), .enter)
        prompt.type("夜明け mix")
        var confirm = ListenerFixture.inPlaylists(width: 80, height: 24)
        confirm.press(.character("X"))
        var help = ListenerFixture.inPlaylists(width: 80, height: 24)
        help.press(.character("?"), .character("?"))
        var ascii = Self.liked(width: 80, height: 24)
        ascii.glyphs = .ascii
        return states + [rating, picker, prompt, confirm, help, ascii]
    }()

    @Test("sizes from 1×1 to 200×60 render every view and popup without a torn row", arguments: [Int](0..<10))
    func everySize(slice: Int) {
        for (index, width, height) in SizeSweep.slice(slice, of: 10) {
            var state = Self.sweepStates[index % Self.sweepStates.count]
            _ = state.reduce(.resized(width: width, height: height))
            let frame = Renderer.render(state)
            for y in 0..<height where TextWidth.columns(of: frame.line(y)) != width {
                Issue.record("\(width)×\(height), row \(y): \(frame.line(y))")
            }
            if width < 40 || height < 8 {
                #expect(frame.text.contains("Terminal too small") || width < 18, "\(width)×\(height)")
            }
        }
    }
}
