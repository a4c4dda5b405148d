import Foundation
import PlayerCore
import TerminalArt
import TerminalUI

/// The fixture library with covers: Blue Checksum's and Paper Satellites' beside their audio, 夜明けの信号's
/// elsewhere, First Light without one. Loopback Sessions' cover is therefore Paper Satellites'.
enum ArtFixture {
    static let images: [String: String] = [
        "blue": "http://s/media/blue.jpg",
        "paper": "http://s/media/paper.jpg",
        "yoake": "http://covers.example/yoake?size=600",
    ]

    static let songs: [LibrarySong] = Fixture.songs.map { song in
        var song = song
        song.image = images[song.id]
        return song
    }

    static let library = Library(songs: songs, genreNames: ["Rock", "Indie", "Pop", "Jazz"])

    static var blue: LibrarySong { songs[0] }
    static var first: LibrarySong { songs[1] }
    static var paper: LibrarySong { songs[2] }
    static var yoake: LibrarySong { songs[3] }

    /// A loaded state with art in `mode` (nil: never chosen, as in every other test).
    static func state(width: Int = 100, height: Int = 30, mode: ArtMode? = .blocks, cellAspect: Double = 2, library: Library = library) -> AppState {
        var state = AppState(width: width, height: height, serverName: "http://s")
        _ = state.reduce(.libraryLoaded(library))
        if let mode { _ = state.reduce(.artModeChosen(mode, cellAspect: cellAspect, hint: nil)) }
        return state
    }

    /// The player says `song` plays; returns the effects.
    @discardableResult
    static func play(_ state: inout AppState, _ song: LibrarySong, at position: Double = 10) -> [Effect] {
        var snapshot = PlayerSnapshot()
        snapshot.status = .playing
        snapshot.track = song.track
        snapshot.position = position
        snapshot.duration = song.duration
        return state.reduce(.player(snapshot))
    }

    static let redRGB = RGB(r: 200, g: 30, b: 30)
    static let blueRGB = RGB(r: 30, g: 30, b: 200)

    /// A two-colour cover for `columns × rows` cells: red on the left, blue on the right, with the
    /// outermost columns letterboxed (nil) when there are more than 4.
    static func blocks(columns: Int, rows: Int) -> BlockArt {
        var cells: [BlockCell?] = []
        for _ in 0..<rows {
            for column in 0..<columns {
                if columns > 4, column == 0 || column == columns - 1 {
                    cells.append(nil)
                } else {
                    let color = column < columns / 2 ? redRGB : blueRGB
                    cells.append(BlockCell(top: color, bottom: color))
                }
            }
        }
        return BlockArt(columns: columns, rows: rows, cells: cells)
    }

    /// The picture as the terminal layer makes it for `mode`.
    static func artwork(for key: ArtKey, mode: ArtMode) -> CoverArtwork {
        switch mode {
        case .blocks: .blocks(blocks(columns: key.columns, rows: key.rows))
        case .kittyPlaceholders: .placeholders(id: KittyGraphics.placeholderID(serial: UInt32(key.columns * 7 + key.rows)))
        case .kittyDirect, .iterm, .sixel: .image
        case .off: .unavailable("off")
        }
    }

    /// Answers every `.loadCover` among `effects` as the loop would, until no more are asked for.
    static func answer(_ effects: [Effect], in state: inout AppState) {
        var pending = effects
        while !pending.isEmpty {
            var next: [Effect] = []
            for effect in pending {
                if case .loadCover(let key, let mode) = effect { next += state.reduce(.coverLoaded(key, artwork(for: key, mode: mode))) }
            }
            pending = next
        }
    }

    /// The `.loadCover` keys among `effects`.
    static func loads(_ effects: [Effect]) -> [ArtKey] {
        effects.compactMap { if case .loadCover(let key, _) = $0 { key } else { nil } }
    }

    /// The panel's key for `song` at cell aspect 2: 12 × 6.
    static func panelKey(_ song: LibrarySong) -> ArtKey? {
        song.image.map { ArtKey(url: $0, columns: 12, rows: 6) }
    }
}
