import CurlTransfer
import Foundation
import SongCache
import TestSupport
import Testing

/// The real library service, `termplayer serve` in a process of its own, over a temporary library whose
/// bucket holds the MP3s it was given (`/media/<id>.mp3` serves a bucket file as it is).
struct SongServer {
    let folder: URL
    let bucket: URL
    private let process: ServeProcess

    var url: String { process.url }
    var port: Int { process.port }

    static func start(_ songs: [(id: String, mp3: URL)]) async throws -> SongServer {
        let folder = try Fixtures.temporaryDirectory("songcache-library")
        let bucket = folder.appendingPathComponent("library/bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        for song in songs {
            try Fixtures.bundleJSON(title: song.id).write(to: bucket.appendingPathComponent("\(song.id).json"))
            try FileManager.default.copyItem(at: song.mp3, to: bucket.appendingPathComponent("\(song.id).mp3"))
        }
        let process = try await ServeProcess(["--library", folder.appendingPathComponent("library").path, "--token", "t", "--log-level", "warning"])
        return SongServer(folder: folder, bucket: bucket, process: process)
    }

    func media(_ id: String) -> String { "\(url)/media/\(id).mp3" }

    /// The bytes the service holds for a song.
    func bytes(_ id: String) throws -> Data { try Data(contentsOf: bucket.appendingPathComponent("\(id).mp3")) }

    /// Puts another MP3 in the bucket under the same id, as a new upload would (a new file, a new ETag).
    func replace(_ id: String, with mp3: URL) throws {
        let target = bucket.appendingPathComponent("\(id).mp3")
        let staged = folder.appendingPathComponent("\(id).staged")
        try FileManager.default.copyItem(at: mp3, to: staged)
        guard rename(staged.path, target.path) == 0 else { throw Fixtures.FixtureError.missing("rename to \(target.path): errno \(errno)") }
    }

    func stop() { process.stop() }
}

/// What every test checks after it acts: the folder and the index agree, and the limit holds.
enum CacheInvariants {
    /// Every listed song has its whole file; no song file is unlisted; no partial file is left; the songs
    /// on disk fit the limit.
    static func check(_ cache: SongCache, limit: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let songs = try cache.songs()
        for song in songs {
            let size = (try? FileManager.default.attributesOfItem(atPath: song.path)[.size] as? Int) ?? -1
            #expect(size == song.bytes, "\(song.songID): listed with \(song.bytes) bytes, the file has \(size)", sourceLocation: sourceLocation)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.directory)
        let listed = Set(songs.map { URL(fileURLWithPath: $0.path).lastPathComponent })
        let unlisted = names.filter { $0.hasSuffix(".mp3") && !listed.contains($0) }
        #expect(unlisted.isEmpty, "song files no row lists: \(unlisted)", sourceLocation: sourceLocation)
        let parts = names.filter { $0.hasSuffix(".part") }
        #expect(parts.isEmpty, "partial files left: \(parts)", sourceLocation: sourceLocation)
        let onDisk = try names.filter { $0.hasSuffix(".mp3") }.reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: cache.directory + "/" + name)[.size] as? Int) ?? 0)
        }
        #expect(onDisk <= limit, "\(onDisk) bytes of songs on disk, over the limit of \(limit)", sourceLocation: sourceLocation)
    }
}

/// Songs of known, distinct sizes: a tone per id, `seconds` long at 128 kbps (16 kB a second).
enum TestSongs {
    static func make(_ ids: [String], seconds: Double = 1) throws -> [(id: String, mp3: URL)] {
        try ids.enumerated().map { offset, id in (id, try Fixtures.toneMP3(frequency: 300 + 50 * offset, seconds: seconds)) }
    }

    static func size(_ url: URL) throws -> Int { (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0 }
}
