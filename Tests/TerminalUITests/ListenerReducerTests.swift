import Foundation
import LibraryModel
import PlayerCore
import Testing
import TerminalUI

@Suite("The reducer: likes, ratings, playlists, history")
struct ListenerReducerTests {
    static func playing(_ state: inout AppState, _ song: LibrarySong) {
        var snapshot = PlayerSnapshot()
        snapshot.status = .playing
        snapshot.track = song.track
        snapshot.duration = song.duration
        _ = state.reduce(.player(snapshot))
    }

    // MARK: Marks on songs

    @Test("songs decode the listener's marks, and an older server's songs without them")
    func decoding() throws {
        let old = #"[{"id":"a","title":"A","file":"http://s/a.mp3"}]"#
        let new = #"[{"id":"b","title":"B","file":"http://s/b.mp3","liked":true,"rating":4,"plays":12,"lastPlayed":"2026-12-01T21:15:38Z"},{"id":"c","title":"C","file":"f","rating":9,"plays":-3}]"#
        let plain = try JSONDecoder().decode([LibrarySong].self, from: Data(old.utf8))
        #expect(plain[0].liked == false && plain[0].rating == 0 && plain[0].plays == 0 && plain[0].lastPlayed == nil)
        let marked = try JSONDecoder().decode([LibrarySong].self, from: Data(new.utf8))
        #expect(marked[0].liked && marked[0].rating == 4 && marked[0].plays == 12 && marked[0].lastPlayed == "2026-12-01T21:15:38Z")
        #expect(marked[1].rating == 5 && marked[1].plays == 0, "marks are kept within what they can mean")
        #expect(MemoryLayout<LibrarySong>.stride <= 144, "the marks cost a 100,000-song library at most 1.6 MB")
    }

    @Test("a mark changes in place, found by id; the indexes stay as they were")
    func marksInPlace() {
        var library = Fixture.many(1000)
        let orders = SongSort.allCases.map { library.order($0) }
        #expect(library.index(ofSongID: "s500") == 500)
        let found = library.setMarks(ofSongID: "s500", liked: true, rating: 4)
        #expect(found && library.songs[500].liked && library.songs[500].rating == 4)
        let missing = library.setMarks(ofSongID: "nope", liked: true)
        #expect(!missing)
        #expect(SongSort.allCases.map { library.order($0) } == orders)
        #expect(library.search("song 100500") == [500])
        let twice = Library(songs: [Fixture.songs[0], Fixture.songs[0]], genreNames: [])
        #expect(twice.index(ofSongID: "blue") == 0, "a duplicate id keeps its first song")
    }

    @Test("f likes the song under the cursor in a list of songs, and unlikes it again")
    func likeFromList() {
        var state = Fixture.state()
        state.press(.character("j"))
        #expect(state.press(.character("f")) == [.setLike(songID: "first", liked: true)])
        #expect(state.library.song(withID: "first")?.liked == true, "shown at once")
        #expect(state.message?.text == "♥ Liked “First Light”")
        _ = state.reduce(.markSaved(songID: "first", .liked(true)))
        #expect(state.press(.character("f")) == [.setLike(songID: "first", liked: false)])
        #expect(state.library.song(withID: "first")?.liked == false)
    }

    @Test("F likes the playing song; f does too where the focused pane is not a list of songs")
    func likeFromBar() {
        var state = Fixture.state()
        Self.playing(&state, Fixture.songs[2])
        #expect(state.press(.character("F")) == [.setLike(songID: "paper", liked: true)])
        #expect(state.library.song(withID: "paper")?.liked == true)
        state.press(.character("2"))
        #expect(state.focus == 0, "the genres pane")
        #expect(state.press(.character("f")) == [.setLike(songID: "paper", liked: false)])
        state = Fixture.state()
        #expect(state.press(.character("F")).isEmpty && state.message?.text == "Nothing is playing")
    }

    @Test("a like the service refuses goes back, and the status line says why")
    func likeFails() {
        var state = Fixture.state()
        state.press(.character("f"))
        #expect(state.library.song(withID: "blue")?.liked == true)
        _ = state.reduce(.markFailed(songID: "blue", .liked(true), reason: "http://s answered HTTP 401: log in first"))
        #expect(state.library.song(withID: "blue")?.liked == false)
        #expect(state.message == StatusMessage("Could not like “Blue Checksum”: http://s answered HTTP 401: log in first", isError: true))
    }

    @Test("with two changes on their way, a failed first one leaves the second's; then what was saved shows")
    func marksInFlight() {
        var state = Fixture.state()
        state.press(.character("f"), .character("f"))
        #expect(state.library.song(withID: "blue")?.liked == false, "liked, then unliked")
        _ = state.reduce(.markFailed(songID: "blue", .liked(true), reason: "timeout"))
        #expect(state.library.song(withID: "blue")?.liked == false)
        _ = state.reduce(.markSaved(songID: "blue", .liked(false)))
        #expect(state.library.song(withID: "blue")?.liked == false)
        state.press(.character("f"), .character("f"))
        _ = state.reduce(.markSaved(songID: "blue", .liked(true)))
        _ = state.reduce(.markFailed(songID: "blue", .liked(false), reason: "timeout"))
        #expect(state.library.song(withID: "blue")?.liked == true, "the unlike never arrived: the saved like shows")
    }

    // MARK: Ratings

    @Test("* opens the rating popup; a digit rates, and digits there do not switch views")
    func ratingDigits() {
        var state = Fixture.state()
        state.press(.character("j"), .character("*"))
        #expect(state.popup == .rating(songID: "first", title: "First Light", choice: 0))
        #expect(state.press(.character("6")).isEmpty && state.view == .songs, "not a rating, not a view")
        #expect(state.press(.character("4")) == [.setRating(songID: "first", rating: 4)])
        #expect(state.popup == nil && state.view == .songs)
        #expect(state.library.song(withID: "first")?.rating == 4)
        #expect(state.message?.text == "★★★★☆ “First Light”")
        state.press(.character("*"))
        #expect(state.popup == .rating(songID: "first", title: "First Light", choice: 4), "starts on the song's rating")
        #expect(state.press(.character("0")) == [.setRating(songID: "first", rating: 0)], "0 clears")
        #expect(state.library.song(withID: "first")?.rating == 0)
    }

    @Test("in the rating popup j, k and arrows move, Enter rates, Esc leaves the rating as it was")
    func ratingKeys() {
        var state = Fixture.state()
        _ = state.reduce(.libraryLoaded(Library(songs: Fixture.songs.map { var song = $0; song.rating = 3; return song }, genreNames: [])))
        state.press(.character("*"), .character("k"), .up, .up)
        #expect(state.popup == .rating(songID: "blue", title: "Blue Checksum", choice: 5), "no higher than 5")
        state.press(.character("j"), .down)
        #expect(state.press(.enter).isEmpty, "3 again changes nothing")
        #expect(state.message?.text == "“Blue Checksum” keeps its rating")
        state.press(.character("*"), .character("j"))
        #expect(state.press(.escape).isEmpty && state.popup == nil)
        #expect(state.library.song(withID: "blue")?.rating == 3)
        state.press(.character("*"), .character("j"), .character("j"))
        #expect(state.press(.enter) == [.setRating(songID: "blue", rating: 1)])
        _ = state.reduce(.markFailed(songID: "blue", .rating(1), reason: "offline"))
        #expect(state.library.song(withID: "blue")?.rating == 3, "a refused rating goes back")
    }

    // MARK: The playlist picker and saving the queue

    @Test("y asks for the playlists, then adds the song to one of the listener's own, with its version")
    func pickerAdds() {
        var state = Fixture.state()
        state.press(.character("j"), .character("j"))
        #expect(state.press(.character("y")) == [.loadPlaylists])
        #expect(state.popup == .playlistPicker(songIDs: ["paper"], title: "Paper Satellites", selected: 0))
        _ = state.reduce(.playlistsLoaded(ListenerFixture.summaries, listener: "me"))
        #expect(state.listener.ownPlaylists.map(\.name) == ["Road trip", "Focus"], "not Alice's, not the smart lists")
        state.press(.character("j"))
        #expect(state.press(.enter) == [.addToPlaylist(id: "p2", songIDs: ["paper"], version: 1)])
        #expect(state.popup == nil && state.message?.text == "Added “Paper Satellites” to “Focus”")
        let focus = state.listener.playlists.first { $0.id == "p2" }
        #expect(focus?.version == 2 && focus?.songCount == 1, "the local copy counts the edit")
        #expect(state.press(.character("y")).isEmpty, "already listed: not asked again")
        state.press(.character("j"))
        #expect(state.press(.enter) == [.addToPlaylist(id: "p2", songIDs: ["paper"], version: 2)])
    }

    @Test("the picker's New playlist… asks for a name and creates it with the song")
    func pickerCreates() {
        var state = Fixture.state()
        _ = state.reduce(.playlistsLoaded(ListenerFixture.summaries, listener: "me"))
        state.press(.character("y"), .character("G"))
        #expect(state.popup == .playlistPicker(songIDs: ["blue"], title: "Blue Checksum", selected: 2))
        state.press(.enter)
        #expect(state.popup == .prompt(Prompt(purpose: .newPlaylist(songIDs: ["blue"]), title: "New playlist with “Blue Checksum”")))
        state.type("Late night 2")
        #expect(state.view == .songs, "digits typed into a name stay in it")
        #expect(state.press(.enter) == [.createPlaylist(name: "Late night 2", songIDs: ["blue"])])
        let created = ListenerFixture.summary("p9", "Late night 2", songs: 1)
        _ = state.reduce(.playlistCreated(created))
        #expect(state.listener.ownPlaylists.map(\.name) == ["Road trip", "Focus", "Late night 2"])
        #expect(state.message?.text == "Created “Late night 2” (1 song)")
    }

    @Test("S saves the queue as a new playlist, after asking for a name that is not empty")
    func saveQueue() {
        var state = Fixture.state()
        #expect(state.press(.character("S")).isEmpty && state.popup == nil, "nothing to save")
        state.press(.character("j"), .enter)
        state.press(.character("S"))
        #expect(state.popup == .prompt(Prompt(purpose: .newPlaylist(songIDs: ["blue", "first", "paper", "yoake"]), title: "Save the queue (4 songs) as")))
        state.type("   ")
        #expect(state.press(.enter).isEmpty && state.message == StatusMessage("A playlist needs a name", isError: true))
        state.press(.control("u"))
        state.type(" Sunday ")
        #expect(state.press(.enter) == [.createPlaylist(name: "Sunday", songIDs: ["blue", "first", "paper", "yoake"])])
        _ = state.reduce(.playlistCreateFailed(name: "Sunday", reason: "http://s answered HTTP 500"))
        #expect(state.message == StatusMessage("Could not create “Sunday”: http://s answered HTTP 500", isError: true))
    }

    @Test("names stop at the listeners' limit; Esc closes a prompt without a trace")
    func nameLimit() {
        var state = Fixture.state()
        state.press(.character("j"), .enter, .character("S"))
        state.type(String(repeating: "a", count: ListenerLimits.nameLength + 5))
        guard case .prompt(let prompt) = state.popup else {
            Issue.record("no prompt")
            return
        }
        #expect(prompt.text.count == ListenerLimits.nameLength)
        #expect(state.message?.text == "Names are at most 200 characters")
        #expect(state.press(.escape).isEmpty && state.popup == nil)
    }

    // MARK: View 6

    @Test("entering view 6 asks for the playlists and the selected one; moving asks for the next")
    func enteringPlaylists() {
        var state = Fixture.state()
        #expect(state.press(.character("6")) == [.loadPlaylists, .loadPlaylist(id: "liked")])
        #expect(state.listener.openPlaylist == OpenPlaylist(id: "liked"), "loading…")
        #expect(state.reduce(.playlistsLoaded(ListenerFixture.summaries, listener: "me")).isEmpty)
        #expect(state.listener.playlists.map(\.name) == SmartPlaylist.allCases.map(\.title) + ["Road trip", "Focus", "Alice's mix"])
        #expect(state.press(.character("j")) == [.loadPlaylist(id: "recently-added")])
        #expect(state.press(.character("k"), .character("k")) == [.loadPlaylist(id: "liked")], "no move, no request")
        state.press(.character("1"))
        #expect(state.press(.character("6")) == [.loadPlaylists, .loadPlaylist(id: "liked")], "asked again on every visit")
    }

    @Test("Enter plays the playlist from the cursor, leaving out songs gone from the library")
    func playSkipsUnavailable() {
        let entries = ListenerFixture.entries([Fixture.songs[0], nil, Fixture.songs[2], nil])
        var state = ListenerFixture.inPlaylists(entries: entries)
        #expect(state.press(.enter).isEmpty && state.focus == 1, "Enter on a playlist steps into it")
        state.press(.character("j"), .character("j"))
        #expect(state.press(.enter) == [.play([Fixture.songs[0], Fixture.songs[2]], index: 1)])
        #expect(state.queue == [Fixture.songs[0], Fixture.songs[2]])
        state.press(.character("k"))
        #expect(state.press(.enter) == [.play([Fixture.songs[0], Fixture.songs[2]], index: 1)], "an unavailable row plays from the next song")
        state.press(.character("G"))
        #expect(state.press(.enter).isEmpty && state.message?.text == "No song from here on is in the library any more")
        #expect(state.press(.character("f")).isEmpty && state.message?.text == "That song is no longer in the library")
    }

    @Test("N, R and X make, rename and (after asking) delete the listener's playlist")
    func playlistKeys() {
        var state = ListenerFixture.inPlaylists()
        state.press(.character("N"))
        #expect(state.popup == .prompt(Prompt(purpose: .newPlaylist(songIDs: []), title: "New playlist")))
        state.type("Empty one")
        #expect(state.press(.enter) == [.createPlaylist(name: "Empty one", songIDs: [])])
        let created = ListenerFixture.summary("p7", "Empty one")
        #expect(state.reduce(.playlistCreated(created)) == [.loadPlaylist(id: "p7")], "in view 6 the new one is opened")
        #expect(state.listener.selectedPlaylist?.id == "p7")
        state.press(.character("k"), .character("k"))
        #expect(state.listener.selectedPlaylist?.id == "p1")
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: ListenerFixture.roadTrip, entries: ListenerFixture.roadTripEntries)))

        state.press(.character("R"))
        #expect(state.popup == .prompt(Prompt(purpose: .rename(playlistID: "p1"), title: "Rename “Road trip”", text: "Road trip")))
        state.press(.backspace, .backspace, .backspace, .backspace)
        state.type("tour")
        #expect(state.press(.enter) == [.renamePlaylist(id: "p1", name: "Road tour", version: 4)])
        #expect(state.listener.selectedPlaylist?.name == "Road tour" && state.listener.selectedPlaylist?.version == 5)

        state.press(.character("X"))
        #expect(state.popup == .confirmDelete(playlistID: "p1", name: "Road tour"))
        #expect(state.press(.character("n")).isEmpty && state.popup == nil && state.listener.selectedPlaylist?.id == "p1", "kept")
        state.press(.character("X"))
        #expect(state.press(.character("y")) == [.deletePlaylist(id: "p1"), .loadPlaylist(id: "p2")])
        #expect(!state.listener.playlists.contains { $0.id == "p1" } && state.listener.selectedPlaylist?.id == "p2")
        _ = state.reduce(.playlistDeleted(id: "p1"))
        #expect(!state.listener.playlists.contains { $0.id == "p1" })
    }

    @Test("a refused delete puts the playlist back where it was")
    func deleteFails() {
        var state = ListenerFixture.inPlaylists()
        state.press(.character("X"), .character("y"))
        #expect(state.reduce(.playlistEditFailed(id: "p1", reason: "http://s answered HTTP 403")) == [.loadPlaylist(id: "p1")])
        #expect(state.listener.playlists.map(\.id) == SmartPlaylist.allCases.map(\.rawValue) + ["p1", "p2", "p3"])
        #expect(state.listener.selectedPlaylist?.id == "p2", "the cursor stays where it went")
        #expect(state.message == StatusMessage("“Road trip” was not deleted: http://s answered HTTP 403", isError: true))
    }

    @Test("x removes the song under the cursor, J and K move it with the cursor, each edit one version on")
    func entryKeys() {
        var state = ListenerFixture.inPlaylists()
        #expect(state.press(.character("x")).isEmpty && state.message?.text == "Tab to the songs of “Road trip” to change them")
        state.press(.tab)
        #expect(state.press(.character("J")) == [.movePlaylistEntry(id: "p1", from: 1, to: 2, version: 4)])
        #expect(state.listener.openPlaylist?.entries?.map(\.songId) == ["blue", "first", "paper"])
        #expect(state.listener.entryCursor.selected == 1, "the cursor moves with the song")
        #expect(state.press(.character("J")) == [.movePlaylistEntry(id: "p1", from: 2, to: 3, version: 5)])
        #expect(state.press(.character("J")).isEmpty, "already last")
        #expect(state.press(.character("K")) == [.movePlaylistEntry(id: "p1", from: 3, to: 2, version: 6)])
        #expect(state.listener.entryCursor.selected == 1)
        #expect(state.press(.character("x")) == [.removeFromPlaylist(id: "p1", positions: [2], version: 7)])
        #expect(state.listener.openPlaylist?.entries?.map(\.songId) == ["blue", "paper"])
        #expect(state.listener.openPlaylist?.entries?.map(\.position) == [1, 2], "positions renumbered")
        #expect(state.listener.selectedPlaylist?.version == 8 && state.listener.selectedPlaylist?.songCount == 2)
        // The service answers in order; the last answer leaves nothing unconfirmed.
        for version in 5...8 {
            var saved = ListenerFixture.roadTrip
            saved.version = version
            saved.songCount = version == 8 ? 2 : 3
            _ = state.reduce(.playlistEdited(saved))
        }
        #expect(state.listener.selectedPlaylist?.version == 8)
        #expect(state.press(.character("x")) == [.removeFromPlaylist(id: "p1", positions: [2], version: 8)])
    }

    @Test("smart lists and other people's playlists refuse every edit, and say why")
    func refusals() {
        var state = ListenerFixture.inPlaylists()
        state.press(.character("g"))
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: state.listener.playlists[0], entries: ListenerFixture.roadTripEntries)))
        state.press(.tab)
        for key in ["R", "X", "x", "J", "K"] {
            #expect(state.press(.character(Character(key))).isEmpty, "\(key) on a smart list")
            #expect(state.message == StatusMessage("“Liked songs” fills itself and cannot be edited", isError: true))
            #expect(state.popup == nil)
        }
        state.press(.backTab, .character("G"))
        #expect(state.listener.selectedPlaylist?.id == "p3")
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: ListenerFixture.alicesMix, entries: ListenerFixture.roadTripEntries)))
        state.press(.tab)
        for key in ["R", "X", "x", "J", "K"] {
            #expect(state.press(.character(Character(key))).isEmpty, "\(key) on Alice's")
            #expect(state.message == StatusMessage("“Alice's mix” is alice's: only they can change it", isError: true))
        }
        #expect(state.listener.openPlaylist?.entries == ListenerFixture.roadTripEntries, "nothing moved")
        state.press(.character("1"))
        #expect(state.press(.character("x")).isEmpty && state.message?.text == "Playlists are edited in view 6: press 6")
    }

    @Test("a refused edit puts back what was saved and asks for the playlist again")
    func editFails() {
        var state = ListenerFixture.inPlaylists()
        state.press(.tab, .character("J"), .character("J"))
        #expect(state.listener.openPlaylist?.entries?.map(\.songId) == ["blue", "paper", "first"])
        var afterFirst = ListenerFixture.roadTrip
        afterFirst.version = 5
        _ = state.reduce(.playlistEdited(afterFirst))
        let effects = state.reduce(.playlistEditFailed(id: "p1", reason: "http://s answered HTTP 409: version 6 is not 5"))
        #expect(effects == [.loadPlaylist(id: "p1")])
        #expect(state.listener.openPlaylist?.entries?.map(\.songId) == ["blue", "first", "paper"], "the first move was saved, the second not")
        #expect(state.listener.selectedPlaylist?.version == 5)
        #expect(state.listener.entryCursor.selected == 1, "the cursor stays on its song")
        #expect(state.message == StatusMessage("“Road trip” was not changed: http://s answered HTTP 409: version 6 is not 5", isError: true))
        #expect(state.reduce(.playlistEditFailed(id: "p1", reason: "late")).isEmpty, "answers to edits already undone ask for nothing more")
    }

    @Test("a reload that adds rows above keeps the cursor on its song")
    func cursorFollowsSong() {
        var state = ListenerFixture.inPlaylists()
        state.press(.tab, .character("G"))
        #expect(state.listener.entryCursor.selected == 2)
        let reloaded = ListenerFixture.entries([Fixture.songs[3], Fixture.songs[1], Fixture.songs[0], Fixture.songs[3], Fixture.songs[2]])
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: ListenerFixture.roadTrip, entries: reloaded)))
        #expect(state.listener.entryCursor.selected == 4)
        #expect(state.listener.entries[state.listener.entryCursor.selected].songId == "paper")
        _ = state.reduce(.playlistsLoaded([ListenerFixture.summary("p0", "Newer")] + ListenerFixture.summaries, listener: "me"))
        #expect(state.listener.selectedPlaylist?.id == "p1", "the playlist cursor follows its playlist too")
    }

    @Test("coming back to view 6 keeps the playlist on screen while it is asked for again")
    func revisitPlaylists() {
        var state = ListenerFixture.inPlaylists()
        state.press(.tab, .character("G"), .character("1"))
        #expect(state.press(.character("6")) == [.loadPlaylists, .loadPlaylist(id: "p1")])
        #expect(state.listener.entries == ListenerFixture.roadTripEntries && state.listener.entryCursor.selected == 2)
        let reloaded = ListenerFixture.entries([Fixture.songs[3]]) + ListenerFixture.roadTripEntries
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: ListenerFixture.roadTrip, entries: reloaded)))
        #expect(state.listener.entryCursor.selected == 3)
    }

    @Test("the library coming again keeps the songs view's cursor on its song")
    func libraryReloadKeepsCursor() {
        var state = Fixture.state()
        state.press(.character("j"), .character("j"))
        let aardvark = LibrarySong(id: "aa", title: "Aardvark", file: "http://s/media/aa.mp3")
        _ = state.reduce(.libraryLoaded(Library(songs: [aardvark] + Fixture.songs, genreNames: [])))
        #expect(state.songs.selected == 3)
        #expect(state.press(.enter) == [.play([aardvark] + Fixture.songs, index: 3)])
    }

    @Test("a saved like reloads an open Liked songs list")
    func likedListRefreshes() {
        var state = Fixture.state()
        state.press(.character("6"))
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: state.listener.playlists[0], entries: ListenerFixture.roadTripEntries)))
        state.press(.tab)
        #expect(state.press(.character("f")) == [.setLike(songID: "first", liked: true)])
        #expect(state.reduce(.markSaved(songID: "first", .liked(true))) == [.loadPlaylist(id: "liked")])
    }

    // MARK: View 7

    @Test("view 7 asks for the history on every visit; Enter plays again from there")
    func history() {
        var state = Fixture.state()
        #expect(state.press(.character("7")) == [.loadHistory])
        _ = state.reduce(.historyLoaded(ListenerFixture.plays, now: ListenerFixture.now, timeZone: ListenerFixture.utc))
        #expect(state.listener.history.map(\.when) == ["today 21:15", "today 21:10", "yesterday 09:02", "2026-11-28 18:40"])
        state.press(.character("G"))
        #expect(state.press(.enter) == [.play([Fixture.songs[2], Fixture.songs[0], Fixture.songs[1]], index: 2)])
        state.press(.character("g"))
        #expect(state.press(.enter) == [.play([Fixture.songs[2], Fixture.songs[0], Fixture.songs[1]], index: 0)])
        state.press(.character("1"))
        #expect(state.press(.character("7")) == [.loadHistory])
        #expect(state.press(.character("7")).isEmpty, "already there")
    }

    @Test("a history refresh with new plays on top keeps the cursor on its play")
    func historyCursor() {
        var state = Fixture.state()
        state.press(.character("7"))
        _ = state.reduce(.historyLoaded(ListenerFixture.plays, now: ListenerFixture.now, timeZone: ListenerFixture.utc))
        state.press(.character("j"))
        let newer = [ListenerFixture.play(Fixture.songs[3], at: "2026-12-01T21:50:00Z", played: 23),
                     ListenerFixture.play(Fixture.songs[1], at: "2026-12-01T21:40:00Z", played: 20)]
        _ = state.reduce(.historyLoaded(newer + ListenerFixture.plays, now: ListenerFixture.now, timeZone: ListenerFixture.utc))
        #expect(state.listener.historyCursor.selected == 3)
        #expect(state.listener.history[3].entry.startedAt == "2026-12-01T21:10:02Z")
    }

    @Test("times read in the listener's time zone: today, yesterday, else the date")
    func playTimes() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        var state = Fixture.state()
        state.press(.character("7"))
        let plays = [ListenerFixture.play(Fixture.songs[0], at: "2026-11-30T23:30:00Z", played: 1),
                     ListenerFixture.play(Fixture.songs[0], at: "not a time", played: 1)]
        _ = state.reduce(.historyLoaded(plays, now: ListenerFixture.now, timeZone: berlin))
        #expect(state.listener.history.map(\.when) == ["today 00:30", "not a time"], "23:30 UTC is after midnight in Berlin")
    }
}
