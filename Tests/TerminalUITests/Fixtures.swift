import Foundation
import LibraryModel
import PlayerCore
import TerminalUI

/// A small library, listed by title as the API lists it.
enum Fixture {
    static let songs = [
        LibrarySong(id: "blue", title: "Blue Checksum", artist: "Otis Lambda Trio", album: "After Hours", genre: "Jazz", year: 2021, duration: 23, file: "http://s/media/blue.mp3"),
        LibrarySong(id: "first", title: "First Light", artist: "The Null Sinks", album: "Loopback Sessions", genre: "Rock", year: 2024, duration: 20, file: "http://s/media/first.mp3"),
        LibrarySong(id: "paper", title: "Paper Satellites", artist: "The Null Sinks", album: "Loopback Sessions", genre: "Rock", year: 2024, duration: 199, file: "http://s/media/paper.mp3"),
        LibrarySong(id: "yoake", title: "夜明けの信号", artist: "Daemon Drift", album: "Low Orbit", genre: "Pop", year: 2025, duration: 23, file: "http://s/media/yoake.mp3"),
    ]
    static let library = Library(songs: songs, genreNames: ["Rock", "Indie", "Pop", "Jazz"])

    /// A loaded state of the given size.
    static func state(width: Int = 80, height: Int = 14) -> AppState {
        var state = AppState(width: width, height: height, serverName: "http://s")
        _ = state.reduce(.libraryLoaded(library))
        return state
    }

    static func many(_ count: Int) -> Library {
        let songs = (0..<count).map { index in
            LibrarySong(id: "s\(index)", title: "Song \(100_000 + index)", artist: "Artist \(index % 7)", album: "Album \(index % 13)",
                        genre: ["Rock", "Jazz"][index % 2], year: 2000 + index % 20, duration: 180, file: "http://s/media/s\(index).mp3")
        }
        return Library(songs: songs, genreNames: ["Rock", "Jazz"])
    }
}

extension AppState {
    /// Presses keys one after another; returns the effects of them all.
    @discardableResult
    mutating func press(_ keys: Key...) -> [Effect] {
        keys.flatMap { reduce(.key($0)) }
    }

    mutating func type(_ text: String) {
        for character in text { _ = reduce(.key(.character(character))) }
    }
}

/// Playlists and plays for views 6 and 7: the listener is "me"; "alice" shares one.
enum ListenerFixture {
    static func song(_ song: LibrarySong) -> Song {
        Song(id: song.id, title: song.title, album: song.album, artist: song.artist, genre: song.genre, year: song.year,
             file: song.file, image: nil, duration: song.duration)
    }

    static func summary(_ id: String, _ name: String, owner: String = "me", songs: Int = 0, version: Int = 1) -> PlaylistSummary {
        PlaylistSummary(id: id, name: name, description: "", owner: owner, public: owner != "me", smart: false, songCount: songs,
                        duration: 0, version: version, createdAt: "2026-11-01T10:00:00Z", updatedAt: "2026-11-01T10:00:00Z")
    }

    static let roadTrip = summary("p1", "Road trip", songs: 3, version: 4)
    static let focus = summary("p2", "Focus", songs: 0, version: 1)
    static let alicesMix = summary("p3", "Alice's mix", owner: "alice", songs: 2, version: 9)
    static let summaries = [roadTrip, alicesMix, focus]

    /// Entries in order; nil is a song gone from the library.
    static func entries(_ songs: [LibrarySong?], ids: [String]? = nil) -> [PlaylistEntry] {
        songs.enumerated().map { index, song in
            PlaylistEntry(position: index + 1, songId: song?.id ?? ids?[index] ?? "gone\(index)", song: song.map(Self.song))
        }
    }

    /// Road trip: First Light, Blue Checksum, Paper Satellites.
    static let roadTripEntries = entries([Fixture.songs[1], Fixture.songs[0], Fixture.songs[2]])

    /// In view 6 with the playlists listed, the cursor on Road trip and its songs loaded.
    static func inPlaylists(width: Int = 80, height: Int = 14, entries: [PlaylistEntry] = roadTripEntries) -> AppState {
        var state = Fixture.state(width: width, height: height)
        state.press(.character("6"))
        _ = state.reduce(.playlistsLoaded(summaries, listener: "me"))
        // Six smart lists, then Road trip.
        state.press(.character("G"), .character("k"), .character("k"))
        _ = state.reduce(.playlistLoaded(PlaylistDetail(playlist: roadTrip, entries: entries)))
        return state
    }

    static func play(_ song: LibrarySong?, id: String? = nil, at startedAt: String, played: Double, skipped: Bool = false) -> HistoryEntry {
        HistoryEntry(songId: song?.id ?? id ?? "gone", startedAt: startedAt, playedSeconds: played, counted: !skipped && played >= 10,
                     skipped: skipped, song: song.map(Self.song))
    }

    /// 2026-12-01 22:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_162_400)
    static let utc = TimeZone(identifier: "UTC") ?? .gmt

    static let plays = [
        play(Fixture.songs[2], at: "2026-12-01T21:15:38Z", played: 99, skipped: false),
        play(Fixture.songs[0], at: "2026-12-01T21:10:02Z", played: 5, skipped: true),
        play(nil, id: "deleted", at: "2026-11-30T09:02:00Z", played: 180),
        play(Fixture.songs[1], at: "2026-11-28T18:40:00.250Z", played: 20),
    ]
}
