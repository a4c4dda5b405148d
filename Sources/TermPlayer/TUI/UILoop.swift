import APIClient
import Foundation
import LibraryCache
import LibraryModel
import OSThreads
import PlayerCore
import TerminalArt
import Synchronization
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// The terminal UI's event loop. One thread owns ncurses and the state: it sleeps in `poll` on the
/// keyboard and a wake-up pipe, and redraws only when something changed (or once a second of playback).
/// Effects run elsewhere (service calls as tasks, player commands on the player's thread) and come back
/// as actions through `ActionInbox`, so the loop never waits on the network or on audio.
final class UILoop: @unchecked Sendable {  // the state is only touched on the loop's thread
    private let screen: CursesScreen
    private var state: AppState
    /// Where the music comes from: TermPlayer's service or a Subsonic server.
    private let source: any MusicSource
    private let player: Player
    private let inbox: ActionInbox
    private let embedded: EmbeddedService?
    private var quitting = false
    /// The listener's changes (marks, playlist edits, plays), sent one after another in the order made:
    /// the service keeps the last one it receives, and playlist edits name the version before them.
    private let changes = SerialWork()
    private var plays = PlayTracker()
    /// Covers: fetched and encoded off this thread; pictures put on screen after each frame's text.
    private let covers: CoverWorker
    private let pictures: PixelArtWriter
    /// The art mode the terminal can show, told to the state as the loop starts.
    private let art: ArtStart
    /// The change feed, followed from the library's position once it is loaded.
    private let follower: ChangeFollower
    /// The library as last seen, shown at start before the service answers; kept up to date from the feed.
    private let cache: LibraryCache
    /// Writes to the cache, in the order the library changed.
    private let cacheWrites: SerialWork
    /// The listener's changes, written down and sent in order, kept through an outage.
    private let outbox: OutboxSender
    /// Songs kept on disk for offline (and played from there).
    private let keeper: SongKeeper
    /// The whole library from the service, which then replaces the cache.
    private let fetchWhole: @Sendable () async -> LibraryFetch
    /// `TERMPLAYER_FRAME_LOG=FILE`: one line per keypress, microseconds from reading it to its frame on
    /// the terminal, then the key; `make bench` reads it.
    private let frameLog: UnsafeMutablePointer<FILE>? = getenv("TERMPLAYER_FRAME_LOG").flatMap { fopen($0, "a") }
    /// `TERMPLAYER_CHANGE_LOG=FILE`: after the frame that first shows a page of the change feed, one line of the
    /// wall-clock time in µs and the page's ids, so a benchmark can time a change from its commit to the screen.
    private let changeLog: UnsafeMutablePointer<FILE>? = getenv("TERMPLAYER_CHANGE_LOG").flatMap { fopen($0, "a") }

    /// What the terminal was found to show, before the loop started.
    struct ArtStart {
        var mode: ArtMode
        var cellAspect: Double
        var cellPixels: PixelSize?
        var hint: String?
        var inTmux: Bool
    }

    init(
        screen: CursesScreen, state: AppState, source: any MusicSource, player: Player, inbox: ActionInbox, embedded: EmbeddedService?,
        art: ArtStart, cache: LibraryCache, keeper: SongKeeper
    ) {
        self.art = art
        covers = CoverWorker(source: source, cellPixels: art.cellPixels, inTmux: art.inTmux)
        pictures = PixelArtWriter(mode: art.mode, inTmux: art.inTmux)
        self.screen = screen
        self.state = state
        self.source = source
        self.player = player
        self.inbox = inbox
        self.embedded = embedded
        self.cache = cache
        self.keeper = keeper
        let cacheWrites = SerialWork()
        self.cacheWrites = cacheWrites
        outbox = OutboxSender(outbox: cache, source: source, inbox: inbox, changes: changes)
        let fetchWhole: @Sendable () async -> LibraryFetch = { [source, embedded] in
            await Self.fetchLibrary(source, isEmbedded: embedded != nil, cache: cache, writes: cacheWrites)
        }
        self.fetchWhole = fetchWhole
        follower = ChangeFollower(source: source, inbox: inbox, fetchLibrary: fetchWhole) { page in
            cacheWrites.enqueue { try? await cache.apply(page) }
        }
    }

    /// Runs until the user quits or a signal asks to; returns with the terminal restored.
    func run() {
        defer { screen.stop() }
        dispatch(.resized(width: screen.width, height: screen.height))
        dispatch(.artModeChosen(art.mode, cellAspect: art.cellAspect, hint: art.hint))
        startLibrary()
        follower.start()
        outbox.drain()
        defer { follower.stop() }
        var keyRead: (at: ContinuousClock.Instant, keys: String)?
        var changesToLog: [String] = []
        while !quitting {
            let rendering = ContinuousClock.now
            let frame = Renderer.render(state)
            let drawing = ContinuousClock.now
            screen.draw(frame)
            for key in pictures.sync(frame: frame, state: state, payloads: covers.payloads, screen: screen) {
                inbox.post(.coverDropped(key))
            }
            if let (started, keys) = keyRead, let frameLog {
                let now = ContinuousClock.now
                let micros = { (duration: Duration) in duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000 }
                // total, then its parts: reducing, rendering the frame, writing it through ncurses.
                fputs("\(micros(now - started)) \(keys) reduce=\(micros(rendering - started)) render=\(micros(drawing - rendering)) draw=\(micros(now - drawing))\n", frameLog)
                fflush(frameLog)
                keyRead = nil
            }
            if !changesToLog.isEmpty, let changeLog {
                fputs("\(Int((Date().timeIntervalSince1970 * 1_000_000).rounded())) \(changesToLog.joined(separator: " "))\n", changeLog)
                fflush(changeLog)
                changesToLog = []
            }
            // A search under way takes its next slice as soon as no key is waiting.
            let wake = inbox.sleep(untilInputOr: state.isSearching ? .zero : nextTick())
            if wake.quit { break }
            if wake.resized, screen.updateSize() {
                dispatch(.resized(width: screen.width, height: screen.height))
            }
            let keys = screen.readKeys()
            if !keys.isEmpty { keyRead = (ContinuousClock.now, keys.map { $0?.name ?? "resize" }.joined(separator: " ")) }
            for key in keys {
                dispatch(key.map(Action.key) ?? .resized(width: screen.width, height: screen.height))
            }
            // Not in the same turn as a key: its frame shows its own slice first.
            if keys.isEmpty, state.isSearching { dispatch(.searchContinues) }
            for action in inbox.drain() {
                if changeLog != nil, case .changesArrived(let page) = action { changesToLog += page.changes.map(\.id) }
                dispatch(action)
            }
            let snapshot = player.snapshot
            plays.observe(snapshot, monotonic: Self.monotonicSeconds())
            // The engine posts an event before the snapshot that shows it, so these are every track change
            // up to this snapshot. Their plays are queued before the snapshot reaches the state: a radio's
            // refill, which the snapshot may set off, goes after them, and a skip steers it.
            let events = player.drainEvents()
            for event in events {
                if let play = plays.note(event, wall: Date().timeIntervalSince1970) { report(play) }
            }
            if snapshot != state.player { dispatch(.player(snapshot)) }
            for event in events { dispatch(.playerEvent(event)) }
        }
        plays.observe(player.snapshot, monotonic: Self.monotonicSeconds())
        if let play = plays.finish() { report(play) }
        // What was played last is worth a moment on the way out, not a hang (the outbox keeps it anyway).
        changes.finish(within: .seconds(2))
        // Settled only once its writes are done: one still under way holds the file, and a quit must not wait.
        if cacheWrites.finish(within: .seconds(2)) { cache.settleNow() }
        keeper.finish(within: .milliseconds(200))
        covers.shutdown()
    }

    private static let started = ContinuousClock.now

    /// Seconds on the monotonic clock, for how long a track played.
    private static func monotonicSeconds() -> Double {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Sends a play to the service through the outbox: kept until it arrives (the service stores a play
    /// once, however often it arrives).
    private func report(_ play: PlayTracker.Play) {
        let report = PlayReport(
            song: play.track.id, startedAt: ISOTime.format(Date(timeIntervalSince1970: play.startedAt)), playedSeconds: play.playedSeconds,
            client: "termplayer")
        outbox.submit(.play(report))
    }

    /// While playing, wake when the position reaches the next whole second, to move the clock and bar.
    private func nextTick() -> Duration? {
        guard state.player.status == .playing else { return nil }
        let fraction = state.player.position - state.player.position.rounded(.down)
        return .milliseconds(max(20, Int((1 - fraction) * 1000) + 5))
    }

    /// A song as the player plays it: its URL signed for the server where the source signs URLs.
    private func playable(_ song: LibrarySong) -> Track {
        var track = song.track
        track.url = source.playableURL(track.url)
        return track
    }

    private func dispatch(_ action: Action) {
        for effect in state.reduce(action) { perform(effect) }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .loadLibrary(let delay):
            Task { [inbox, follower, fetchWhole] in
                try? await Task.sleep(for: delay)
                inbox.post(.libraryRetryStarted)
                Self.post(await fetchWhole(), to: inbox, follower: follower)
            }
        case .play(let songs, let index): player.play(songs.map(playable), startingAt: index)
        case .append(let songs): player.append(songs.map(playable))
        case .togglePause: player.togglePause()
        case .next: player.next()
        case .previous: player.previous()
        case .seek(let seconds): player.seek(by: seconds)
        case .setVolume(let percent): player.setVolume(percent)
        case .setShuffle(let on): player.setShuffle(on)
        case .setRepeat(let mode): player.setRepeat(mode)
        case .loadDemo:
            guard let embedded else { return }
            Task { [inbox, follower, fetchWhole] in
                do {
                    let added = try await embedded.loadDemo()
                    inbox.post(.message(StatusMessage("Added \(added) demo songs.")))
                } catch {
                    inbox.post(.message(StatusMessage("Could not add the demo songs: \(error)", isError: true)))
                }
                Self.post(await fetchWhole(), to: inbox, follower: follower)
            }
        case .quit:
            quitting = true
        case .setLike(let songID, let liked):
            cacheWrites.enqueue { [cache] in try? await cache.setMarks(songID: songID, liked: liked, rating: nil) }
            outbox.submit(.like(songID: songID, liked: liked))
        case .setRating(let songID, let rating):
            cacheWrites.enqueue { [cache] in try? await cache.setMarks(songID: songID, liked: nil, rating: rating) }
            outbox.submit(.rate(songID: songID, stars: rating))
        case .loadPlaylists:
            fetchKept(as: "playlists") { source in
                async let listener = source.me()
                async let playlists = source.playlists()
                return KeptPlaylists(playlists: try await playlists, listener: try await listener.name)
            } loaded: { .playlistsLoaded($0.playlists, listener: $0.listener) } failed: { .playlistsFailed(reason: $0) }
        case .loadPlaylist(let id):
            fetchKept(as: "playlist \(id)") { source in try await source.playlist(id) } loaded: { .playlistLoaded($0) } failed: {
                .playlistFailed(id: id, reason: $0)
            }
        case .loadHistory:
            fetchKept(as: "history") { source in try await source.history(limit: 200, before: nil) } loaded: {
                .historyLoaded($0, now: Date(), timeZone: .current)
            } failed: { .historyFailed(reason: $0) }
        case .loadSuggestions(let kind, let limit):
            fetch { source in
                .suggestionsLoaded(kind, try await kind == .forYou ? source.forYou(limit: limit) : source.discover(limit: limit))
            } failed: { .suggestionsFailed(kind, reason: $0) }
        case .askRadio(let request, let radio):
            // With the changes: after the plays reported before it, so a skip steers what comes.
            change { source in .radioAnswered(radio: radio, try await source.radio(request)) } failed: { .radioFailed(radio: radio, reason: $0) }
        case .retryRadio(let delay, let radio):
            Task { [inbox] in
                try? await Task.sleep(for: delay)
                inbox.post(.radioRetryDue(radio: radio))
            }
        case .createPlaylist(let name, let songIDs):
            outbox.submit(.createPlaylist(PlaylistChanges(name: name, songs: songIDs)))
        case .renamePlaylist(let id, let name, let version):
            outbox.submit(.updatePlaylist(id: id, PlaylistChanges(name: name, version: version)))
        case .deletePlaylist(let id):
            outbox.submit(.deletePlaylist(id: id))
        case .addToPlaylist(let id, let songIDs, let version):
            outbox.submit(.addToPlaylist(id: id, PlaylistAddition(songs: songIDs, version: version)))
        case .removeFromPlaylist(let id, let positions, let version):
            outbox.submit(.removeFromPlaylist(id: id, PlaylistRemoval(positions: positions, version: version)))
        case .movePlaylistEntry(let id, let from, let to, let version):
            outbox.submit(.moveInPlaylist(id: id, PlaylistMove(from: from, to: to, version: version)))
        case .loadCover(let key, let mode):
            covers.load(key, mode: mode, cellAspect: state.art.cellAspect) { [inbox] in inbox.post($0) }
        case .cancelCover(let key):
            covers.cancel(key)
        case .redrawScreen:
            screen.redrawEverything()
            pictures.forgetEverything()
        case .pinSongs(let ids, let pinned): keeper.pin(ids, pinned: pinned)
        case .fetchSongs(let songs):
            keeper.fetch(songs.map { song in
                var signed = song
                signed.file = source.playableURL(song.file)
                return signed
            })
        case .keepPlaylist(let id, let kept): keeper.keepPlaylist(id: id, kept: kept)
        case .notePlayed(let songID): keeper.notePlayed(songID)
        case .forgetSongs(let ids): keeper.forget(ids)
        }
    }

    // MARK: Talking to the service off the UI thread

    /// The playlists view's list, as kept for offline.
    private struct KeptPlaylists: Codable, Sendable {
        var playlists: [PlaylistSummary]
        var listener: String
    }

    /// A read: its answer comes back as an action whenever it arrives.
    private func fetch(_ body: @escaping @Sendable (any MusicSource) async throws -> Action, failed: @escaping @Sendable (String) -> Action) {
        Task { [source, inbox] in
            do {
                inbox.post(try await body(source))
            } catch {
                inbox.post(failed("\(error)"))
            }
        }
    }

    /// A read of the listener's own data (playlists, history), kept in the cache as it arrives. When the
    /// service cannot answer, what was kept is shown instead, so a playlist kept for offline opens there.
    private func fetchKept<Value: Codable & Sendable>(
        as name: String, _ body: @escaping @Sendable (any MusicSource) async throws -> Value, loaded: @escaping @Sendable (Value) -> Action,
        failed: @escaping @Sendable (String) -> Action
    ) {
        Task { [source, inbox, cache, cacheWrites] in
            do {
                let value = try await body(source)
                inbox.post(loaded(value))
                cacheWrites.enqueue { try? await cache.save(value, as: name) }
            } catch {
                if (error as? APIClientError)?.isOutage ?? true, let kept = await cache.saved(Value.self, as: name) {
                    inbox.post(loaded(kept))
                } else {
                    inbox.post(failed("\(error)"))
                }
            }
        }
    }

    /// A change, sent after the changes before it; its outcome comes back as an action.
    private func change(_ body: @escaping @Sendable (any MusicSource) async throws -> Action, failed: @escaping @Sendable (String) -> Action) {
        changes.enqueue { [source, inbox] in
            do {
                inbox.post(try await body(source))
            } catch {
                inbox.post(failed("\(error)"))
            }
        }
    }

    /// Songs and genres, indexed for the views off the UI thread; an empty embedded library offers the demo.
    /// The songs' listing says where the change feed stood when it was read.
    /// What was fetched replaces the cache (in order with the feed's pages after it).
    private static func fetchLibrary(_ source: any MusicSource, isEmbedded: Bool, cache: LibraryCache, writes: SerialWork) async -> LibraryFetch {
        do {
            async let songs = source.wholeLibrary(fromJSON: SongListDecoder.decode, fromSong: LibrarySong.init)
            async let genres = source.genres()
            let listing = try await songs
            let genreNames = try await genres.map(\.genre)
            let library = Library(songs: listing.rows, genreNames: genreNames)
            // Decoding and indexing freed far more than the library keeps.
            SystemMemory.releaseFreed()
            writes.enqueue {
                // Built just now, its slots are the listing's title order: the array itself, not a copy.
                try? await cache.replace(songs: library.songs, genres: genreNames, position: listing.position, catalog: listing.catalog)
            }
            let actions = [Action.libraryLoaded(library)] + (isEmbedded && library.isEmpty ? [.libraryIsEmptyAndLocal] : [])
            return LibraryFetch(actions: actions, loaded: true, position: listing.position, catalog: listing.catalog)
        } catch {
            let refused = (error as? APIClientError)?.isRefusal == true
            return LibraryFetch(actions: [refused ? .libraryRefused("\(error)") : .libraryFailed("\(error)")], loaded: false, position: nil)
        }
    }

    /// Posts a fetched library, then has the feed followed from where it was read (in this order, so the
    /// feed's pages reach the state after the library they change).
    private static func post(_ fetched: LibraryFetch, to inbox: ActionInbox, follower: ChangeFollower) {
        for action in fetched.actions { inbox.post(action) }
        if fetched.loaded { follower.libraryPosted(at: fetched.position, catalog: fetched.catalog) }
    }

    /// The cached library at once, then the feed from where it stood; with none cached, the library from
    /// the service as on a first start. The service's health is watched once a library is posted, so an
    /// unreachable one finds the cached library on screen and marks it offline.
    private func startLibrary() {
        if let problem = cache.finding.message { dispatch(.message(StatusMessage(problem, isError: true))) }
        Task { [self, inbox, embedded, follower, cache, fetchWhole] in
            // A screenful at once, while the whole library is read and indexed (a second at a million songs).
            if let first = try? await cache.load(firstSongs: 200), first.position != nil, !first.songs.isEmpty {
                inbox.post(.libraryLoaded(Library(songs: first.songs, genreNames: first.genres)))
            }
            // A cache with no position cannot be caught up from the feed: it is only worth a full fetch.
            if let cached = try? await cache.load(), cached.position != nil, !(cached.songs.isEmpty && embedded != nil) {
                inbox.post(.libraryLoaded(Library(songs: cached.songs, genreNames: cached.genres)))
                SystemMemory.releaseFreed()
                let when = cached.syncedAt.map { " of \(LocalTime().format($0))" } ?? ""
                inbox.post(.message(StatusMessage("The library as cached\(when); catching up with \(self.serverLabel)")))
                follower.libraryPosted(at: cached.position, catalog: cached.catalog)
            } else if !self.source.hasChangeFeed, let cached = try? await cache.load(), !cached.songs.isEmpty {
                // No feed to catch up from (a Subsonic server): the cached library at once, then the whole
                // library read again in its place. Until that succeeds, the cached one is shown offline.
                inbox.post(.libraryLoaded(Library(songs: cached.songs, genreNames: cached.genres)))
                SystemMemory.releaseFreed()
                let when = cached.syncedAt.map { " of \(LocalTime().format($0))" } ?? ""
                inbox.post(.message(StatusMessage("The library as cached\(when); reading \(self.serverLabel) again")))
                Self.post(await fetchWhole(), to: inbox, follower: follower)
            } else {
                Self.post(await fetchWhole(), to: inbox, follower: follower)
            }
            watchHealth()
        }
    }

    private var serverLabel: String { embedded == nil ? source.label : "the local library" }

    /// A service that stops answering is noticed within a few seconds and shown; its return is shown too.
    /// The library on screen stays, and the change feed catches it up from where it was.
    private func watchHealth() {
        Task { [source, inbox, outbox] in
            var wasHealthy = true
            // Asked at once, so a start without the service shows offline (from the cache) right away.
            while !Task.isCancelled {
                let healthy = await source.isHealthy()
                if wasHealthy, !healthy { inbox.post(.serviceLost("\(source.label) stopped answering")) }
                if !wasHealthy, healthy {
                    inbox.post(.serviceBack)
                    outbox.drain()
                }
                wasHealthy = healthy
                try? await Task.sleep(for: .seconds(wasHealthy ? 5 : 2))
            }
        }
    }
}
