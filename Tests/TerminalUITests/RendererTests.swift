import PlayerCore
import Testing
import TerminalUI

@Suite("Rendering to text frames")
struct RendererTests {
    static func playing(_ state: inout AppState, _ song: LibrarySong, at position: Double, status: PlaybackStatus = .playing) {
        var snapshot = PlayerSnapshot()
        snapshot.status = status
        snapshot.track = song.track
        snapshot.position = position
        snapshot.duration = song.duration
        _ = state.reduce(.player(snapshot))
    }

    /// The frame's rows without trailing spaces, after checking each is exactly as wide as the frame.
    static func lines(_ frame: Frame) -> [String] {
        (0..<frame.height).map { y in
            let line = frame.line(y)
            #expect(TextWidth.columns(of: line) == frame.width, "row \(y) is \(TextWidth.columns(of: line)) columns: \(line)")
            return String(line.reversed().drop { $0 == " " }.reversed())
        }
    }

    @Test("the songs view, with the playing song marked and the now-playing bar")
    func songsView() {
        var state = Fixture.state(width: 72, height: 10)
        Self.playing(&state, Fixture.songs[2], at: 99.5)
        let frame = Renderer.render(state)
        #expect(Self.lines(frame) == [
            " 1 Songs  2  3  4  5  6  7  8                        4 songs · http://s",
            "Songs by title",
            "   Blue Checksum          Otis Lambda Trio After Hours       2021  0:23",
            "   First Light            The Null Sinks   Loopback Sessions 2024  0:20",
            "▶  Paper Satellites       The Null Sinks   Loopback Sessions 2024  3:19",
            "   夜明けの信号           Daemon Drift     Low Orbit         2025  0:23",
            "",
            " ▶ Paper Satellites — The Null Sinks · Loopback Sessions",
            " 1:39 / 3:19 ━━━━━━━━━━━━━─────────────  vol 100%  in order  repeat off",
            "? help · 1-8 views · / search · Enter play · M radio · q quit",
        ])
        #expect(frame[0, 2].style == .selected, "the cursor's row")
        #expect(frame[0, 4].style == .playing, "the playing song")
        #expect(frame[13, 8].style == .progress && frame[27, 8].style == .bar, "half the bar filled at 1:39 of 3:19")
    }

    @Test("the genres view, narrow: a CJK title is cut at a whole character, with an ellipsis")
    func genresView() {
        var state = Fixture.state(width: 42, height: 9)
        state.press(.character("2"), .character("j"), .character("j"), .character("l"))
        Self.playing(&state, Fixture.songs[3], at: 3, status: .paused)
        let frame = Renderer.render(state)
        #expect(Self.lines(frame) == [
            " 1  2 Genres  3  4  5  6  7  8  4 songs ·…",
            "Genres        │Pop",
            " Rock (2)     │▶  夜明けの… Daemon…  0:23",
            " Indie (0)    │",
            " Pop (1)      │",
            " Jazz (1)     │",
            " ‖ 夜明けの信号 — Daemon Drift · Low Orbit",
            " 0:03 / 0:23 ━━────────────────  vol 100%",
            "? help · 1-8 views · / search · Enter pla…",
        ])
        #expect(frame[1, 4].style == .selectedDimmed, "the genre cursor, its pane not focused")
        #expect(frame[15, 2].style == .selected, "the song cursor, focused")
    }

    @Test("any size renders without tearing; below 40×8 it says the terminal is too small")
    func everySize() {
        for width in 1...90 {
            for height in 1...16 {
                var state = Fixture.state(width: width, height: height)
                state.press(.character(["1", "2", "3", "4", "5"][(width + height) % 5]))
                if height % 3 == 0 { state.press(.character("?")) }
                let frame = Renderer.render(state)
                for y in 0..<height {
                    #expect(TextWidth.columns(of: frame.line(y)) == width)
                }
                if width < 40 || height < 8 {
                    #expect(frame.text.contains("Terminal too small") || width < 18, "\(width)×\(height)")
                }
            }
        }
    }

    @Test("the help overlay lists commands with their keys, rebound ones included")
    func help() throws {
        var state = AppState(width: 80, height: 24, serverName: "s", keymap: try Keymap.reading("x quit"))
        state.press(.character("?"))
        let text = Renderer.render(state).text
        #expect(text.contains("Keys — any key closes this"))
        #expect(text.contains("q x ctrl-c") && text.contains("quit"))
        #expect(text.contains("j down") && text.contains("move down"))
    }

    @Test("a long error wraps onto up to three status lines, and the list gives way")
    func longError() {
        var state = Fixture.state(width: 44, height: 12)
        let advice = "PulseAudio is not reachable (Connection refused). Start it with `pulseaudio --start`, or set PULSE_SERVER to a running server; over SSH, forward one with ssh -R."
        _ = state.reduce(.playerEvent(.outputFailed(.output(reason: advice))))
        #expect(state.statusRows == 3 && state.listRows == 5)
        let lines = Self.lines(Renderer.render(state))
        #expect(lines[9] == "PulseAudio is not reachable (Connection")
        #expect(lines[10] == "refused). Start it with `pulseaudio")
        #expect(lines[11] == "--start`, or set PULSE_SERVER to a running …")
        #expect(lines[7].hasPrefix(" ■ nothing playing"), "the now-playing bar moves up")
        #expect(TextWidth.wrap("a verylongwordthatdoesnotfit b", to: 8) == ["a", "verylong", "wordthat", "doesnotf", "it b"])
    }

    @Test("loading, offline and empty libraries each say so")
    func emptyStates() {
        var state = AppState(width: 80, height: 12, serverName: "http://s")
        #expect(Renderer.render(state).text.contains("Loading the library…"))
        _ = state.reduce(.libraryFailed("http://s is unreachable"))
        let offline = Renderer.render(state).text
        #expect(offline.contains("offline · http://s") && offline.contains("Cannot reach the library: http://s is unreachable"))
        _ = state.reduce(.libraryLoaded(.empty))
        _ = state.reduce(.libraryIsEmptyAndLocal)
        #expect(Renderer.render(state).text.contains("The library is empty. Press D to add the demo songs."))
    }
}
