public import LibraryModel

/// The characters that show a listener's marks. Each must be one column wide; the wiring picks
/// `.ascii` for terminals that cannot draw the others, where the character alone carries the meaning.
public struct MarkGlyphs: Sendable, Equatable {
    public var liked: Character
    public var star: Character
    public var noStar: Character
    /// A song kept on this machine for offline (`O`).
    public var pinned: Character

    public init(liked: Character, star: Character, noStar: Character, pinned: Character) {
        (self.liked, self.star, self.noStar, self.pinned) = (liked, star, noStar, pinned)
    }

    public static let standard = MarkGlyphs(liked: "♥", star: "★", noStar: "☆", pinned: "↓")
    public static let ascii = MarkGlyphs(liked: "+", star: "*", noStar: ".", pinned: "v")

    /// "★★★☆☆" for 3.
    public func stars(_ rating: Int) -> String {
        let filled = min(5, max(0, rating))
        return String(repeating: star, count: filled) + String(repeating: noStar, count: 5 - filled)
    }
}

/// One mark a listener changed, as sent to the service and reported back.
public enum MarkChange: Sendable, Equatable {
    case liked(Bool)
    /// 0 clears.
    case rating(Int)
}

/// The playlist whose entries the right pane of view 6 shows.
public struct OpenPlaylist: Sendable, Equatable {
    public var id: String
    /// nil until the service answers.
    public var entries: [PlaylistEntry]?
    /// Why the entries could not be loaded.
    public var failure: String?

    public init(id: String, entries: [PlaylistEntry]? = nil, failure: String? = nil) {
        (self.id, self.entries, self.failure) = (id, entries, failure)
    }
}

/// One play in view 7, with its time already put into words (local time, relative to when it was loaded).
public struct HistoryRow: Sendable, Equatable {
    public var entry: HistoryEntry
    /// "today 21:15", "yesterday 09:02", "2026-11-28 18:40".
    public var when: String

    public init(entry: HistoryEntry, when: String) {
        (self.entry, self.when) = (entry, when)
    }
}

/// A small window over the current view that takes every key until it closes.
public enum Popup: Sendable, Equatable {
    /// Stars for one song: `choice` is the highlighted rating, 0–5.
    case rating(songID: String, title: String, choice: Int)
    /// Which of the listener's own playlists gets `songIDs`; `selected` is a row of `ownPlaylists`, and the
    /// row after them is "New playlist…".
    case playlistPicker(songIDs: [String], title: String, selected: Int)
    /// A line of text: a playlist's name.
    case prompt(Prompt)
    /// "Delete NAME? y/n".
    case confirmDelete(playlistID: String, name: String)
}

/// A question answered by typing a line.
public struct Prompt: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        /// A new playlist holding these songs (none: an empty one).
        case newPlaylist(songIDs: [String])
        case rename(playlistID: String)
    }

    public var purpose: Purpose
    public var title: String
    public var text: String

    public init(purpose: Purpose, title: String, text: String = "") {
        (self.purpose, self.title, self.text) = (purpose, title, text)
    }
}

/// A change to a playlist that the reducer applied at once and sent off; kept until the service answers, so
/// that a refusal can be undone and a success folded into what is known to be saved.
enum PlaylistEdit: Sendable, Equatable {
    case rename(String)
    case append([PlaylistEntry])
    /// 1-based.
    case remove(positions: [Int])
    /// 1-based.
    case move(from: Int, to: Int)

    /// The edit applied to a summary and, when known, its entries (positions renumbered from 1).
    func apply(to summary: inout PlaylistSummary, entries: inout [PlaylistEntry]?) {
        switch self {
        case .rename(let name):
            summary.name = name
        case .append(let added):
            summary.songCount += added.count
            summary.duration += added.compactMap { $0.song?.duration }.reduce(0, +)
            entries?.append(contentsOf: added)
        case .remove(let positions):
            let removed = Set(positions)
            if let current = entries {
                let gone = current.enumerated().filter { removed.contains($0.offset + 1) }.map(\.element)
                summary.songCount = max(0, summary.songCount - gone.count)
                summary.duration = max(0, summary.duration - gone.compactMap { $0.song?.duration }.reduce(0, +))
                entries = current.enumerated().filter { !removed.contains($0.offset + 1) }.map(\.element)
            } else {
                summary.songCount = max(0, summary.songCount - removed.count)
            }
        case .move(let from, let to):
            guard var current = entries, current.indices.contains(from - 1), current.indices.contains(to - 1) else { return }
            let entry = current.remove(at: from - 1)
            current.insert(entry, at: to - 1)
            entries = current
        }
        if let current = entries {
            entries = current.enumerated().map { PlaylistEntry(position: $0.offset + 1, songId: $0.element.songId, song: $0.element.song) }
        }
    }
}

/// A playlist's edits the service has not answered, and the playlist as last known saved.
struct UnconfirmedPlaylist: Sendable, Equatable {
    var saved: PlaylistSummary
    /// The saved entries, when the playlist was open as the edits began.
    var savedEntries: [PlaylistEntry]?
    /// In the order sent, which is the order the service takes them in.
    var edits: [SentEdit]
}

/// An edit and the playlist version it was sent with.
struct SentEdit: Sendable, Equatable {
    var version: Int
    var edit: PlaylistEdit
}

/// A song's marks as last known saved, while changes to them are on their way.
struct UnconfirmedMarks: Sendable, Equatable {
    var liked: Bool
    var rating: Int
    var likeRequests = 0
    var ratingRequests = 0
}

/// A playlist deleted at once and kept until the service confirms, to be put back if it refuses.
struct DeletedPlaylist: Sendable, Equatable {
    var summary: PlaylistSummary
    var index: Int
}

/// What the listener's side of the UI holds: their playlists, the open one, their history, and the
/// changes on their way to the service.
public struct ListenerState: Sendable, Equatable {
    /// The name `GET /me` gave, to tell the listener's own playlists from other people's.
    public var listenerName: String?
    /// Smart lists first (always all of them, the service's summaries where it listed them), then the
    /// listener's own playlists, then other listeners' public ones.
    public internal(set) var playlists: [PlaylistSummary] = ListenerState.smartSummaries
    /// nil until view 6 is first opened.
    public var playlistsLoad: LoadState?
    public var playlistCursor = ListCursor()
    public var openPlaylist: OpenPlaylist?
    public var entryCursor = ListCursor()

    public internal(set) var history: [HistoryRow] = []
    /// nil until view 7 is first opened.
    public var historyLoad: LoadState?
    public var historyCursor = ListCursor()

    var unconfirmedPlaylists: [String: UnconfirmedPlaylist] = [:]
    var deletedPlaylists: [String: DeletedPlaylist] = [:]
    var unconfirmedMarks: [String: UnconfirmedMarks] = [:]

    public init() {}

    /// The smart lists as rows before the service has listed them.
    static let smartSummaries = SmartPlaylist.allCases.map { smart in
        PlaylistSummary(id: smart.rawValue, name: smart.title, description: "", owner: "", public: false, smart: true, songCount: 0,
                        duration: 0, version: 0, createdAt: "", updatedAt: "")
    }

    public func isOwn(_ playlist: PlaylistSummary) -> Bool {
        !playlist.smart && listenerName != nil && playlist.owner == listenerName
    }

    /// The listener's own playlists, which the picker offers.
    public var ownPlaylists: [PlaylistSummary] { playlists.filter(isOwn) }

    public var selectedPlaylist: PlaylistSummary? {
        playlists.indices.contains(playlistCursor.selected) ? playlists[playlistCursor.selected] : nil
    }

    func playlistIndex(id: String) -> Int? { playlists.firstIndex { $0.id == id } }

    /// The open playlist's entries; none while they are loading.
    public var entries: [PlaylistEntry] { openPlaylist?.entries ?? [] }
}
