/// What a key does in the UI. Each has the name a keymap file uses.
public enum Command: String, Sendable, CaseIterable {
    case down, up, top, bottom
    case pageDown = "page-down", pageUp = "page-up", halfPageDown = "half-page-down", halfPageUp = "half-page-up"
    case nextPane = "next-pane", previousPane = "previous-pane"
    case play, togglePause = "pause", next, previous
    case seekBack = "seek-back", seekForward = "seek-forward"
    case seekBackLong = "seek-back-long", seekForwardLong = "seek-forward-long"
    case volumeUp = "volume-up", volumeDown = "volume-down"
    case append, shuffle, cycleRepeat = "repeat", search, sort
    case songsView = "view-songs", genresView = "view-genres", artistsView = "view-artists"
    case queueView = "view-queue", searchView = "view-search"
    case help, quit
    case loadDemo = "load-demo"
    // The listener's commands come last, so the help overlay's first page keeps the basics.
    case playlistsView = "view-playlists", historyView = "view-history"
    case toggleLike = "like", toggleLikePlaying = "like-playing", rate
    case addToPlaylist = "add-to-playlist", saveQueue = "save-queue"
    case newPlaylist = "new-playlist", renamePlaylist = "rename-playlist", deletePlaylist = "delete-playlist"
    case removeFromPlaylist = "remove-from-playlist", moveEntryDown = "move-entry-down", moveEntryUp = "move-entry-up"
    case forYouView = "view-for-you", startRadio = "radio"
    case toggleArt = "toggle-art", showCover = "show-cover", redraw
    case keepOffline = "keep-offline"

    /// One line for the help overlay.
    public var summary: String {
        switch self {
        case .down: "move down"
        case .up: "move up"
        case .top: "first row"
        case .bottom: "last row"
        case .pageDown: "page down"
        case .pageUp: "page up"
        case .halfPageDown: "half a page down"
        case .halfPageUp: "half a page up"
        case .nextPane: "next pane"
        case .previousPane: "previous pane"
        case .play: "play from here (this list becomes the queue)"
        case .togglePause: "pause / resume"
        case .next: "next track"
        case .previous: "previous track (or restart)"
        case .seekBack: "back 5 s"
        case .seekForward: "forward 5 s"
        case .seekBackLong: "back 60 s"
        case .seekForwardLong: "forward 60 s"
        case .volumeUp: "volume up"
        case .volumeDown: "volume down"
        case .append: "add to the queue"
        case .shuffle: "shuffle on / off"
        case .cycleRepeat: "repeat: off, all, one"
        case .search: "search (Enter keeps, Esc clears)"
        case .sort: "sort songs: title, artist, album, year"
        case .songsView: "songs"
        case .genresView: "genres"
        case .artistsView: "artists → albums → songs"
        case .queueView: "queue"
        case .searchView: "search results"
        case .playlistsView: "playlists"
        case .historyView: "history of plays"
        case .forYouView: "for you and discover (8 again refreshes)"
        case .startRadio: "radio from the song, genre, artist, album or playlist here"
        case .toggleLike: "like / unlike this song"
        case .toggleLikePlaying: "like / unlike what plays"
        case .rate: "rate 0–5 stars (0 clears)"
        case .addToPlaylist: "add the song to a playlist"
        case .saveQueue: "save queue as a playlist"
        case .newPlaylist: "new playlist (view 6)"
        case .renamePlaylist: "rename playlist (view 6)"
        case .deletePlaylist: "delete playlist (view 6)"
        case .removeFromPlaylist: "remove the song (view 6)"
        case .moveEntryDown: "move song down (view 6)"
        case .moveEntryUp: "move song up (view 6)"
        case .toggleArt: "covers on / off"
        case .showCover: "the cover, large"
        case .keepOffline: "keep the song, album or playlist on this machine for offline (again: stop)"
        case .redraw: "redraw the screen"
        case .help: "this help"
        case .quit: "quit"
        case .loadDemo: "load the demo songs into an empty library"
        }
    }
}

/// Keys to commands: cmus and vim habits by default, rebindable from a file.
public struct Keymap: Sendable, Equatable {
    public private(set) var bindings: [Key: Command]

    public static let standard = Keymap(bindings: [
        .character("j"): .down, .down: .down, .character("k"): .up, .up: .up,
        .character("g"): .top, .home: .top, .character("G"): .bottom, .end: .bottom,
        .pageDown: .pageDown, .pageUp: .pageUp, .control("f"): .pageDown, .control("b"): .pageUp,
        .control("d"): .halfPageDown, .control("u"): .halfPageUp,
        .tab: .nextPane, .character("l"): .nextPane, .backTab: .previousPane, .character("h"): .previousPane,
        .enter: .play, .character(" "): .togglePause, .character("c"): .togglePause,
        .character("n"): .next, .character("p"): .previous,
        .left: .seekBack, .right: .seekForward, .character(","): .seekBackLong, .character("."): .seekForwardLong,
        .character("+"): .volumeUp, .character("="): .volumeUp, .character("-"): .volumeDown,
        .character("a"): .append, .character("s"): .shuffle, .character("r"): .cycleRepeat,
        .character("/"): .search, .character("o"): .sort,
        .character("1"): .songsView, .character("2"): .genresView, .character("3"): .artistsView,
        .character("4"): .queueView, .character("5"): .searchView,
        .character("6"): .playlistsView, .character("7"): .historyView, .character("8"): .forYouView,
        .character("M"): .startRadio,
        .character("f"): .toggleLike, .character("F"): .toggleLikePlaying, .character("*"): .rate,
        .character("y"): .addToPlaylist, .character("S"): .saveQueue,
        .character("N"): .newPlaylist, .character("R"): .renamePlaylist, .character("X"): .deletePlaylist,
        .character("x"): .removeFromPlaylist, .character("J"): .moveEntryDown, .character("K"): .moveEntryUp,
        .character("?"): .help, .character("q"): .quit, .control("c"): .quit,
        .character("D"): .loadDemo,
        .character("A"): .toggleArt, .character("i"): .showCover, .control("l"): .redraw,
        .character("O"): .keepOffline,
    ])

    public init(bindings: [Key: Command]) {
        self.bindings = bindings
    }

    public func command(for key: Key) -> Command? { bindings[key] }

    /// The keys bound to `command`, by name, for the help overlay.
    public func keys(for command: Command) -> [String] {
        bindings.filter { $0.value == command }.map(\.key.name).sorted { ($0.count, $0) < ($1.count, $1) }
    }

    public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The standard keymap changed by a keymap file's lines, `KEY COMMAND` (`bind KEY COMMAND` also
    /// reads, as in cmus; `unbind KEY` frees a key). A line starting with `#` is a comment.
    public static func reading(_ text: String, over base: Keymap = .standard) throws(FileError) -> Keymap {
        var keymap = base
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var words = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if words.first?.hasPrefix("#") == true { continue }
            if words.first == "bind" { words.removeFirst() }
            guard let first = words.first else { continue }
            if first == "unbind" {
                guard words.count == 2, let key = Key(name: words[1]) else {
                    throw FileError(line: number + 1, reason: "unbind needs one key name")
                }
                keymap.bindings[key] = nil
                continue
            }
            guard words.count == 2 else { throw FileError(line: number + 1, reason: "expected KEY COMMAND, got \(words.count) words") }
            guard let key = Key(name: words[0]) else { throw FileError(line: number + 1, reason: "\(words[0]) is not a key name") }
            guard let command = Command(rawValue: words[1]) else {
                throw FileError(line: number + 1, reason: "\(words[1]) is not a command (see the help overlay, ?)")
            }
            keymap.bindings[key] = command
        }
        return keymap
    }
}
