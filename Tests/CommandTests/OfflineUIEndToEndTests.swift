import Foundation
import LibraryModel
import TestSupport
import Testing

/// The real UI, in tmux, with its library cache under a private `XDG_CACHE_HOME`: the next start shows
/// the library before (and without) the service; marks made offline wait in the outbox and arrive once
/// the service is back; a damaged cache file is set aside and the UI starts cleanly.
@Suite("The library cache and offline use in the terminal UI", .serialized)
struct OfflineUIEndToEndTests {
    static let token = "offline-ui-token"

    struct Setup {
        var library: URL
        var cache: URL
        var config: URL

        func environment() -> String {
            [
                "LANG": "C.UTF-8", "TERMPLAYER_TOKEN": OfflineUIEndToEndTests.token, "PULSE_SERVER": "unix:/nonexistent",
                "XDG_CONFIG_HOME": config.path, "XDG_CACHE_HOME": cache.path,
            ].map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        }

        func ui(_ server: String) throws -> TmuxSession {
            try TmuxSession("env \(environment()) '\(try TermPlayerBinary.path)' --server \(server); sleep 60", width: 100, height: 24)
        }
    }

    static func setup() throws -> Setup {
        let library = try Fixtures.temporaryDirectory("offline-ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        let tone = try Fixtures.toneMP3(seconds: 1)
        for (id, title) in FeedUIEndToEndTests.songs {
            try Fixtures.bundleJSON(title: title, artist: "Test Signals", genre: 1).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: tone, to: bucket.appendingPathComponent("\(id).mp3"))
        }
        return Setup(
            library: library, cache: try Fixtures.temporaryDirectory("offline-ui-cache"), config: try Fixtures.temporaryDirectory("offline-ui-config"))
    }

    static func serve(_ setup: Setup, port: Int = 0) async throws -> ServeProcess {
        let service = try await ServeProcess(["--library", setup.library.path, "--token", token, "--log-level", "warning"], port: port)
        for _ in 0..<100 {
            if try await songs(service.url).count == FeedUIEndToEndTests.songs.count { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its songs")
    }

    static func songs(_ server: String) async throws -> [Song] {
        let output = try await TermPlayerBinary.run(["songs", "--server", server, "--token", token, "--json"]).standardOutput
        return (try? JSONDecoder().decode([Song].self, from: Data(output.utf8))) ?? []
    }

    static func cacheFiles(_ setup: Setup) throws -> [URL] {
        let directory = setup.cache.appendingPathComponent("termplayer")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil).filter { $0.pathExtension == "sqlite" }
    }

    @Test("the next start shows the cached library without the service; a like and a rating made offline arrive once it is back")
    func offlineMarksArriveOnce() async throws {
        let setup = try Self.setup()
        var service = try await Self.serve(setup)
        let url = service.url
        // A first run fills the cache.
        do {
            let tmux = try setup.ui(url)
            let loaded = await tmux.waitFor("5 songs")
            #expect(loaded.found, "\(loaded.screen)")
            try tmux.send("q")
            try await Task.sleep(for: .seconds(1))
        }
        #expect(try Self.cacheFiles(setup).count == 1, "one cache file for this service and listener")
        service.stop()

        // The service is gone: the library shows from the cache, offline.
        let tmux = try setup.ui(url)
        let cached = await tmux.waitFor("offline")
        #expect(cached.found, "\(cached.screen)")
        #expect(cached.screen.contains("F Tone") && cached.screen.contains("J Tone"), "\(cached.screen)")
        // Like F Tone (the third row) and give it four stars, offline.
        try tmux.send("j", "j", "f")
        let kept = await tmux.waitFor("kept here")
        #expect(kept.found, "the like waits in the outbox: \(kept.screen)")
        try tmux.send("*", "4")
        _ = await tmux.waitFor("★★★★")

        // Back on the same port: the outbox is sent, and each change arrives once.
        service = try await Self.serve(setup, port: Int(url.split(separator: ":").last ?? "") ?? 0)
        defer { service.stop() }
        let sent = await tmux.waitFor("made while", timeout: .seconds(15))
        #expect(sent.found, "the outbox was sent when the service came back: \(sent.screen)")
        let f = try await Self.songs(url).first { $0.title == "F Tone" }
        #expect(f?.liked == true)
        #expect(f?.rating == 4)
        let likes = try await TermPlayerBinary.run(["likes", "--server", url, "--token", Self.token, "--json"]).standardOutput
        let liked = (try? JSONDecoder().decode([Song].self, from: Data(likes.utf8))) ?? []
        #expect(liked.map(\.title) == ["F Tone"], "liked once: \(likes)")
        try tmux.send("q")
        try await Task.sleep(for: .seconds(1))
        // Nothing is left to send: a third start sends nothing again.
        let again = try setup.ui(url)
        #expect(await again.waitFor("5 songs").found)
        try await Task.sleep(for: .seconds(1))
        #expect(!again.screen().contains("made while"), "nothing was sent twice: \(again.screen())")
        try again.send("q")
    }

    @Test("a damaged cache file is set aside and the UI starts cleanly from the service")
    func damagedCacheIsSetAside() async throws {
        let setup = try Self.setup()
        let service = try await Self.serve(setup)
        defer { service.stop() }
        do {
            let tmux = try setup.ui(service.url)
            #expect(await tmux.waitFor("5 songs").found)
            try tmux.send("q")
            try await Task.sleep(for: .seconds(1))
        }
        let file = try #require(try Self.cacheFiles(setup).first)
        try Data(repeating: 0x5a, count: 8192).write(to: file)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file.path + suffix) }
        let tmux = try setup.ui(service.url)
        let started = await tmux.waitFor("5 songs")
        #expect(started.found, "\(started.screen)")
        #expect(started.screen.contains("set aside"), "the status line says so: \(started.screen)")
        try tmux.send("q")
        let directory = try FileManager.default.contentsOfDirectory(atPath: setup.cache.appendingPathComponent("termplayer").path)
        #expect(directory.contains { $0.contains(".set-aside-") }, "the damaged file is kept beside: \(directory)")
    }
}
