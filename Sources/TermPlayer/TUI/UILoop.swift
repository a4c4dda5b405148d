import APIClient
import LibraryModel
import OSThreads
import PlayerCore
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
    private let client: LibraryClient
    private let player: Player
    private let inbox: ActionInbox
    private let embedded: EmbeddedService?
    private var quitting = false
    /// `TERMPLAYER_FRAME_LOG=FILE`: one line per keypress, microseconds from reading it to its frame on
    /// the terminal, then the key; `make bench` reads it.
    private let frameLog: UnsafeMutablePointer<FILE>? = getenv("TERMPLAYER_FRAME_LOG").flatMap { fopen($0, "a") }

    init(screen: CursesScreen, state: AppState, client: LibraryClient, player: Player, inbox: ActionInbox, embedded: EmbeddedService?) {
        self.screen = screen
        self.state = state
        self.client = client
        self.player = player
        self.inbox = inbox
        self.embedded = embedded
    }

    /// Runs until the user quits or a signal asks to; returns with the terminal restored.
    func run() {
        defer { screen.stop() }
        dispatch(.resized(width: screen.width, height: screen.height))
        perform(.loadLibrary(after: .zero))
        watchHealth()
        var keyRead: (at: ContinuousClock.Instant, keys: String)?
        while !quitting {
            let rendering = ContinuousClock.now
            let frame = Renderer.render(state)
            let drawing = ContinuousClock.now
            screen.draw(frame)
            if let (started, keys) = keyRead, let frameLog {
                let now = ContinuousClock.now
                let micros = { (duration: Duration) in duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000 }
                // total, then its parts: reducing, rendering the frame, writing it through ncurses.
                fputs("\(micros(now - started)) \(keys) reduce=\(micros(rendering - started)) render=\(micros(drawing - rendering)) draw=\(micros(now - drawing))\n", frameLog)
                fflush(frameLog)
                keyRead = nil
            }
            let wake = inbox.sleep(untilInputOr: nextTick())
            if wake.quit { break }
            if wake.resized, screen.updateSize() {
                dispatch(.resized(width: screen.width, height: screen.height))
            }
            let keys = screen.readKeys()
            if !keys.isEmpty { keyRead = (ContinuousClock.now, keys.map { $0?.name ?? "resize" }.joined(separator: " ")) }
            for key in keys {
                dispatch(key.map(Action.key) ?? .resized(width: screen.width, height: screen.height))
            }
            for action in inbox.drain() { dispatch(action) }
            let snapshot = player.snapshot
            if snapshot != state.player { dispatch(.player(snapshot)) }
            for event in player.drainEvents() { dispatch(.playerEvent(event)) }
        }
    }

    /// While playing, wake when the position reaches the next whole second, to move the clock and bar.
    private func nextTick() -> Duration? {
        guard state.player.status == .playing else { return nil }
        let fraction = state.player.position - state.player.position.rounded(.down)
        return .milliseconds(max(20, Int((1 - fraction) * 1000) + 5))
    }

    private func dispatch(_ action: Action) {
        for effect in state.reduce(action) { perform(effect) }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case .loadLibrary(let delay):
            Task { [client, inbox, embedded] in
                try? await Task.sleep(for: delay)
                for action in await Self.fetchLibrary(client, isEmbedded: embedded != nil) { inbox.post(action) }
            }
        case .play(let songs, let index): player.play(songs.map(\.track), startingAt: index)
        case .append(let songs): player.append(songs.map(\.track))
        case .togglePause: player.togglePause()
        case .next: player.next()
        case .previous: player.previous()
        case .seek(let seconds): player.seek(by: seconds)
        case .setVolume(let percent): player.setVolume(percent)
        case .setShuffle(let on): player.setShuffle(on)
        case .setRepeat(let mode): player.setRepeat(mode)
        case .loadDemo:
            guard let embedded else { return }
            Task { [client, inbox] in
                do {
                    let added = try await embedded.loadDemo()
                    inbox.post(.message(StatusMessage("Added \(added) demo songs.")))
                } catch {
                    inbox.post(.message(StatusMessage("Could not add the demo songs: \(error)", isError: true)))
                }
                for action in await Self.fetchLibrary(client, isEmbedded: true) { inbox.post(action) }
            }
        case .quit:
            quitting = true
        }
    }

    /// Songs and genres, indexed for the views off the UI thread; an empty embedded library offers the demo.
    private static func fetchLibrary(_ client: LibraryClient, isEmbedded: Bool) async -> [Action] {
        do {
            async let songs = client.songs(as: LibrarySong.self)
            async let genres = client.genres()
            let library = Library(songs: try await songs, genres: try await genres)
            // Decoding and indexing freed far more than the library keeps.
            SystemMemory.releaseFreed()
            return [.libraryLoaded(library)] + (isEmbedded && library.songs.isEmpty ? [.libraryIsEmptyAndLocal] : [])
        } catch {
            return [.libraryFailed("\(error)")]
        }
    }

    /// A service that stops answering is noticed within a few seconds, shown, and retried.
    private func watchHealth() {
        Task { [client, inbox] in
            var wasHealthy = true
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                let healthy = await client.isHealthy()
                if wasHealthy, !healthy { inbox.post(.libraryFailed("\(client.server) stopped answering")) }
                wasHealthy = healthy
            }
        }
    }
}
