public import LibraryModel

/// View 8's two lists, each from its own endpoint.
public enum SuggestionKind: Int, Sendable, CaseIterable {
    /// `GET /recommendations/for-you`: near what the listener likes, not heard in the last day.
    case forYou = 0
    /// `GET /recommendations/discover`: only songs the listener never played.
    case discover

    public var title: String {
        switch self {
        case .forYou: "For you"
        case .discover: "Discover"
        }
    }
}

/// A suggested song as view 8 lists it: the song, and why the service suggests it.
public struct SuggestionRow: Sendable, Equatable {
    public var song: LibrarySong
    public var reason: String

    public init(song: LibrarySong, reason: String) {
        (self.song, self.reason) = (song, reason)
    }
}

/// One of view 8's lists: what the service last answered, how asking for it went, and its cursor.
public struct SuggestionList: Sendable, Equatable {
    public var rows: [SuggestionRow] = []
    /// nil until view 8 is first opened.
    public var load: LoadState?
    public var cursor = ListCursor()

    public init() {}
}

/// View 8: For you and Discover, one shown at a time (the focus chooses), each keeping its cursor.
public struct Suggestions: Sendable, Equatable {
    public var forYou = SuggestionList()
    public var discover = SuggestionList()

    public init() {}

    public subscript(kind: SuggestionKind) -> SuggestionList {
        get { kind == .forYou ? forYou : discover }
        set {
            switch kind {
            case .forYou: forYou = newValue
            case .discover: discover = newValue
            }
        }
    }
}

/// A radio that plays: where it started, every song it queued, and whether it is asking for more.
public struct RadioState: Sendable, Equatable {
    /// Whether the radio is asking the service for songs.
    public enum Refill: Sendable, Equatable {
        /// Nothing asked: it asks again once the queue nears its end.
        case idle
        /// One request on its way; never more than one.
        case asking
        /// The last request failed: it asks again after `AppState.radioRetryDelay`.
        case waitingToRetry
        /// The service had nothing more to add: the radio ends with its queue.
        case exhausted
    }

    public var seed: RadioSeedSpec
    /// What the now-playing bar names the radio by: the song's title, the artist, album, genre or playlist.
    public var name: String
    /// Every song the station has queued, oldest first: what it sends as `played`, so none comes again.
    public internal(set) var station: [String] = []
    public internal(set) var refill = Refill.asking
    /// Which radio this is: answers meant for one that was replaced are dropped.
    public let number: Int
    /// The player finished the station's last song while no more had come: the next songs to arrive play.
    var ranDry = false

    init(seed: RadioSeedSpec, name: String, number: Int) {
        (self.seed, self.name, self.number) = (seed, name, number)
    }

    /// On the air: its first songs came and were given to the player.
    public var isPlaying: Bool { !station.isEmpty }
}
