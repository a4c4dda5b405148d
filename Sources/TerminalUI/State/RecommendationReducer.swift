import LibraryModel
import PlayerCore

/// View 8 (For you, Discover) and the radio: `M` starts one from what is under the cursor, and it asks
/// for more as the queue nears its end.
extension AppState {
    /// Songs each of view 8's lists asks for.
    public static let suggestionLimit = 50
    /// Songs a radio asks for at a time: enough to cover a slow answer, few enough that a skip steers the
    /// next ones.
    public static let radioBatch = 4
    /// The radio asks for more when at most this many of its songs are left after the playing one.
    public static let radioRefillMargin = 2
    /// How many of the station's songs go with a request as `played` (the service's limit).
    public static let radioMemory = 5000
    /// How long a failed refill waits before the radio asks again.
    public static let radioRetryDelay = Duration.seconds(5)

    // MARK: View 8

    /// Entering view 8 (or pressing 8 again in it) asks for both lists; what shows stays meanwhile.
    mutating func loadSuggestions() -> [Effect] {
        SuggestionKind.allCases.map { kind in
            if suggestions[kind].load != .loaded { suggestions[kind].load = .loading }
            return .loadSuggestions(kind, limit: Self.suggestionLimit)
        }
    }

    /// New rows for a list, the cursor staying on the song it was on.
    mutating func suggestionsLoaded(_ kind: SuggestionKind, _ picks: [Suggestion]) {
        let cursor: WritableKeyPath<AppState, ListCursor> = kind == .forYou ? \.suggestions.forYou.cursor : \.suggestions.discover.cursor
        let old = suggestions[kind].rows
        let row = self[keyPath: cursor].selected
        suggestions[kind].rows = picks.map { SuggestionRow(song: LibrarySong($0.song), reason: $0.reason) }
        suggestions[kind].load = .loaded
        if old.indices.contains(row), let found = suggestions[kind].rows.firstIndex(where: { $0.song.id == old[row].song.id }) {
            follow(cursor, to: found)
        }
        self[keyPath: cursor].keepVisible(count: picks.count, visible: listRows)
    }

    /// Which of view 8's lists shows: the focus chooses.
    var shownSuggestions: SuggestionKind { focus == 0 ? .forYou : .discover }

    // MARK: Starting a radio

    /// `M`: a radio from the song under the cursor, or the genre, artist, album or playlist there.
    mutating func startRadio() -> [Effect] {
        guard let (seed, name) = radioSeedUnderCursor() else {
            message = StatusMessage("Nothing here to start a radio from: M works on a song, genre, artist, album or playlist", isError: true)
            return []
        }
        radiosStarted += 1
        radio = RadioState(seed: seed, name: name, number: radiosStarted)
        message = StatusMessage("Tuning in a radio from “\(name)”…")
        return [.askRadio(RadioRequest(seeds: [seed], played: [], limit: Self.radioBatch), radio: radiosStarted)]
    }

    /// What `M` starts from, and the radio's name for the bar; nil when the cursor is on nothing.
    func radioSeedUnderCursor() -> (RadioSeedSpec, String)? {
        switch (view, focus) {
        case (.genres, 0):
            guard library.genres.indices.contains(genres.selected) else { return nil }
            let name = library.genres[genres.selected].name
            return (.genre(name), name)
        case (.artists, 0):
            guard library.artists.indices.contains(artists.selected), !library.artists[artists.selected].name.isEmpty else { return nil }
            let name = library.artists[artists.selected].name
            return (.artist(name), name)
        case (.artists, 1):
            let albums = selectedArtistAlbums
            guard albums.indices.contains(self.albums.selected), library.artists.indices.contains(artists.selected) else { return nil }
            let (title, artist) = (albums[self.albums.selected].name, library.artists[artists.selected].name)
            guard !title.isEmpty else { return nil }
            return (.album(title, by: artist), title)
        case (.playlists, 0):
            guard let playlist = listener.selectedPlaylist else { return nil }
            return (.playlist(playlist.id), playlist.name)
        default:
            guard let (list, row) = focusedSongList(), let song = list.song(at: row, in: self) else { return nil }
            return (.song(song.id), song.title)
        }
    }

    // MARK: The radio's answers

    mutating func radioAnswered(_ number: Int, _ picks: [Suggestion]) -> [Effect] {
        guard var radio, radio.number == number else { return [] }
        let known = Set(radio.station)
        var seen = known
        let songs = picks.map(\.song).filter { seen.insert($0.id).inserted }.map { library.song(withID: $0.id) ?? LibrarySong($0) }
        guard !songs.isEmpty else {
            if radio.isPlaying {
                radio.refill = .exhausted
                self.radio = radio
                message = StatusMessage("The radio from “\(radio.name)” has played all it found; it ends with the queue")
            } else {
                self.radio = nil
                message = StatusMessage("The radio found nothing to play from “\(radio.name)”", isError: true)
            }
            return []
        }
        radio.station += songs.map(\.id)
        radio.refill = .idle
        guard known.isEmpty else {
            // More songs: at the end of the queue, where the player gets them too.
            let first = queue.count
            queue += songs
            let ranDry = radio.ranDry
            radio.ranDry = false
            self.radio = radio
            return ranDry ? [.play(queue, index: first)] : [.append(songs)]
        }
        // The first songs: they become the queue, and play (a song seed first).
        self.radio = radio
        queue = songs
        queueCursor = ListCursor()
        message = StatusMessage("Radio from “\(radio.name)” on: a skip steers it away")
        return [.play(songs, index: 0)]
    }

    mutating func radioFailed(_ number: Int, reason: String) -> [Effect] {
        guard var radio, radio.number == number else { return [] }
        guard radio.isPlaying else {
            self.radio = nil
            message = StatusMessage("Could not start the radio from “\(radio.name)”: \(reason)", isError: true)
            return []
        }
        radio.refill = .waitingToRetry
        self.radio = radio
        message = StatusMessage(
            "The radio could not get more songs: \(reason) — trying again in \(Self.radioRetryDelay.components.seconds) s", isError: true)
        return [.retryRadio(after: Self.radioRetryDelay, radio: number)]
    }

    mutating func radioRetryDue(_ number: Int) {
        guard radio?.number == number, radio?.refill == .waitingToRetry else { return }
        radio?.refill = .idle
    }

    /// The player finished the queue: a radio with no more songs yet plays the next ones when they come.
    mutating func radioQueueFinished() {
        guard radio?.isPlaying == true, player.queueCount == queue.count else { return }
        radio?.ranDry = true
    }

    /// Ends the radio, as another list starts to play.
    mutating func endRadio() {
        guard let radio else { return }
        self.radio = nil
        message = StatusMessage("Radio from “\(radio.name)” off")
    }

    // MARK: Refilling

    /// After every action: once the playing song is within `radioRefillMargin` of the queue's end (or the
    /// queue ran out), the radio asks for more, with every song it queued as `played`. One request at a
    /// time; the player's snapshot must be of this queue, not the one before it.
    mutating func refillRadioIfDue() -> [Effect] {
        guard var radio, radio.isPlaying, radio.refill == .idle else { return [] }
        if !radio.ranDry {
            guard let index = player.queueIndex, player.queueCount == queue.count, queue.indices.contains(index),
                  player.track?.id == queue[index].id, queue.count - 1 - index <= Self.radioRefillMargin
            else { return [] }
        }
        radio.refill = .asking
        self.radio = radio
        let request = RadioRequest(seeds: [radio.seed], played: Array(radio.station.suffix(Self.radioMemory)), limit: Self.radioBatch)
        return [.askRadio(request, radio: radio.number)]
    }
}
