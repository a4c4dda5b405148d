import CurlTransfer
import Foundation
import SongCache
import TestSupport
import Testing

/// The cache's calls block (SQLite, files, downloads): the tests make them on a thread of their own, as
/// the TUI will.
func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await Fixtures.onOwnThread(work)
}

@Suite("The offline song cache against the real library service", .serialized)
struct SongCacheTests {
    let session = CurlSession(name: "test-songcache")

    @Test("a fetched song is the service's bytes with its ETag; a second fetch is a 304 that changes nothing")
    func fetchThenNotModified() async throws {
        let server = try await SongServer.start(try TestSongs.make(["a"]))
        defer { server.stop() }
        let directory = try Fixtures.temporaryDirectory("songcache").path
        let session = self.session
        let cache = try SongCache.open(directory: directory)
        let served = try await session.perform(TransferRequest(url: server.media("a")))
        let etag = try #require(served.header("etag"))

        let first = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }
        guard case .stored(let song) = first else { Issue.record("first fetch: \(first)"); return }
        #expect(song.etag == etag)
        #expect(try Data(contentsOf: URL(fileURLWithPath: song.path)) == server.bytes("a"))
        #expect(song.url.hasPrefix("file:///"))
        #expect(try cache.file(for: "a") == song)

        let before = try FileManager.default.attributesOfItem(atPath: song.path)
        let second = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }
        #expect(second == .notModified(song), "the service's 304 keeps the copy as it was, its times included")
        let after = try FileManager.default.attributesOfItem(atPath: song.path)
        #expect(after[.systemFileNumber] as? Int == before[.systemFileNumber] as? Int)
        #expect(after[.modificationDate] as? Date == before[.modificationDate] as? Date)
        #expect(try cache.songs() == [song])
        try CacheInvariants.check(cache, limit: SongCache.defaultLimitBytes)
    }

    @Test("a song changed on the service is answered 200 and replaces the copy; the old file goes")
    func changedSongReplaces() async throws {
        let server = try await SongServer.start(try TestSongs.make(["a"]))
        defer { server.stop() }
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path)
        let session = self.session
        let old = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }.song
        try cache.notePlayed("a", at: Date(timeIntervalSince1970: 1_000_000))
        try server.replace("a", with: try Fixtures.toneMP3(frequency: 1000, seconds: 1.5))

        let outcome = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }
        guard case .stored(let new) = outcome else { Issue.record("expected a new copy, got \(outcome)"); return }
        #expect(new.etag != old.etag)
        #expect(new.path != old.path)
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: new.path)) == server.bytes("a"))
        #expect(new.lastPlayed == Date(timeIntervalSince1970: 1_000_000), "a new version keeps its place in the eviction order")
        #expect(try cache.usage().songs == 1)
        try CacheInvariants.check(cache, limit: SongCache.defaultLimitBytes)
    }

    @Test("least recently played goes first, pinned never, and the limit is never exceeded")
    func evictionOrder() async throws {
        let ids = ["a", "b", "c", "d", "e"]
        let songs = try TestSongs.make(ids)
        let server = try await SongServer.start(songs)
        defer { server.stop() }
        let size = try TestSongs.size(songs[0].mp3)
        let limit = 3 * size + size / 2  // room for three songs, not four
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path, limitBytes: limit)
        let session = self.session
        func fetch(_ id: String) async throws -> FetchOutcome {
            try await blocking { try cache.fetch(songID: id, url: server.media(id), session: session) }
        }
        func played(_ id: String, _ second: Int) throws { try cache.notePlayed(id, at: Date(timeIntervalSince1970: Double(second))) }

        for (second, id) in ["a", "b", "c"].enumerated() {
            _ = try await fetch(id)
            try played(id, 100 + second)
            try CacheInvariants.check(cache, limit: limit)
        }
        try played("a", 200)  // a played again: b is now the least recent
        _ = try await fetch("d")
        try played("d", 201)
        #expect(try cache.cachedSongIDs() == ["a", "c", "d"])
        try CacheInvariants.check(cache, limit: limit)

        try cache.pin(["c"])  // c is the least recent, but pinned
        #expect(try cache.isPinned("c"))
        _ = try await fetch("e")
        #expect(try cache.cachedSongIDs() == ["c", "d", "e"], "a, the least recent unpinned, went; pinned c stayed")
        try CacheInvariants.check(cache, limit: limit)
        #expect(try cache.usage() == CacheUsage(songs: 3, bytes: 3 * size, pinnedSongs: 1, pinnedBytes: size, writingBytes: 0, limitBytes: limit))

        // Lowering the limit: a cache opened on the same folder with room for one song keeps only pinned c.
        let smaller = try SongCache.open(directory: cache.directory, limitBytes: size + size / 2)
        #expect(Set(try smaller.evict()) == ["d", "e"])
        #expect(try smaller.cachedSongIDs() == ["c"])
        try CacheInvariants.check(smaller, limit: size + size / 2)
    }

    @Test("a song that cannot fit even with every unpinned song evicted is refused, and nothing is evicted for it")
    func tooLarge() async throws {
        let small = try Fixtures.toneMP3(frequency: 500, seconds: 1)
        let large = try Fixtures.toneMP3(frequency: 600, seconds: 3)
        let server = try await SongServer.start([("pinned", small), ("other", small), ("large", large)])
        defer { server.stop() }
        let size = try TestSongs.size(small)
        let limit = 2 * size + size / 2
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path, limitBytes: limit)
        let session = self.session
        for id in ["pinned", "other"] { _ = try await blocking { try cache.fetch(songID: id, url: server.media(id), session: session) } }
        try cache.pin(["pinned"])

        await #expect(throws: SongCacheError.tooLarge(songID: "large", bytes: try TestSongs.size(large), room: limit - size)) {
            try await blocking { try cache.fetch(songID: "large", url: server.media("large"), session: session) }
        }
        #expect(try cache.cachedSongIDs() == ["pinned", "other"])
        #expect(try cache.usage().writingBytes == 0)
        try CacheInvariants.check(cache, limit: limit)
    }

    @Test("pins come before the copies: the pinned songs not yet cached are listed for fetching")
    func pinsBeforeCopies() async throws {
        let server = try await SongServer.start(try TestSongs.make(["a", "b"]))
        defer { server.stop() }
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path)
        let session = self.session
        try cache.pin(["a", "b"])
        #expect(try cache.pinnedSongsNotCached() == ["a", "b"])
        let a = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }.song
        #expect(a.isPinned)
        #expect(try cache.pinnedSongsNotCached() == ["b"])
        try cache.unpin(["a"])
        #expect(try cache.file(for: "a")?.isPinned == false)
        try cache.remove("a")
        #expect(try cache.file(for: "a") == nil)
        #expect(!FileManager.default.fileExists(atPath: a.path))
    }

    @Test("a copy deleted or cut short behind the cache's back is dropped from the index, not played")
    func selfHealing() async throws {
        let server = try await SongServer.start(try TestSongs.make(["gone", "short", "kept"]))
        defer { server.stop() }
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path)
        let session = self.session
        var paths: [String: String] = [:]
        for id in ["gone", "short", "kept"] {
            paths[id] = try await blocking { try cache.fetch(songID: id, url: server.media(id), session: session) }.song.path
        }
        let gone = try #require(paths["gone"])
        let short = try #require(paths["short"])
        try FileManager.default.removeItem(atPath: gone)
        let handle = try #require(FileHandle(forWritingAtPath: short))
        try handle.truncate(atOffset: 1000)
        try handle.close()

        #expect(try cache.file(for: "gone") == nil)
        #expect(try cache.file(for: "short") == nil)
        #expect(!FileManager.default.fileExists(atPath: short), "the short file is removed with its row")
        #expect(try cache.cachedSongIDs() == ["kept"])
        #expect(try cache.file(for: "kept") != nil)
        try CacheInvariants.check(cache, limit: SongCache.defaultLimitBytes)
        // Fetched again, it is whole.
        let again = try await blocking { try cache.fetch(songID: "short", url: server.media("short"), session: session) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: again.song.path)) == server.bytes("short"))
    }

    @Test("an HTTP error or an unreachable service leaves the cache as it was")
    func failuresChangeNothing() async throws {
        let server = try await SongServer.start(try TestSongs.make(["a"]))
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path)
        let session = self.session
        let a = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }.song
        await #expect(throws: SongCacheError.http(url: server.media("missing"), status: 404)) {
            try await blocking { try cache.fetch(songID: "missing", url: server.media("missing"), session: session) }
        }
        server.stop()
        do {
            _ = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }
            Issue.record("the stopped service answered")
        } catch let error as SongCacheError {
            #expect(error.isUnreachable, "\(error)")
        }
        #expect(try cache.file(for: "a") == a, "offline, the cached copy is still there to play")
        try CacheInvariants.check(cache, limit: SongCache.defaultLimitBytes)
    }

    @Test("a download in flight holds its room and its song's old copy; cut off, it leaves that copy as it was")
    func downloadInFlight() async throws {
        let songs = try TestSongs.make(["a", "b"])
        let server = try await SongServer.start(songs)
        defer { server.stop() }
        let size = try TestSongs.size(songs[0].mp3)
        let limit = 2 * size + size / 2
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path, limitBytes: limit)
        let session = self.session
        let old = try await blocking { try cache.fetch(songID: "a", url: server.media("a"), session: session) }.song
        try server.replace("a", with: try Fixtures.toneMP3(frequency: 990, seconds: 1))  // a new version, the same size
        let slow = try ThrottleProxy(target: server.port, bytesPerSecond: 8_000)
        let slowURL = "http://127.0.0.1:\(slow.port)/media/a.mp3"

        // While a's new version trickles in, a's old copy (the least recently played) is not evicted for b:
        // stored a + a's claim + b would exceed the limit, so b is refused and a stays playable.
        let refetch = Task { try await blocking { try cache.fetch(songID: "a", url: slowURL, session: session) } }
        #expect(try await eventually(within: .seconds(5)) { try cache.usage().writingBytes == size })
        await #expect(throws: SongCacheError.tooLarge(songID: "b", bytes: size, room: limit - 2 * size)) {
            try await blocking { try cache.fetch(songID: "b", url: server.media("b"), session: session) }
        }
        #expect(try cache.file(for: "a") == old)
        let new = try await refetch.value.song
        #expect(new.path != old.path && new.etag != old.etag)
        #expect(try Data(contentsOf: URL(fileURLWithPath: new.path)) == server.bytes("a"))
        try CacheInvariants.check(cache, limit: limit)

        // Cut off mid-download: the partial file and its claim go, the copy there was stays whole.
        try server.replace("a", with: try Fixtures.toneMP3(frequency: 995, seconds: 1))
        let cut = Task { try await blocking { try cache.fetch(songID: "a", url: slowURL, session: session) } }
        #expect(try await eventually(within: .seconds(5)) { try cache.usage().writingBytes == size })
        try await Task.sleep(for: .milliseconds(300))
        slow.kill()
        do {
            let outcome = try await cut.value
            Issue.record("a cut download was kept: \(outcome)")
        } catch let error as SongCacheError {
            switch error {
            case .transfer, .incomplete: break  // cut before or after the head, as the proxy's timing falls
            default: Issue.record("a cut download failed with \(error)")
            }
        }
        #expect(try cache.file(for: "a") == new)
        #expect(try Data(contentsOf: URL(fileURLWithPath: new.path)).count == size)
        #expect(try cache.usage().writingBytes == 0)
        try CacheInvariants.check(cache, limit: limit)
    }
}
