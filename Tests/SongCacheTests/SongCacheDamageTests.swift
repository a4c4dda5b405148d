import CurlTransfer
import Foundation
import GRDB
import SongCache
import TestSupport
import Testing

@Suite("The song cache's bad states: a damaged index, a full disk, two processes at once", .serialized)
struct SongCacheDamageTests {
    let session = CurlSession(name: "test-songcache-damage")

    /// A cache folder holding two fetched songs, and the service they came from.
    func filledCache() async throws -> (SongServer, SongCache) {
        let server = try await SongServer.start(try TestSongs.make(["a", "b", "c"]))
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path)
        let session = self.session
        for id in ["a", "b"] { _ = try await blocking { try cache.fetch(songID: id, url: server.media(id), session: session) } }
        return (server, cache)
    }

    func songFiles(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mp3") }
    }

    @Test("an index that is not a database is set aside, a new one made, and its songs' files removed")
    func garbageIndex() async throws {
        let (server, cache) = try await filledCache()
        defer { server.stop() }
        let directory = cache.directory
        let index = directory + "/index.sqlite"
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: index))

        let reopened = try SongCache.open(directory: directory)
        let aside = try #require(reopened.setAsideIndex)
        #expect(aside.hasPrefix(index + ".set-aside-"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: aside)) == garbage, "the damaged index is kept as it was, for a person to look at")
        #expect(try reopened.cachedSongIDs().isEmpty)
        #expect(try songFiles(directory).isEmpty, "files only the old index knew are removed")
        let session = self.session
        _ = try await blocking { try reopened.fetch(songID: "c", url: server.media("c"), session: session) }
        #expect(try reopened.cachedSongIDs() == ["c"])
        try CacheInvariants.check(reopened, limit: SongCache.defaultLimitBytes)
        // Opened again, the new index is fine: nothing more is set aside.
        #expect(try SongCache.open(directory: directory).setAsideIndex == nil)
    }

    @Test("an index from a newer schema is set aside untouched, not read with the wrong columns")
    func newerIndex() async throws {
        let (server, cache) = try await filledCache()
        defer { server.stop() }
        let directory = cache.directory
        let index = directory + "/index.sqlite"
        _ = try Fixtures.run("sqlite3", [index, "PRAGMA user_version = 7; CREATE TABLE future (x);"])

        let reopened = try SongCache.open(directory: directory)
        let aside = try #require(reopened.setAsideIndex)
        let version = try Fixtures.run("sqlite3", [aside, "PRAGMA user_version"]).standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version == "7")
        #expect(try reopened.cachedSongIDs().isEmpty)
        #expect(try songFiles(directory).isEmpty)
        try CacheInvariants.check(reopened, limit: SongCache.defaultLimitBytes)
    }

    @Test("a disk that fills mid-download: .diskFull, the partial file gone, every cached song kept whole")
    func diskFull() async throws {
        let mountPoint = try Fixtures.temporaryDirectory("songcache-tmpfs").path
        // A real full disk: a 320 KiB tmpfs (mounting needs root, which the test machine has; without it
        // this fails loudly rather than pretending).
        _ = try Fixtures.run("mount", ["-t", "tmpfs", "-o", "size=320k", "tmpfs", mountPoint])
        defer { _ = try? Fixtures.run("umount", ["-l", mountPoint]) }
        let server = try await SongServer.start([
            ("a", try Fixtures.toneMP3(frequency: 410, seconds: 2)),
            ("b", try Fixtures.toneMP3(frequency: 420, seconds: 2)),
            ("big", try Fixtures.toneMP3(frequency: 430, seconds: 20)),
        ])
        defer { server.stop() }
        let cache = try SongCache.open(directory: mountPoint + "/songs", limitBytes: 100 << 20)
        let session = self.session
        var kept: [String: Data] = [:]
        for id in ["a", "b"] {
            let song = try await blocking { try cache.fetch(songID: id, url: server.media(id), session: session) }.song
            kept[id] = try Data(contentsOf: URL(fileURLWithPath: song.path))
        }

        do {
            _ = try await blocking { try cache.fetch(songID: "big", url: server.media("big"), session: session) }
            Issue.record("a 320 kB song fitted a 320 KiB disk already holding two songs and the index")
        } catch SongCacheError.diskFull(let path, let errno) {
            #expect(errno == ENOSPC)
            #expect(path.hasPrefix(mountPoint + "/songs/.") && path.hasSuffix(".part"), "the download's partial file is what met the full disk: \(path)")
        }
        #expect(try cache.cachedSongIDs() == ["a", "b"])
        for (id, bytes) in kept {
            let song = try #require(try cache.file(for: id))
            #expect(try Data(contentsOf: URL(fileURLWithPath: song.path)) == bytes, "\(id) is whole after the disk filled")
        }
        #expect(try cache.usage().writingBytes == 0, "the download's claim on room was given back")
        try CacheInvariants.check(cache, limit: 100 << 20)
        // The cache still works once room is made.
        try cache.remove("a")
        let reopened = try SongCache.open(directory: mountPoint + "/songs", limitBytes: 100 << 20)
        #expect(try reopened.cachedSongIDs() == ["b"])
    }

    @Test("two caches in this process and one in another, fetching and evicting at once, keep one consistent index")
    func twoProcesses() async throws {
        let ids = ["a", "b", "c", "d", "e", "f"]
        let songs = try TestSongs.make(ids)
        let server = try await SongServer.start(songs)
        defer { server.stop() }
        let size = try TestSongs.size(songs[0].mp3)
        // Room for four of the six: evictions all the time, and now and then three downloads in flight
        // beside the pinned song leave no room for a fourth (refused as too large, which is right).
        let limit = 4 * size + size / 2
        let directory = try Fixtures.temporaryDirectory("songcache-shared").path
        let first = try SongCache.open(directory: directory, limitBytes: limit)
        let second = try SongCache.open(directory: directory, limitBytes: limit)
        try first.pin(["a"])

        let stress = try Self.stressBinary()
        let other = Process()
        other.executableURL = URL(fileURLWithPath: stress)
        other.arguments = [directory, String(limit), server.url, "120"] + ids
        let output = Pipe()
        other.standardOutput = output
        try other.run()

        let session = self.session
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for cache in [first, second] {
                group.addTask {
                    try await blocking {
                        var fetched = 0
                        for round in 0..<120 {
                            let id = ids[(round * 7 + (cache === first ? 0 : 3)) % ids.count]
                            switch round % 3 {
                            case 0, 1:
                                do {
                                    if case .stored = try cache.fetch(songID: id, url: server.media(id), session: session) { fetched += 1 }
                                } catch SongCacheError.tooLarge {
                                    continue
                                }
                                try cache.notePlayed(id)
                            default:
                                try cache.evict()
                            }
                            if let song = try cache.file(for: id) {
                                // A copy handed out is whole when handed out.
                                let bytes = (try? FileManager.default.attributesOfItem(atPath: song.path)[.size] as? Int) ?? -1
                                #expect(bytes == song.bytes || bytes == -1)
                            }
                        }
                        return fetched
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await blocking { other.waitUntilExit() }
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(other.terminationStatus == 0, "the other process: \(said)")
        #expect(results.allSatisfy { $0 > 0 }, "both caches stored songs: \(results)")
        try CacheInvariants.check(first, limit: limit)
        #expect(try first.songs() == second.songs())
        #expect(try first.cachedSongIDs().contains("a"), "the pinned song survived every eviction")
        #expect(try first.usage().writingBytes == 0)
    }

    /// `SongCacheStress`, built beside the test bundle (`swift build --build-tests` puts both there).
    static func stressBinary() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("SongCacheStress").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw Fixtures.FixtureError.missing("\(candidate): run `swift build --build-tests` before the tests")
        }
        return candidate
    }
}

@Suite("What a killed process leaves in the song cache")
struct SongCacheCrashTests {
    @Test("a download whose process died, its partial file and a file no row lists are cleared when a cache opens")
    func leftovers() async throws {
        let directory = try Fixtures.temporaryDirectory("songcache").path
        let cache = try SongCache.open(directory: directory)
        let index = directory + "/index.sqlite"
        // A process that has exited: its pid answers nothing any more.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        _ = try Fixtures.run(
            "sqlite3", [index, "INSERT INTO writing (token, song_id, bytes, pid, started) VALUES ('dead', 'x', 1000, \(gone.processIdentifier), 0), ('alive', 'y', 500, \(getpid()), 0)"])
        for name in [".dead.part", ".alive.part", "stray.0.mp3"] {
            try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        #expect(try cache.usage().writingBytes == 1500)

        _ = try SongCache.open(directory: directory)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: directory))
        #expect(!names.contains(".dead.part") && !names.contains("stray.0.mp3"))
        #expect(names.contains(".alive.part"), "a live process's download is left alone")
        #expect(try cache.usage().writingBytes == 500)
    }
}
