import CurlTransfer
import Foundation
import LibraryCache
import PlayerCore
import SongCache
import Synchronization
import TerminalUI
#if canImport(Glibc)
import Glibc
#endif

/// The offline song cache, as the UI uses it: songs that played, and songs and playlists kept with `O`,
/// downloaded in the background and told to the state as `.offlineSongsChanged`.
///
/// Every cache call blocks (SQLite, files, a download), so they run one after another off the UI's
/// thread, each on a thread of its own; the UI thread only queues them.
final class SongKeeper: Sendable {
    private let cache: SongCache?
    private let library: LibraryCache
    private let inbox: ActionInbox
    private let work = SerialWork()
    private let session = CurlSession(name: "tp-keep")
    private let shared: Mutex<Shared>
    /// Song id → its copy's path, as last read from the cache: what `locate` answers from.
    private let paths: Mutex<[String: String]>
    /// What the state starts with: what was on disk and pinned when the UI opened.
    let initial: OfflineSongs

    private struct Shared {
        var keptPlaylists: Set<String>
        /// Songs with a fetch queued, so the same batch asked twice (a library loaded again) is one.
        var queued: Set<String> = []
        /// The disk filled: nothing more is downloaded this run.
        var stopped = false
    }

    static let keptPlaylistsName = "kept-playlists"

    /// Opens the cache in `directory` (nil: songs are never kept, `offline-cache = off`), making room if
    /// its limit was lowered. A cache that cannot be opened is reported and the UI streams as before.
    static func open(directory: String?, limitBytes: Int, library: LibraryCache, inbox: ActionInbox) async -> (SongKeeper, StatusMessage?) {
        let kept = Set(await library.saved([String].self, as: keptPlaylistsName) ?? [])
        let opened = await BlockingWork.run { () -> Result<SongCache, SongCacheError>? in
            guard let directory else { return nil }
            do throws(SongCacheError) {
                let cache = try SongCache.open(directory: directory, limitBytes: limitBytes)
                try cache.evict()
                return .success(cache)
            } catch {
                return .failure(error)
            }
        }
        var problem: StatusMessage?
        var cache: SongCache?
        switch opened {
        case .success(let opened)?:
            cache = opened
            if let setAside = opened.setAsideIndex {
                problem = StatusMessage("The offline song cache's index was damaged and set aside (\(setAside)); starting a new one.", isError: true)
            }
        case .failure(let error)?:
            problem = StatusMessage("Songs are not kept for offline: \(error)", isError: true)
        case nil:
            break
        }
        let (initial, paths) = await BlockingWork.run { [cache] in Self.snapshot(cache, keptPlaylists: kept) }
        return (SongKeeper(cache: cache, library: library, inbox: inbox, keptPlaylists: kept, initial: initial, paths: paths), problem)
    }

    private init(
        cache: SongCache?, library: LibraryCache, inbox: ActionInbox, keptPlaylists: Set<String>, initial: OfflineSongs, paths: [String: String]
    ) {
        self.cache = cache
        self.library = library
        self.inbox = inbox
        self.initial = initial
        shared = Mutex(Shared(keptPlaylists: keptPlaylists))
        self.paths = Mutex(paths)
    }

    /// Where the player reads a track from: its copy when one is on disk (online too: no network, and
    /// seeking in a file is instant), else the service. Asked as each track opens, so a queue given
    /// before a song was kept, or after its copy was evicted, still plays from the right place.
    @Sendable func locate(_ track: Track) -> String {
        guard let path = paths.withLock({ $0[track.id] }), access(path, R_OK) == 0 else { return track.url }
        return URL(fileURLWithPath: path).absoluteString
    }

    // MARK: What the UI asks (from its thread; each returns at once)

    func pin(_ songIDs: [String], pinned: Bool) {
        run { cache throws(SongCacheError) in
            if pinned { try cache.pin(songIDs) } else { try cache.unpin(songIDs) }
        }
    }

    func notePlayed(_ songID: String) {
        run { cache throws(SongCacheError) in try cache.notePlayed(songID) }
    }

    func forget(_ songIDs: [String]) {
        run { cache throws(SongCacheError) in
            try cache.unpin(songIDs)
            for id in songIDs { try cache.remove(id) }
        }
    }

    func keepPlaylist(id: String, kept: Bool) {
        let all = shared.withLock { shared in
            if kept { shared.keptPlaylists.insert(id) } else { shared.keptPlaylists.remove(id) }
            return shared.keptPlaylists.sorted()
        }
        work.enqueue { [library, inbox] in
            do {
                try await library.save(all, as: Self.keptPlaylistsName)
            } catch {
                inbox.post(.message(StatusMessage("Could not note the playlist as kept for offline: \(error)", isError: true)))
            }
        }
    }

    /// Downloads the songs not on disk and checks the others against the service (a 304 costs nothing),
    /// in order. An unreachable service ends the batch quietly: the pinned ones are asked for again when
    /// it is back. A full disk stops downloading for this run, with a message.
    func fetch(_ songs: [LibrarySong]) {
        guard let cache else { return }
        let batch = shared.withLock { shared in
            shared.stopped ? [] : songs.filter { shared.queued.insert($0.id).inserted }
        }
        guard !batch.isEmpty else { return }
        work.enqueue { [self] in
            await BlockingWork.run { self.download(batch, into: cache) }
        }
    }

    /// Stops taking work, waiting at most `timeout` for what runs (a download stops where it is; its
    /// partial file is tidied by the next start).
    func finish(within timeout: Duration) {
        work.finish(within: timeout)
    }

    // MARK: On the keeper's threads

    private func run(_ change: @escaping @Sendable (SongCache) throws(SongCacheError) -> Void) {
        guard let cache else { return }
        work.enqueue { [self] in
            await BlockingWork.run {
                do {
                    try change(cache)
                } catch {
                    self.inbox.post(.message(StatusMessage("The offline song cache: \(error)", isError: true)))
                }
                self.post(cache)
            }
        }
    }

    private func download(_ batch: [LibrarySong], into cache: SongCache) {
        var stored = 0
        var storedPinned = 0
        var lastPost = ContinuousClock.now
        defer {
            shared.withLock { shared in shared.queued.subtract(batch.map(\.id)) }
            post(cache)
            if storedPinned > 0, let usage = try? cache.usage() {
                let songs = storedPinned == 1 ? "1 song" : "\(storedPinned) songs"
                inbox.post(.message(StatusMessage("Kept \(songs) for offline (\(Self.size(usage.bytes)) of \(Self.size(usage.limitBytes)) used)")))
            }
        }
        for song in batch {
            guard !shared.withLock({ $0.stopped }) else { return }
            do {
                if case .stored = try cache.fetch(songID: song.id, url: song.file, session: session) {
                    stored += 1
                    if (try? cache.isPinned(song.id)) == true { storedPinned += 1 }
                }
            } catch let error where error.isUnreachable {
                return
            } catch .diskFull(let path, _) {
                shared.withLock { $0.stopped = true }
                inbox.post(.message(StatusMessage("The disk is full (\(path)): songs are no longer kept for offline this run", isError: true)))
                return
            } catch .http(_, let status) where status == 404 || status == 410 {
                continue  // gone from the service; the change feed will say so
            } catch .tooLarge where (try? cache.isPinned(song.id)) != true {
                continue  // a song that only played: not worth a message on every play with a small limit
            } catch {
                inbox.post(.message(StatusMessage("Could not keep “\(song.title)” for offline: \(error)", isError: true)))
                continue
            }
            // A long batch shows its progress (rows stop being dim) now and then, not after every song.
            if stored > 0, ContinuousClock.now - lastPost > .milliseconds(500) {
                post(cache)
                lastPost = .now
            }
        }
    }

    private func post(_ cache: SongCache) {
        let (songs, paths) = Self.snapshot(cache, keptPlaylists: shared.withLock { $0.keptPlaylists })
        self.paths.withLock { $0 = paths }
        inbox.post(.offlineSongsChanged(songs))
    }

    /// What the state is told (which songs are on disk and pinned), and each copy's path for `locate`.
    private static func snapshot(_ cache: SongCache?, keptPlaylists: Set<String>) -> (OfflineSongs, paths: [String: String]) {
        guard let cache else { return (OfflineSongs(keptPlaylists: keptPlaylists), [:]) }
        let paths = (try? cache.songs()).map { Dictionary($0.map { ($0.songID, $0.path) }, uniquingKeysWith: { first, _ in first }) } ?? [:]
        return (OfflineSongs(kept: Set(paths.keys), pinned: (try? cache.pinnedSongIDs()) ?? [], keptPlaylists: keptPlaylists), paths)
    }

    /// "84 MB", "2.0 GB": the status line's sizes.
    static func size(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? String(format: "%.1f GB", Double(bytes) / Double(1 << 30)) : "\(bytes >> 20) MB"
    }
}
