public import PlayerCore

/// The views, by the number key that opens each.
public enum View: Int, Sendable, CaseIterable {
    case songs = 1, genres, artists, queue, search, playlists, history, forYou

    public var title: String {
        switch self {
        case .songs: "Songs"
        case .genres: "Genres"
        case .artists: "Artists"
        case .queue: "Queue"
        case .search: "Search"
        case .playlists: "Playlists"
        case .history: "History"
        case .forYou: "For you"
        }
    }

    /// How many lists the view has, side by side (view 8's two take turns on the screen).
    var paneCount: Int {
        switch self {
        case .genres, .playlists, .forYou: 2
        case .artists: 3
        default: 1
        }
    }
}

/// A list's cursor and scroll position.
public struct ListCursor: Sendable, Equatable {
    public var selected = 0
    /// The first row shown.
    public var top = 0

    public init(selected: Int = 0, top: Int = 0) {
        self.selected = selected
        self.top = top
    }

    /// Moves by `delta` rows within `count`, scrolling so the cursor stays among `visible` rows.
    mutating func move(by delta: Int, count: Int, visible: Int) {
        move(to: selected + delta, count: count, visible: visible)
    }

    mutating func move(to row: Int, count: Int, visible: Int) {
        selected = count == 0 ? 0 : min(max(0, row), count - 1)
        keepVisible(count: count, visible: visible)
    }

    /// After the list or the window changed: the cursor stays inside both.
    mutating func keepVisible(count: Int, visible: Int) {
        selected = count == 0 ? 0 : min(selected, count - 1)
        let rows = max(1, visible)
        if selected < top { top = selected }
        if selected >= top + rows { top = selected - rows + 1 }
        top = max(0, min(top, max(0, count - rows)))
    }
}

public enum LoadState: Sendable, Equatable {
    case loading
    case loaded
    /// The service could not be reached or answered badly; retried on its own.
    case failed(String)
}

/// A line for the status bar.
public struct StatusMessage: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// Everything the UI shows, and nothing else: the renderer draws it, the reducer changes it.
public struct AppState: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var view: View = .songs
    /// Which pane of a multi-pane view has the keyboard.
    public var focus = 0
    public var library = Library.empty
    public var loadState = LoadState.loading
    /// A library has arrived once: losing the service then keeps it on screen rather than fetching it again.
    var hasLibrary = false
    /// A retry of the whole library is waiting for its time: further failures (the health watch, the change
    /// follower's full syncs) do not start another, so a flapping service never multiplies whole fetches.
    var libraryRetryPending = false
    /// Where the library comes from, for the title bar.
    public var serverName: String

    public var songSort = SongSort.title
    public var songs = ListCursor()
    public var genres = ListCursor()
    public var genreSongs = ListCursor()
    public var artists = ListCursor()
    public var albums = ListCursor()
    public var albumSongs = ListCursor()

    /// What was last given to the player, in the order given.
    public var queue: [LibrarySong] = []
    public var queueCursor = ListCursor()

    public var query = ""
    /// Keys go to the query while true.
    public var isEditingQuery = false
    /// Songs matching `query`, indexes into the library: all of them, or those found so far while
    /// `searchScan` goes on.
    public var searchResults: [Int] = []
    /// The part of a search still to do, a slice a frame (`Action.searchContinues`); nil when done.
    var searchScan: SearchScan?
    /// The search before each character of `query` was typed, so Backspace needs no new search.
    var earlierSearches: [SearchSnapshot] = []
    public var searchCursor = ListCursor()

    public var player = PlayerSnapshot()
    public var message: StatusMessage?
    public var isShowingHelp = false
    /// Which page of the help overlay shows, when the window cannot hold every command at once.
    public var helpPage = 0
    public var keymap: Keymap
    /// The library is the embedded one and empty: the UI offers the demo songs.
    public var offersDemo = false

    /// Playlists, history and the marks on their way to the service.
    public var listener = ListenerState()
    /// The rating popup, the playlist picker, a name prompt or a question, over the current view.
    public var popup: Popup?
    /// How likes and stars are drawn.
    public var glyphs = MarkGlyphs.standard
    /// Album art: off until the terminal layer says how this terminal shows it (`.artModeChosen`).
    public var art = ArtState()
    /// View 8's For you and Discover lists.
    public var suggestions = Suggestions()
    /// The radio on the air, or being tuned in; nil when the queue is an ordinary one.
    public var radio: RadioState?
    /// Radios started so far, to number the next one.
    var radiosStarted = 0
    /// Songs kept on this machine for offline.
    public var offline = OfflineSongs()

    public init(width: Int, height: Int, serverName: String, keymap: Keymap = .standard) {
        self.width = width
        self.height = height
        self.serverName = serverName
        self.keymap = keymap
    }

    /// Below this the UI only says the terminal is too small.
    public static let minimumWidth = 40
    public static let minimumHeight = 8

    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    /// Rows the status line takes: a long message (PulseAudio's advice) wraps onto up to three.
    public var statusRows: Int {
        guard let message, !isEditingQuery else { return 1 }
        return max(1, min(3, TextWidth.wrap(message.text, to: width).count))
    }

    /// Rows the bottom area takes above the status line: the two now-playing lines, or the cover panel
    /// (`ArtLayout.panelRows`) when covers show and the window has room for it.
    public var nowPlayingRows: Int { ArtLayout.showsPanel(self) ? ArtLayout.panelRows : 2 }

    /// The rows between the tab bar and the now-playing lines, where the views draw.
    public var bodyRows: Range<Int> { 1..<max(1, height - nowPlayingRows - statusRows) }

    /// Rows a list has: all but the tab bar, the list heading, the now-playing lines and the status line.
    public var listRows: Int { max(1, height - 2 - nowPlayingRows - statusRows) }
}
