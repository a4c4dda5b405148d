import Foundation
import LibraryModel
import PlayerCore
import Testing
import TerminalUI

/// Suggestions and radio answers made of the fixture's songs, and snapshots of the player on the queue.
enum RadioFixture {
    static func pick(_ song: LibrarySong, _ reason: String) -> Suggestion {
        Suggestion(song: ListenerFixture.song(song), reason: reason, reasonKind: "popular")
    }

    /// For you: Paper Satellites, Blue Checksum, 夜明けの信号, each with its reason.
    static let forYou = [
        pick(Fixture.songs[2], "because you liked “First Light”"),
        pick(Fixture.songs[0], "popular in Jazz"),
        pick(Fixture.songs[3], "more Pop from 2025"),
    ]
    static let discover = [pick(Fixture.songs[3], "popular in Pop"), pick(Fixture.songs[0], "more by Otis Lambda Trio")]

    /// Songs the library has not loaded, as a radio may bring: r<first>… r<first + count - 1>.
    static func songs(_ count: Int, from first: Int = 0) -> [Suggestion] {
        (first..<first + count).map { index in
            Suggestion(
                song: Song(id: "r\(index)", title: "Radio Song \(index)", album: "Waves", artist: "Artist \(index % 3)", genre: "Rock",
                           year: 2020, file: "http://s/media/r\(index).mp3", image: nil, duration: 200),
                reason: "more Rock from 2020", reasonKind: "genre")
        }
    }

    /// The player playing the state's queue at `index`.
    static func snapshot(of state: AppState, at index: Int, count: Int? = nil) -> PlayerSnapshot {
        var snapshot = PlayerSnapshot()
        snapshot.status = .playing
        snapshot.track = state.queue[index].track
        snapshot.queueIndex = index
        snapshot.queueCount = count ?? state.queue.count
        snapshot.duration = state.queue[index].duration
        return snapshot
    }

    /// A radio from Blue Checksum on the air with four songs: blue, r0, r1, r2.
    static func onTheAir(width: Int = 80, height: Int = 24) -> AppState {
        var state = Fixture.state(width: width, height: height)
        state.press(.character("M"))
        _ = state.reduce(.radioAnswered(radio: 1, [pick(Fixture.songs[0], "where the radio starts")] + songs(3)))
        _ = state.reduce(.player(snapshot(of: state, at: 0)))
        return state
    }

    static func request(_ seed: RadioSeedSpec, played: [String] = []) -> RadioRequest {
        RadioRequest(seeds: [seed], played: played, limit: AppState.radioBatch)
    }
}

@Suite("View 8 (For you, Discover) and the radio")
struct RecommendationTests {
    static func lines(_ state: AppState) -> [String] { RendererTests.lines(Renderer.render(state)) }

    /// In view 8 with both lists loaded.
    static func inForYou(width: Int = 80, height: Int = 24) -> AppState {
        var state = Fixture.state(width: width, height: height)
        state.press(.character("8"))
        _ = state.reduce(.suggestionsLoaded(.forYou, RadioFixture.forYou))
        _ = state.reduce(.suggestionsLoaded(.discover, RadioFixture.discover))
        return state
    }

    // MARK: View 8

    @Test("8 opens For you and asks for both lists; loading, failed and empty each say so")
    func states() {
        var state = Fixture.state(width: 80, height: 24)
        #expect(state.press(.character("8")) == [.loadSuggestions(.forYou, limit: 50), .loadSuggestions(.discover, limit: 50)])
        #expect(state.view == .forYou && state.focus == 0)
        var lines = Self.lines(state)
        #expect(lines[0].contains(" 8 For you "), "in the tab bar: \(lines[0])")
        #expect(lines[1].hasPrefix(" For you  Discover   Tab: the other"), "\(lines[1])")
        #expect(lines[2] == " Finding songs for you…")
        _ = state.reduce(.suggestionsFailed(.forYou, reason: "http://s answered HTTP 503"))
        lines = Self.lines(state)
        #expect(lines[2] == " Could not load the suggestions: http://s answered HTTP 503 — 8 asks again")
        #expect(Renderer.render(state)[1, 2].style == .error)
        _ = state.reduce(.suggestionsLoaded(.forYou, []))
        #expect(Self.lines(state)[2] == " Nothing to suggest yet: play, like and rate songs, then press 8 again.")
        state.press(.tab)
        #expect(Self.lines(state)[2] == " Finding songs you have never played…", "Discover is still on its way")
        _ = state.reduce(.suggestionsLoaded(.discover, []))
        #expect(Self.lines(state)[2] == " You have played every song: nothing new to discover.")
    }

    @Test("each row is the song as other lists show it, with its reason beside it in dim")
    func rowsWithReasons() {
        var state = Self.inForYou()
        RendererTests.playing(&state, Fixture.songs[0], at: 3)
        let frame = Renderer.render(state)
        let lines = RendererTests.lines(frame)
        #expect(Array(lines[1...4]) == [
            " For you (3)  Discover (2)   Tab: the other",
            "   Paper Satellites        The Null Sinks   because you liked “First Lig…  3:19",
            "▶  Blue Checksum           Otis Lambda Trio popular in Jazz                0:23",
            "   夜明けの信号            Daemon Drift     more Pop from 2025             0:23",
        ])
        #expect(frame[0, 1].style == .selected && frame[15, 1].style == .heading, "the list shown is the highlighted name")
        #expect(frame[50, 2].style == .selected, "on the cursor's row the reason is in the cursor's bar")
        #expect(frame[50, 3].style == .dim && frame[5, 3].style == .playing, "elsewhere dim, beside the song's own style")
        state.press(.tab)
        let discover = Self.lines(state)
        #expect(discover[2].hasPrefix("   夜明けの信号") && discover[2].contains("popular in Pop"), "\(discover[2])")
        #expect(discover[3].contains("Blue Checksum") && discover[3].contains("more by Otis Lambda Trio"))
    }

    @Test("narrow windows keep the reason beside the title, and every row fits", arguments: [40, 49, 50, 59, 60, 80, 120])
    func narrow(width: Int) {
        let state = Self.inForYou(width: width, height: 10)
        let lines = Self.lines(state)
        #expect(lines[2].contains("Paper"), "\(lines)")
        #expect(lines[2].contains("because"), "the reason shows at \(width) columns: \(lines[2])")
        #expect(lines[2].hasSuffix("3:19"))
        #expect(lines.last?.contains("M radio") == true)
    }

    @Test("the tab bar, the lists and the radio's bar fit every size")
    func sweep() {
        var state = RadioFixture.onTheAir()
        state.press(.character("8"))
        _ = state.reduce(.suggestionsLoaded(.forYou, RadioFixture.forYou))
        for (width, height) in SizeSweep.sizes where width % 3 == 0 || height % 5 == 0 {
            _ = state.reduce(.resized(width: width, height: height))
            _ = RendererTests.lines(Renderer.render(state))
        }
    }

    @Test("Tab shows Discover, each list keeping its cursor; 8 again asks afresh and keeps what shows")
    func switching() {
        var state = Self.inForYou()
        state.press(.character("j"), .character("j"))
        state.press(.tab, .character("j"))
        #expect(state.suggestions.forYou.cursor.selected == 2 && state.suggestions.discover.cursor.selected == 1)
        state.press(.backTab)
        #expect(state.focus == 0 && state.suggestions.forYou.cursor.selected == 2)
        #expect(state.press(.character("8")) == [.loadSuggestions(.forYou, limit: 50), .loadSuggestions(.discover, limit: 50)])
        #expect(state.suggestions.forYou.load == .loaded, "no loading note over the list while it is asked again")
        #expect(Self.lines(state)[4].contains("夜明けの信号"))
    }

    @Test("Enter plays the shown list from the cursor; f, * and y work on the row")
    func playAndMark() {
        var state = Self.inForYou()
        state.press(.tab, .character("j"))
        #expect(state.press(.enter) == [.play([Fixture.songs[3], Fixture.songs[0]], index: 1)], "the library's copies")
        #expect(state.queue.map(\.id) == ["yoake", "blue"])
        #expect(state.press(.character("f")) == [.setLike(songID: "blue", liked: true)])
        #expect(Self.lines(state)[3].hasPrefix(" ♥ Blue Checksum"), "the heart shows at once")
        state.press(.character("*"))
        #expect(state.popup == .rating(songID: "blue", title: "Blue Checksum", choice: 0))
        state.press(.escape, .character("y"))
        #expect(state.popup == .playlistPicker(songIDs: ["blue"], title: "Blue Checksum", selected: 0))
    }

    @Test("when a list comes again, the cursor stays on its song, not its row")
    func cursorFollowsSong() {
        var state = Self.inForYou()
        state.press(.character("j"))
        #expect(state.suggestions.forYou.rows[state.suggestions.forYou.cursor.selected].song.id == "blue")
        let newer = [RadioFixture.pick(Fixture.songs[1], "popular in Rock")] + RadioFixture.forYou
        _ = state.reduce(.suggestionsLoaded(.forYou, newer))
        #expect(state.suggestions.forYou.cursor.selected == 2)
        #expect(state.suggestions.forYou.rows[2].song.id == "blue")
        _ = state.reduce(.suggestionsLoaded(.forYou, [RadioFixture.forYou[2]]))
        #expect(state.suggestions.forYou.cursor.selected == 0, "a song gone: the cursor stays inside the list")
    }

    // MARK: Starting a radio

    enum Place: String, CaseIterable, Sendable {
        case songs, genre, artist, album, albumSong, queue, search, playlist, playlistSong, history, forYou
    }

    /// `M` on each kind of thing under the cursor, and the seed and name it starts from.
    @Test("M starts a radio from what is under the cursor", arguments: Place.allCases)
    func seeds(place: Place) throws {
        var state = Fixture.state(width: 80, height: 24)
        let expected: (RadioSeedSpec, String)
        switch place {
        case .songs:
            state.press(.character("j"))
            expected = (.song("first"), "First Light")
        case .genre:
            state.press(.character("2"))
            let genre = try #require(state.library.genres.first)
            expected = (.genre(genre.name), genre.name)
        case .artist:
            state.press(.character("3"), .character("j"))
            let artist = state.library.artists[1].name
            expected = (.artist(artist), artist)
        case .album:
            state.press(.character("3"), .tab)
            let artist = try #require(state.library.artists.first)
            let album = try #require(artist.albums.first)
            expected = (.album(album.name, by: artist.name), album.name)
        case .albumSong:
            state.press(.character("3"), .tab, .tab)
            let artist = try #require(state.library.artists.first)
            let song = state.library.songs[try #require(artist.albums.first?.songs.first)]
            expected = (.song(song.id), song.title)
        case .queue:
            state.press(.enter, .character("4"), .character("j"), .character("j"))
            expected = (.song("paper"), "Paper Satellites")
        case .search:
            state.press(.character("/"))
            state.type("paper")
            state.press(.enter)
            expected = (.song("paper"), "Paper Satellites")
        case .playlist:
            state = ListenerFixture.inPlaylists(height: 24)
            expected = (.playlist("p1"), "Road trip")
        case .playlistSong:
            state = ListenerFixture.inPlaylists(height: 24)
            state.press(.tab, .character("j"))
            expected = (.song("blue"), "Blue Checksum")
        case .history:
            state.press(.character("7"))
            _ = state.reduce(.historyLoaded(ListenerFixture.plays, now: ListenerFixture.now, timeZone: ListenerFixture.utc))
            expected = (.song("paper"), "Paper Satellites")
        case .forYou:
            state = Self.inForYou()
            state.press(.tab)
            expected = (.song("yoake"), "夜明けの信号")
        }
        #expect(state.press(.character("M")) == [.askRadio(RadioFixture.request(expected.0), radio: 1)])
        #expect(state.radio?.seed == expected.0 && state.radio?.name == expected.1)
        #expect(state.message?.text == "Tuning in a radio from “\(expected.1)”…")
    }

    @Test("M where there is nothing to start from says so and asks nothing")
    func nothingUnderCursor() {
        var state = Fixture.state()
        state.press(.character("4"))
        #expect(state.press(.character("M")).isEmpty)
        #expect(state.radio == nil && state.message?.isError == true)
    }

    @Test("the radio's first songs replace the queue and play; the bar says radio: NAME")
    func firstSongs() {
        var state = Fixture.state(width: 80, height: 24)
        state.press(.enter)
        state.press(.character("j"), .character("M"))
        #expect(state.queue.count == 4, "the queue plays on until the radio answers")
        #expect(!Self.lines(state).joined().contains("radio:"))
        let answer = [RadioFixture.pick(Fixture.songs[1], "where the radio starts")] + RadioFixture.songs(3)
        let effects = state.reduce(.radioAnswered(radio: 1, answer))
        #expect(effects == [.play([Fixture.songs[1]] + answer.dropFirst().map { LibrarySong($0.song) }, index: 0)])
        #expect(state.queue.map(\.id) == ["first", "r0", "r1", "r2"])
        #expect(state.radio?.station == ["first", "r0", "r1", "r2"] && state.radio?.refill == .idle)
        _ = state.reduce(.player(RadioFixture.snapshot(of: state, at: 0)))
        let lines = Self.lines(state)
        #expect(lines[22].contains(" 0:00 / 0:20 radio: First Light "), "\(lines[22])")
        state.press(.character("4"))
        #expect(Self.lines(state)[1] == "Queue (4) · radio: First Light")
    }

    @Test("a radio that finds nothing, or fails to start, ends with the reason; the queue stays")
    func failedStart() {
        var state = Fixture.state()
        state.press(.enter, .character("M"))
        #expect(state.reduce(.radioAnswered(radio: 1, [])).isEmpty)
        #expect(state.radio == nil && state.message == StatusMessage("The radio found nothing to play from “Blue Checksum”", isError: true))
        state.press(.character("M"))
        #expect(state.reduce(.radioFailed(radio: 2, reason: "http://s answered HTTP 404: no song with id “blue”")).isEmpty)
        #expect(state.radio == nil)
        #expect(state.message?.text == "Could not start the radio from “Blue Checksum”: http://s answered HTTP 404: no song with id “blue”")
        #expect(state.queue.count == 4)
    }

    // MARK: Refilling

    @Test("when two songs are left it asks for more, with every song it queued as played, one request at a time")
    func refill() {
        var state = RadioFixture.onTheAir()
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 0))).isEmpty, "three left")
        let asked = state.reduce(.player(RadioFixture.snapshot(of: state, at: 1)))
        #expect(asked == [.askRadio(RadioFixture.request(.song("blue"), played: ["blue", "r0", "r1", "r2"]), radio: 1)])
        #expect(state.radio?.refill == .asking)
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 2))).isEmpty, "one request in flight at a time")
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 3))).isEmpty)
        state.press(.character("4"))
        #expect(Self.lines(state)[1] == "Queue (4) · radio: Blue Checksum · asking for more…")

        let more = RadioFixture.songs(4, from: 3)
        #expect(state.reduce(.radioAnswered(radio: 1, more)) == [.append(more.map { LibrarySong($0.song) })])
        #expect(state.queue.map(\.id) == ["blue", "r0", "r1", "r2", "r3", "r4", "r5", "r6"])
        let lines = Self.lines(state)
        #expect(lines[1] == "Queue (8) · radio: Blue Checksum")
        #expect(lines[9].hasPrefix("   Radio Song 6"), "the new rows show: \(lines)")
        // The player has not taken the new songs yet: its snapshot is of the shorter queue.
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 3, count: 4))).isEmpty)
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 4))).isEmpty, "three left again")
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 5))) == [
            .askRadio(RadioFixture.request(.song("blue"), played: ["blue", "r0", "r1", "r2", "r3", "r4", "r5", "r6"]), radio: 1),
        ])
    }

    @Test("the queue view's cursor stays on its song as the radio's rows arrive")
    func queueCursorStays() {
        var state = RadioFixture.onTheAir(height: 8)
        state.press(.character("4"), .character("j"), .character("j"))
        _ = state.reduce(.player(RadioFixture.snapshot(of: state, at: 1)))
        _ = state.reduce(.radioAnswered(radio: 1, RadioFixture.songs(4, from: 3)))
        #expect(state.queue[state.queueCursor.selected].id == "r1")
    }

    @Test("a snapshot of the queue before the radio's sets off no refill")
    func staleSnapshot() {
        var state = Fixture.state()
        state.press(.enter)
        var old = PlayerSnapshot()
        old.status = .playing
        old.track = Fixture.songs[3].track
        old.queueIndex = 3
        old.queueCount = 4
        _ = state.reduce(.player(old))
        state.press(.character("M"))
        let answer = [RadioFixture.pick(Fixture.songs[0], "where the radio starts")] + RadioFixture.songs(3)
        #expect(state.reduce(.radioAnswered(radio: 1, answer)).count == 1, "play, and no refill for the old queue's last song")
        #expect(state.reduce(.player(old)).isEmpty)
        #expect(state.radio?.refill == .idle)
    }

    @Test("a failed refill says so and asks again after a wait; the retry is one request too")
    func failedRefill() {
        var state = RadioFixture.onTheAir()
        _ = state.reduce(.player(RadioFixture.snapshot(of: state, at: 1)))
        #expect(state.reduce(.radioFailed(radio: 1, reason: "no TermPlayer service answers at http://s")) == [.retryRadio(after: .seconds(5), radio: 1)])
        #expect(state.message == StatusMessage("The radio could not get more songs: no TermPlayer service answers at http://s — trying again in 5 s", isError: true))
        #expect(state.radio?.refill == .waitingToRetry)
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 2))).isEmpty, "not before the wait is over")
        #expect(state.reduce(.radioRetryDue(radio: 1)) == [.askRadio(RadioFixture.request(.song("blue"), played: ["blue", "r0", "r1", "r2"]), radio: 1)])
        #expect(state.reduce(.radioRetryDue(radio: 1)).isEmpty, "a second wake-up asks nothing more")
    }

    @Test("a radio that ran dry waiting for songs plays them when they come")
    func ranDry() {
        var state = RadioFixture.onTheAir()
        _ = state.reduce(.player(RadioFixture.snapshot(of: state, at: 1)))
        _ = state.reduce(.radioFailed(radio: 1, reason: "timed out"))
        var stopped = PlayerSnapshot()
        stopped.queueCount = 4
        _ = state.reduce(.player(stopped))
        _ = state.reduce(.playerEvent(.queueFinished))
        #expect(state.reduce(.radioRetryDue(radio: 1)).count == 1, "asks again with nothing playing")
        let more = RadioFixture.songs(4, from: 3)
        #expect(state.reduce(.radioAnswered(radio: 1, more)) == [.play(state.queue, index: 4)])
    }

    @Test("the service having no more ends the radio with its queue")
    func exhausted() {
        var state = RadioFixture.onTheAir()
        _ = state.reduce(.player(RadioFixture.snapshot(of: state, at: 1)))
        #expect(state.reduce(.radioAnswered(radio: 1, [])).isEmpty)
        #expect(state.radio?.refill == .exhausted)
        #expect(state.reduce(.player(RadioFixture.snapshot(of: state, at: 3))).isEmpty, "asks no more")
    }

    @Test("played is every song the radio queued, the latest 5000 at most")
    func playedIsBounded() {
        var state = RadioFixture.onTheAir()
        var next = 3
        for _ in 0..<6 {
            _ = state.reduce(.player(RadioFixture.snapshot(of: state, at: state.queue.count - 1)))
            _ = state.reduce(.radioAnswered(radio: 1, RadioFixture.songs(1000, from: next)))
            next += 1000
        }
        #expect(state.queue.count == 6004)
        let effects = state.reduce(.player(RadioFixture.snapshot(of: state, at: state.queue.count - 1)))
        guard case .askRadio(let request, _)? = effects.first else {
            Issue.record("no refill: \(effects)")
            return
        }
        #expect(request.played?.count == 5000)
        #expect(request.played?.first == "r1003" && request.played?.last == "r6002")
    }

    @Test("Enter on another list ends the radio; M again replaces it; answers for an old radio are dropped")
    func endAndReplace() {
        var state = RadioFixture.onTheAir()
        state.press(.character("4"), .character("j"))
        #expect(state.press(.enter) == [.play(state.queue, index: 1)])
        #expect(state.radio != nil, "Enter in the queue moves within the radio")
        state.press(.character("1"), .character("j"), .character("M"))
        #expect(state.radio?.number == 2 && state.radio?.name == "First Light")
        #expect(state.reduce(.radioAnswered(radio: 1, RadioFixture.songs(4, from: 10))).isEmpty, "radio 1's late answer")
        #expect(state.queue.first?.id == "blue")
        state.press(.enter)
        #expect(state.radio == nil && state.message?.text == "Radio from “First Light” off")
        #expect(state.reduce(.radioAnswered(radio: 2, RadioFixture.songs(4))).isEmpty)
        #expect(state.queue.map(\.id) == ["blue", "first", "paper", "yoake"])
        let lines = Self.lines(state)
        #expect(!lines.joined().contains("radio:"))
    }

    // MARK: Help

    @Test("the help overlay and the hints list 8 and M")
    func help() {
        #expect(Keymap.standard.keys(for: .forYouView) == ["8"])
        #expect(Keymap.standard.keys(for: .startRadio) == ["M"])
        var state = Fixture.state(width: 120, height: 40)
        #expect(Self.lines(state).last == "? help · 1-8 views · / search · Enter play · M radio · Space pause · q quit")
        state.press(.character("?"))
        let text = Self.lines(state).joined(separator: "\n")
        #expect(text.contains("8") && text.contains("for you and discover"), "\(text)")
        #expect(text.contains("M") && text.contains("radio from the song"), "\(text)")
    }
}
