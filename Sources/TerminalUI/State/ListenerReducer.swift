import Foundation
import LibraryModel
import PlayerCore

/// The listener's side of the reducer: likes, ratings, playlists, history, and the popups that ask for them.
///
/// Every change shows at once and goes out as an effect; its answer comes back as an action. A refusal puts
/// back what was last known saved, so the screen never shows as saved what the service does not have.
extension AppState {
    // MARK: Entering views 6 and 7

    /// Views 6, 7 and 8 show the service's current lists: entering one asks for them again.
    mutating func entered(_ view: View) -> [Effect] {
        switch view {
        case .playlists:
            if listener.playlistsLoad != .loaded { listener.playlistsLoad = .loading }
            // Coming back: what shows stays while it is asked for again.
            if let open = listener.openPlaylist, open.id == listener.selectedPlaylist?.id, open.entries != nil {
                return [.loadPlaylists, .loadPlaylist(id: open.id)]
            }
            return [.loadPlaylists] + openSelectedPlaylist()
        case .history:
            if listener.historyLoad != .loaded { listener.historyLoad = .loading }
            return [.loadHistory]
        case .forYou:
            return loadSuggestions()
        default:
            return []
        }
    }

    /// Shows the playlist under the left cursor as loading, and asks for its entries.
    mutating func openSelectedPlaylist() -> [Effect] {
        guard let id = listener.selectedPlaylist?.id else {
            listener.openPlaylist = nil
            return []
        }
        listener.openPlaylist = OpenPlaylist(id: id)
        listener.entryCursor = ListCursor()
        return [.loadPlaylist(id: id)]
    }

    // MARK: Likes and ratings

    /// The song a mark is for, with its marks as they show now.
    struct MarkTarget {
        var id: String
        var title: String
        var liked: Bool
        var rating: Int
    }

    /// The song under the cursor when the focused pane lists songs (unless `onPlaying`), else the playing
    /// one; nil, with the reason on the status line, when there is none.
    private mutating func markTarget(onPlaying: Bool) -> MarkTarget? {
        if !onPlaying, let (list, row) = focusedSongList(), list.hasRow(row, in: self) {
            guard let song = list.song(at: row, in: self) else {
                message = StatusMessage("That song is no longer in the library", isError: true)
                return nil
            }
            let marks = library.song(withID: song.id) ?? song
            return MarkTarget(id: song.id, title: song.title, liked: marks.liked, rating: marks.rating)
        }
        guard let track = player.track else {
            message = StatusMessage("Nothing is playing", isError: true)
            return nil
        }
        let marks = library.song(withID: track.id)
        return MarkTarget(id: track.id, title: track.title, liked: marks?.liked ?? false, rating: marks?.rating ?? 0)
    }

    mutating func toggleLike(onPlaying: Bool) -> [Effect] {
        guard let target = markTarget(onPlaying: onPlaying) else { return [] }
        let liked = !target.liked
        noteUnconfirmed(.liked(liked), of: target)
        library.setMarks(ofSongID: target.id, liked: liked)
        message = StatusMessage(liked ? "\(glyphs.liked) Liked “\(target.title)”" : "Unliked “\(target.title)”")
        return [.setLike(songID: target.id, liked: liked)]
    }

    mutating func openRating() {
        guard let target = markTarget(onPlaying: false) else { return }
        popup = .rating(songID: target.id, title: target.title, choice: target.rating)
    }

    private mutating func rate(songID: String, title: String, _ rating: Int) -> [Effect] {
        popup = nil
        let current = library.song(withID: songID)?.rating
        guard current != rating else {
            message = StatusMessage("“\(title)” keeps its rating")
            return []
        }
        noteUnconfirmed(.rating(rating), of: MarkTarget(id: songID, title: title, liked: library.song(withID: songID)?.liked ?? false, rating: current ?? 0))
        library.setMarks(ofSongID: songID, rating: rating)
        message = StatusMessage(rating == 0 ? "Cleared the rating of “\(title)”" : "\(glyphs.stars(rating)) “\(title)”")
        return [.setRating(songID: songID, rating: rating)]
    }

    /// Remembers what was saved before the first of a song's changes on their way, to go back to it.
    private mutating func noteUnconfirmed(_ change: MarkChange, of target: MarkTarget) {
        var pending = listener.unconfirmedMarks[target.id] ?? UnconfirmedMarks(liked: target.liked, rating: target.rating)
        switch change {
        case .liked: pending.likeRequests += 1
        case .rating: pending.ratingRequests += 1
        }
        listener.unconfirmedMarks[target.id] = pending
    }

    /// Once a song's last change is answered, it shows what the service last saved.
    mutating func markSaved(songID: String, _ change: MarkChange) -> [Effect] {
        if var pending = listener.unconfirmedMarks[songID] {
            switch change {
            case .liked(let liked):
                pending.liked = liked
                pending.likeRequests = max(0, pending.likeRequests - 1)
                if pending.likeRequests == 0 { library.setMarks(ofSongID: songID, liked: liked) }
            case .rating(let rating):
                pending.rating = rating
                pending.ratingRequests = max(0, pending.ratingRequests - 1)
                if pending.ratingRequests == 0 { library.setMarks(ofSongID: songID, rating: rating) }
            }
            listener.unconfirmedMarks[songID] = pending.likeRequests + pending.ratingRequests == 0 ? nil : pending
        }
        // "Liked songs" and "Top rated" fill themselves from marks: an open one is out of date.
        if view == .playlists, let open = listener.openPlaylist, [SmartPlaylist.liked.rawValue, SmartPlaylist.topRated.rawValue].contains(open.id) {
            return [.loadPlaylist(id: open.id)]
        }
        return []
    }

    mutating func markFailed(songID: String, _ change: MarkChange, reason: String) {
        let title = library.song(withID: songID)?.title ?? songID
        let what: String = switch change {
        case .liked(true): "like"
        case .liked(false): "unlike"
        case .rating: "rate"
        }
        message = StatusMessage("Could not \(what) “\(title)”: \(reason)", isError: true)
        guard var pending = listener.unconfirmedMarks[songID] else { return }
        switch change {
        case .liked:
            pending.likeRequests = max(0, pending.likeRequests - 1)
            if pending.likeRequests == 0 { library.setMarks(ofSongID: songID, liked: pending.liked) }
        case .rating:
            pending.ratingRequests = max(0, pending.ratingRequests - 1)
            if pending.ratingRequests == 0 { library.setMarks(ofSongID: songID, rating: pending.rating) }
        }
        listener.unconfirmedMarks[songID] = pending.likeRequests + pending.ratingRequests == 0 ? nil : pending
    }

    // MARK: Adding to playlists

    /// `y`: the picker of the listener's own playlists (asked for first if they never were).
    mutating func openPlaylistPicker() -> [Effect] {
        guard let target = markTarget(onPlaying: false) else { return [] }
        popup = .playlistPicker(songIDs: [target.id], title: target.title, selected: 0)
        switch listener.playlistsLoad {
        case nil, .failed?:
            listener.playlistsLoad = .loading
            return [.loadPlaylists]
        case .loading?, .loaded?:
            return []
        }
    }

    /// `S`: asks for a name, then saves the queue as a new playlist.
    mutating func saveQueue() {
        guard !queue.isEmpty else {
            message = StatusMessage("The queue is empty: Enter plays a list, a adds a song", isError: true)
            return
        }
        guard queue.count <= ListenerLimits.playlistSize else {
            message = StatusMessage("A playlist holds at most \(ListenerLimits.playlistSize) songs; the queue has \(queue.count)", isError: true)
            return
        }
        popup = .prompt(Prompt(purpose: .newPlaylist(songIDs: queue.map(\.id)), title: "Save the queue (\(queue.count) songs) as"))
    }

    private mutating func add(_ songIDs: [String], to playlist: PlaylistSummary) -> [Effect] {
        guard playlist.songCount + songIDs.count <= ListenerLimits.playlistSize else {
            message = StatusMessage("“\(playlist.name)” is full (\(ListenerLimits.playlistSize) songs)", isError: true)
            return []
        }
        let entries = songIDs.map { PlaylistEntry(position: 0, songId: $0, song: library.song(withID: $0)?.song) }
        let title = songIDs.count == 1 ? library.song(withID: songIDs[0]).map { "“\($0.title)”" } ?? "1 song" : "\(songIDs.count) songs"
        message = StatusMessage("Added \(title) to “\(playlist.name)”")
        return send(.append(entries), to: playlist.id) { .addToPlaylist(id: playlist.id, songIDs: songIDs, version: $0) }
    }

    // MARK: Editing playlists (view 6)

    mutating func editPlaylist(_ command: Command) -> [Effect] {
        guard view == .playlists else {
            message = StatusMessage("Playlists are edited in view 6: press 6", isError: true)
            return []
        }
        if command == .newPlaylist {
            popup = .prompt(Prompt(purpose: .newPlaylist(songIDs: []), title: "New playlist"))
            return []
        }
        guard let playlist = listener.selectedPlaylist else { return [] }
        guard !playlist.smart else {
            message = StatusMessage("“\(playlist.name)” fills itself and cannot be edited", isError: true)
            return []
        }
        guard listener.isOwn(playlist) else {
            message = StatusMessage("“\(playlist.name)” is \(playlist.owner)'s: only they can change it", isError: true)
            return []
        }
        switch command {
        case .renamePlaylist:
            popup = .prompt(Prompt(purpose: .rename(playlistID: playlist.id), title: "Rename “\(playlist.name)”", text: playlist.name))
            return []
        case .deletePlaylist:
            popup = .confirmDelete(playlistID: playlist.id, name: playlist.name)
            return []
        default:
            break
        }
        guard focus == 1 else {
            message = StatusMessage("Tab to the songs of “\(playlist.name)” to change them", isError: true)
            return []
        }
        guard listener.openPlaylist?.id == playlist.id, let entries = listener.openPlaylist?.entries else {
            message = StatusMessage("“\(playlist.name)” is still loading", isError: true)
            return []
        }
        let row = listener.entryCursor.selected
        guard entries.indices.contains(row) else { return [] }
        let position = row + 1
        switch command {
        case .removeFromPlaylist:
            let effects = send(.remove(positions: [position]), to: playlist.id) {
                .removeFromPlaylist(id: playlist.id, positions: [position], version: $0)
            }
            listener.entryCursor.keepVisible(count: listener.entries.count, visible: listRows)
            return effects
        case .moveEntryDown, .moveEntryUp:
            let target = command == .moveEntryDown ? position + 1 : position - 1
            guard (1...entries.count).contains(target) else { return [] }
            let effects = send(.move(from: position, to: target), to: playlist.id) {
                .movePlaylistEntry(id: playlist.id, from: position, to: target, version: $0)
            }
            listener.entryCursor.move(to: target - 1, count: listener.entries.count, visible: listRows)
            return effects
        default:
            return []
        }
    }

    /// Applies `edit` at once, records it until answered, and sends it with the playlist's version (then
    /// one more, as the service will count it).
    private mutating func send(_ edit: PlaylistEdit, to id: String, as effect: (Int) -> Effect) -> [Effect] {
        guard let index = listener.playlistIndex(id: id) else { return [] }
        let summary = listener.playlists[index]
        let open = listener.openPlaylist?.id == id ? listener.openPlaylist?.entries : nil
        var record = listener.unconfirmedPlaylists[id] ?? UnconfirmedPlaylist(saved: summary, savedEntries: open, edits: [])
        record.edits.append(SentEdit(version: summary.version, edit: edit))
        listener.unconfirmedPlaylists[id] = record
        var updated = summary
        var entries = open
        edit.apply(to: &updated, entries: &entries)
        updated.version = summary.version + 1
        listener.playlists[index] = updated
        if open != nil { listener.openPlaylist?.entries = entries }
        return [effect(summary.version)]
    }

    mutating func playlistEdited(_ saved: PlaylistSummary) -> [Effect] {
        let index = listener.playlistIndex(id: saved.id)
        guard var record = listener.unconfirmedPlaylists[saved.id] else {
            // The answer to an edit made before a reload: news only if the service is ahead of what shows.
            guard let index, saved.version > listener.playlists[index].version else { return [] }
            listener.playlists[index] = saved
            return listener.openPlaylist?.id == saved.id ? [.loadPlaylist(id: saved.id)] : []
        }
        // A version is only taken after every earlier one: all edits sent before it are saved too.
        let done = record.edits.prefix { $0.version < saved.version }
        for sent in done { sent.edit.apply(to: &record.saved, entries: &record.savedEntries) }
        record.edits.removeFirst(done.count)
        record.saved = saved
        if record.edits.isEmpty {
            listener.unconfirmedPlaylists[saved.id] = nil
            if let index { listener.playlists[index] = saved }
        } else {
            listener.unconfirmedPlaylists[saved.id] = record
        }
        return []
    }

    mutating func playlistEditFailed(id: String, reason: String) -> [Effect] {
        let name = listener.playlists.first { $0.id == id }?.name ?? listener.deletedPlaylists[id]?.summary.name ?? id
        var effects: [Effect] = []
        if let deleted = listener.deletedPlaylists.removeValue(forKey: id) {
            message = StatusMessage("“\(name)” was not deleted: \(reason)", isError: true)
            let selected = listener.selectedPlaylist?.id
            listener.playlists.insert(deleted.summary, at: min(deleted.index, listener.playlists.count))
            if let selected, let row = listener.playlistIndex(id: selected) { listener.playlistCursor.selected = row }
            effects.append(.loadPlaylist(id: id))
        } else {
            message = StatusMessage("“\(name)” was not changed: \(reason)", isError: true)
        }
        if let record = listener.unconfirmedPlaylists.removeValue(forKey: id) {
            if let index = listener.playlistIndex(id: id) { listener.playlists[index] = record.saved }
            if listener.openPlaylist?.id == id, let saved = record.savedEntries {
                setEntries(saved)
            }
            if effects.isEmpty { effects.append(.loadPlaylist(id: id)) }
        }
        return effects
    }

    // MARK: Answers about playlists

    mutating func playlistsLoaded(_ summaries: [PlaylistSummary], listenerName: String) -> [Effect] {
        listener.listenerName = listenerName
        listener.playlistsLoad = .loaded
        let selected = listener.selectedPlaylist?.id
        let smartByID = Dictionary(summaries.filter(\.smart).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let known = Set(SmartPlaylist.allCases.map(\.rawValue))
        let smart = ListenerState.smartSummaries.map { smartByID[$0.id] ?? $0 } + summaries.filter { $0.smart && !known.contains($0.id) }
        // Rows with edits on their way keep what shows; deletions on their way stay out.
        let mine = summaries.filter { !$0.smart && $0.owner == listenerName }
        let others = summaries.filter { !$0.smart && $0.owner != listenerName }
        let shown = Dictionary(listener.playlists.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        listener.playlists = smart + (mine + others).compactMap { summary in
            if listener.deletedPlaylists[summary.id] != nil { return nil }
            return listener.unconfirmedPlaylists[summary.id] != nil ? shown[summary.id] ?? summary : summary
        }
        if let selected, let row = listener.playlistIndex(id: selected) {
            follow(\.listener.playlistCursor, to: row)
        }
        listener.playlistCursor.keepVisible(count: listener.playlists.count, visible: listRows)
        if case .playlistPicker(let songIDs, let title, let row) = popup {
            popup = .playlistPicker(songIDs: songIDs, title: title, selected: min(row, listener.ownPlaylists.count))
        }
        guard view == .playlists, listener.selectedPlaylist?.id != listener.openPlaylist?.id else { return [] }
        return openSelectedPlaylist()
    }

    mutating func playlistLoaded(_ detail: PlaylistDetail) {
        let id = detail.playlist.id
        if let index = listener.playlistIndex(id: id) { listener.playlists[index] = detail.playlist }
        // What the service has now is the truth: edits still on their way are answered against it.
        listener.unconfirmedPlaylists[id] = nil
        guard listener.openPlaylist?.id == id else { return }
        if listener.openPlaylist?.entries == nil {
            listener.openPlaylist = OpenPlaylist(id: id, entries: detail.entries)
            listener.entryCursor.keepVisible(count: detail.entries.count, visible: listRows)
        } else {
            setEntries(detail.entries)
        }
    }

    mutating func playlistCreated(_ playlist: PlaylistSummary) -> [Effect] {
        if listener.listenerName == nil { listener.listenerName = playlist.owner }
        let selected = listener.selectedPlaylist?.id
        // After the smart lists and the listener's own.
        let end = listener.playlists.lastIndex { $0.smart || listener.isOwn($0) }.map { $0 + 1 } ?? 0
        listener.playlists.insert(playlist, at: end)
        let count = playlist.songCount == 1 ? "1 song" : "\(playlist.songCount) songs"
        message = StatusMessage("Created “\(playlist.name)” (\(count))")
        if view == .playlists {
            listener.playlistCursor.move(to: end, count: listener.playlists.count, visible: listRows)
            return openSelectedPlaylist()
        }
        if let selected, let row = listener.playlistIndex(id: selected) { listener.playlistCursor.selected = row }
        return []
    }

    /// New entries for the open playlist, the cursor staying on the song it was on.
    private mutating func setEntries(_ entries: [PlaylistEntry]) {
        let old = listener.entries
        let row = listener.entryCursor.selected
        listener.openPlaylist?.entries = entries
        listener.openPlaylist?.failure = nil
        guard old.indices.contains(row) else {
            listener.entryCursor.keepVisible(count: entries.count, visible: listRows)
            return
        }
        let songID = old[row].songId
        // A song can be listed twice: the nearest of its rows.
        let rows = entries.indices.filter { entries[$0].songId == songID }
        if let nearest = rows.min(by: { abs($0 - row) < abs($1 - row) }) {
            follow(\.listener.entryCursor, to: nearest)
        }
        listener.entryCursor.keepVisible(count: entries.count, visible: listRows)
    }

    /// Moves a cursor to `row`, scrolling by as much so the row stays where it was on screen.
    mutating func follow(_ cursor: WritableKeyPath<AppState, ListCursor>, to row: Int) {
        let shift = row - self[keyPath: cursor].selected
        self[keyPath: cursor].selected = row
        self[keyPath: cursor].top = max(0, self[keyPath: cursor].top + shift)
    }

    // MARK: History

    mutating func historyLoaded(_ entries: [HistoryEntry], now: Date, timeZone: TimeZone) {
        let old = listener.history
        let row = listener.historyCursor.selected
        listener.history = entries.map { HistoryRow(entry: $0, when: PlayTime.describe($0.startedAt, now: now, timeZone: timeZone)) }
        listener.historyLoad = .loaded
        // The cursor stays on its play: newer plays arrive above it.
        if old.indices.contains(row) {
            let play = old[row].entry
            if let found = listener.history.firstIndex(where: { $0.entry.songId == play.songId && $0.entry.startedAt == play.startedAt }) {
                follow(\.listener.historyCursor, to: found)
            }
        }
        listener.historyCursor.keepVisible(count: listener.history.count, visible: listRows)
    }

    // MARK: Popups

    /// Every key goes to the open popup; Ctrl-C still quits.
    mutating func handlePopup(_ key: Key) -> [Effect] {
        guard let popup else { return [] }
        if key == .control("c") { return [.quit] }
        if case .control = key, keymap.command(for: key) == .redraw { return [.redrawScreen] }
        switch popup {
        case .rating(let songID, let title, let choice):
            if case .character(let character) = key, let digit = character.wholeNumberValue, (0...5).contains(digit), character.isASCII {
                return rate(songID: songID, title: title, digit)
            }
            switch key {
            case .enter: return rate(songID: songID, title: title, choice)
            case .escape: self.popup = nil
            default:
                // Listed from 5 stars down to none.
                if let step = popupStep(key, count: 6, from: 5 - choice) {
                    self.popup = .rating(songID: songID, title: title, choice: 5 - step)
                }
            }
        case .playlistPicker(let songIDs, let title, let selected):
            let own = listener.ownPlaylists
            switch key {
            case .escape: self.popup = nil
            case .enter:
                self.popup = nil
                if own.indices.contains(selected) { return add(songIDs, to: own[selected]) }
                self.popup = .prompt(Prompt(purpose: .newPlaylist(songIDs: songIDs), title: "New playlist with “\(title)”"))
            default:
                if let row = popupStep(key, count: own.count + 1, from: selected) {
                    self.popup = .playlistPicker(songIDs: songIDs, title: title, selected: row)
                }
            }
        case .prompt(var prompt):
            switch key {
            case .escape: self.popup = nil
            case .enter: return submit(prompt)
            case .backspace, .delete:
                if !prompt.text.isEmpty { prompt.text.removeLast() }
                self.popup = .prompt(prompt)
            case .control("u"):
                prompt.text = ""
                self.popup = .prompt(prompt)
            case .character(let character):
                guard prompt.text.unicodeScalars.count + character.unicodeScalars.count <= ListenerLimits.nameLength else {
                    message = StatusMessage("Names are at most \(ListenerLimits.nameLength) characters", isError: true)
                    return []
                }
                prompt.text.append(character)
                self.popup = .prompt(prompt)
            default:
                break
            }
        case .confirmDelete(let id, let name):
            self.popup = nil
            guard key == .character("y") || key == .character("Y") else {
                message = StatusMessage("Kept “\(name)”")
                return []
            }
            return delete(playlistID: id)
        }
        return []
    }

    /// The row a movement key leads to in a popup's list of `count` rows; nil for any other key.
    private func popupStep(_ key: Key, count: Int, from row: Int) -> Int? {
        let command: Command? = switch key {
        case .down: .down
        case .up: .up
        case .home: .top
        case .end: .bottom
        default: keymap.command(for: key)
        }
        let target: Int
        switch command {
        case .down: target = row + 1
        case .up: target = row - 1
        case .top: target = 0
        case .bottom: target = count - 1
        default: return nil
        }
        return min(max(0, target), max(0, count - 1))
    }

    private mutating func submit(_ prompt: Prompt) -> [Effect] {
        let name = Self.trimmed(prompt.text)
        guard !name.isEmpty else {
            message = StatusMessage("A playlist needs a name", isError: true)
            return []
        }
        popup = nil
        switch prompt.purpose {
        case .newPlaylist(let songIDs):
            message = StatusMessage("Creating “\(name)”…")
            return [.createPlaylist(name: name, songIDs: songIDs)]
        case .rename(let id):
            guard let playlist = listener.playlists.first(where: { $0.id == id }), playlist.name != name else { return [] }
            message = StatusMessage("Renamed “\(playlist.name)” to “\(name)”")
            return send(.rename(name), to: id) { .renamePlaylist(id: id, name: name, version: $0) }
        }
    }

    private mutating func delete(playlistID id: String) -> [Effect] {
        guard let index = listener.playlistIndex(id: id) else { return [] }
        let summary = listener.playlists.remove(at: index)
        listener.deletedPlaylists[id] = DeletedPlaylist(summary: summary, index: index)
        listener.unconfirmedPlaylists[id] = nil
        message = StatusMessage("Deleted “\(summary.name)”")
        listener.playlistCursor.keepVisible(count: listener.playlists.count, visible: listRows)
        focus = 0
        return [.deletePlaylist(id: id)] + openSelectedPlaylist()
    }

    /// Without spaces at either end.
    private static func trimmed(_ text: String) -> String {
        String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}

extension LibrarySong {
    /// The API's shape of this song, for a playlist entry added here.
    var song: Song {
        var song = Song(id: id, title: title, album: album, artist: artist, genre: genre, year: year, file: file, image: image, duration: duration)
        (song.liked, song.rating, song.plays, song.lastPlayed) = (liked, rating, plays, lastPlayed)
        return song
    }
}

/// When a play started, in words for view 7.
enum PlayTime {
    /// "today 21:15", "yesterday 09:02", else "2026-11-28 18:40", in `timeZone`; the text as given when it
    /// is not an ISO 8601 time.
    static func describe(_ iso: String, now: Date, timeZone: TimeZone) -> String {
        guard let date = parse(iso) else { return iso }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let time = "\(twoDigits(parts.hour)):\(twoDigits(parts.minute))"
        if calendar.isDate(date, inSameDayAs: now) { return "today \(time)" }
        if let yesterday = calendar.date(byAdding: .day, value: -1, to: now), calendar.isDate(date, inSameDayAs: yesterday) {
            return "yesterday \(time)"
        }
        return "\(parts.year ?? 0)-\(twoDigits(parts.month))-\(twoDigits(parts.day)) \(time)"
    }

    private static func parse(_ iso: String) -> Date? {
        (try? Date(iso, strategy: .iso8601)) ?? (try? Date(iso, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    private static func twoDigits(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : "\(value)"
    }
}
