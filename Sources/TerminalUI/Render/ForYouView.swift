import PlayerCore

/// View 8: For you and Discover, one at a time under a line naming both, each song with its reason.
extension Renderer {
    static func drawForYouView(_ state: AppState, rows: Range<Int>, into frame: inout Frame) {
        let shown = state.shownSuggestions
        let list = state.suggestions[shown]
        let width = frame.width
        let suggestions = list.rows
        let playingID = state.player.track?.id
        if let (text, style) = suggestionNote(state, shown) {
            frame.put(TextWidth.truncate(text, to: width - 2), x: 1, y: rows.lowerBound + 1, style: style)
        } else {
            drawSongRows(state, count: suggestions.count, song: { state.currentCopy(of: suggestions[$0].song) }, cursor: list.cursor,
                         focused: true, x: 0, width: width, rows: rows, heading: "", isPlaying: { $1.id == playingID },
                         reason: { suggestions[$0].reason }, into: &frame)
        }
        // The heading: both lists' names, the one shown highlighted; Tab shows the other.
        var x = 0
        for kind in SuggestionKind.allCases {
            let load = state.suggestions[kind]
            let count = load.load == .loaded || !load.rows.isEmpty ? " (\(load.rows.count))" : ""
            let offline = if case .failed? = load.load, !load.rows.isEmpty { " · offline" } else { "" }
            x = frame.put(" \(kind.title)\(count)\(offline) ", x: x, y: rows.lowerBound, style: kind == shown ? .selected : .heading, limit: max(0, width - x))
        }
        if width - x > 16 { frame.put("  Tab: the other", x: x, y: rows.lowerBound, style: .dim, limit: width - x) }
    }

    /// What shows instead of a list that is loading, failed with nothing to show, or empty.
    private static func suggestionNote(_ state: AppState, _ kind: SuggestionKind) -> (String, CellStyle)? {
        let list = state.suggestions[kind]
        guard list.rows.isEmpty else { return nil }
        switch list.load {
        case .loading?, nil:
            return (kind == .forYou ? "Finding songs for you…" : "Finding songs you have never played…", .dim)
        case .failed(let reason)?:
            return ("Could not load the suggestions: \(reason) — 8 asks again", .error)
        case .loaded?:
            if state.loadState == .loaded, state.library.isEmpty { return ("The library is empty.", .dim) }
            return kind == .forYou
                ? ("Nothing to suggest yet: play, like and rate songs, then press 8 again.", .dim)
                : ("You have played every song: nothing new to discover.", .dim)
        }
    }
}
