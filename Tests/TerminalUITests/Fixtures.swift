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
