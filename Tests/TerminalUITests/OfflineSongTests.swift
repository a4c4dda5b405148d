import LibraryModel
import PlayerCore
import Testing

@testable import TerminalUI

/// The offline song cache as the reducer sees it: `O` pins (and fetches) songs, albums and playlists,
/// the change feed keeps copies honest, a song that plays is kept.
@Suite("Offline song cache (reducer)")
struct OfflineSongTests {
    /// Blue Checksum, the first song by title, is on disk.
    static let blueOnDisk = OfflineSongs(kept: ["blue"])

    @Test("O on a song pins and fetches it and marks its row; O again unpins it and fetches nothing")
    func pinASong() {
        var state = Fixture.state()
        #expect(state.press(.character("O")) == [.pinSongs(["blue"], pinned: true), .fetchSongs([Fixture.songs[0]])])
        #expect(state.offline.pinned == ["blue"] && state.message?.text.contains("Keeping “Blue Checksum” for offline") == true)
        let row = Renderer.render(state).text.split(separator: "\n").first { $0.contains("Blue Checksum") } ?? ""
        #expect(row.contains("↓Blue Checksum"), "\(row)")
        #expect(state.press(.character("O")) == [.pinSongs(["blue"], pinned: false)])
        #expect(state.offline.pinned.isEmpty && state.message?.text.contains("no longer kept") == true)
    }

    @Test("a song already on disk is pinned without a fetch; offline the pin waits for the service")
    func pinWithoutFetching() {
        var state = Fixture.state()
        _ = state.reduce(.offlineSongsChanged(Self.blueOnDisk))
        #expect(state.press(.character("O")) == [.pinSongs(["blue"], pinned: true)])
        _ = state.reduce(.serviceLost("http://s stopped answering"))
        #expect(state.press(.character("j"), .character("O")) == [.pinSongs(["first"], pinned: true)])
        #expect(state.message?.text.contains("once http://s is back") == true)
        #expect(state.reduce(.serviceBack) == [.fetchSongs([Fixture.songs[1]])], "back: the pinned song not on disk is fetched")
    }

    @Test("the feed: a re-uploaded kept song is checked again, a deleted one's copy goes")
    func feedKeepsCopiesHonest() {
        var state = Fixture.state()
        _ = state.reduce(.offlineSongsChanged(OfflineSongs(kept: ["blue", "paper"])))
        var reuploaded = ListenerFixture.song(Fixture.songs[0])
        reuploaded.duration = 24
        let effects = state.reduce(.changesArrived(FeedFixture.page(
            Change(position: 1, at: "2026-12-01T10:00:00Z", kind: .song, id: "blue", song: reuploaded), FeedFixture.removed("paper", at: 2),
            FeedFixture.added(FeedFixture.song("new", "New One"), at: 3))))
        #expect(effects.contains(.forgetSongs(["paper"])))
        #expect(effects.contains { if case .fetchSongs(let songs) = $0 { songs.map(\.id) == ["blue"] } else { false } }, "\(effects)")
    }

    @Test("a song that starts is noted and kept; offline it is only noted")
    func playedSongsAreKept() {
        var state = Fixture.state()
        let track = Fixture.songs[2].track
        #expect(state.reduce(.playerEvent(.trackStarted(track, index: 0))) == [.notePlayed(songID: "paper"), .fetchSongs([Fixture.songs[2]])])
        _ = state.reduce(.serviceLost("down"))
        #expect(state.reduce(.playerEvent(.trackStarted(track, index: 0))) == [.notePlayed(songID: "paper")])
    }

    @Test("O on a playlist keeps it: its songs are pinned and fetched, and songs added later too")
    func keepAPlaylist() {
        var state = ListenerFixture.inPlaylists()
        let effects = state.press(.character("O"))
        #expect(effects.first == .keepPlaylist(id: "p1", kept: true))
        #expect(effects.contains(.pinSongs(["first", "blue", "paper"], pinned: true)))
        #expect(state.offline.keptPlaylists == ["p1"] && state.offline.pinned == ["first", "blue", "paper"])
        // The keeper fetched them; the playlist comes again with a fourth song: it is pinned and fetched.
        _ = state.reduce(.offlineSongsChanged(OfflineSongs(kept: ["first", "blue", "paper"], pinned: state.offline.pinned, keptPlaylists: ["p1"])))
        let longer = ListenerFixture.entries([Fixture.songs[1], Fixture.songs[0], Fixture.songs[2], Fixture.songs[3]])
        let more = state.reduce(.playlistLoaded(PlaylistDetail(playlist: ListenerFixture.roadTrip, entries: longer)))
        #expect(more == [.pinSongs(["yoake"], pinned: true), .fetchSongs([Fixture.songs[3]])])
        let again = state.press(.character("O"))
        #expect(again.first == .keepPlaylist(id: "p1", kept: false) && state.offline.keptPlaylists.isEmpty)
        #expect(again.contains(.pinSongs(["first", "blue", "paper", "yoake"], pinned: false)))
    }

    @Test("O on an album in view 3 keeps its songs; on a genre it says what O works on")
    func keepAnAlbum() {
        var state = Fixture.state()
        // Artists: Daemon Drift, Otis Lambda Trio, The Null Sinks → its album Loopback Sessions.
        state.press(.character("3"), .character("G"), .character("l"))
        let effects = state.press(.character("O"))
        #expect(effects.first == .pinSongs(["first", "paper"], pinned: true), "\(effects)")
        state.press(.character("2"))
        #expect(state.press(.character("O")) == [] && state.message?.isError == true)
    }
}
