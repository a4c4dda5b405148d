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

        func environment(pulse: PulseAudioServer? = nil) -> String {
            [
                "LANG": "C.UTF-8", "TERMPLAYER_TOKEN": OfflineUIEndToEndTests.token, "PULSE_SERVER": "unix:/nonexistent",
                "XDG_CONFIG_HOME": config.path, "XDG_CACHE_HOME": cache.path,
            ].merging(pulse?.environment ?? [:]) { $1 }.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        }

        func ui(_ server: String, pulse: PulseAudioServer? = nil) throws -> TmuxSession {
            try TmuxSession("env \(environment(pulse: pulse)) '\(try TermPlayerBinary.path)' --server \(server); sleep 60", width: 100, height: 24)
        }
    }

    /// Five tone songs of `seconds` each, at `frequency` Hz.
    static func setup(seconds: Double = 1, frequency: Int = 440) throws -> Setup {
        let library = try Fixtures.temporaryDirectory("offline-ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        let tone = try Fixtures.toneMP3(frequency: frequency, seconds: seconds)
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

    @Test("a song kept with O plays from disk with the service gone, heard through PulseAudio, seeking included; the others are refused")
    func keptSongPlaysOffline() async throws {
        let setup = try Self.setup(seconds: 12, frequency: 660)
        let service = try await Self.serve(setup)
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let tmux = try setup.ui(service.url, pulse: pulse)
        #expect(await tmux.waitFor("5 songs").found)
        // F Tone, the third row, is kept for offline: fetched into the song cache.
        try tmux.send("j", "j", "O")
        let kept = await tmux.waitFor("Kept 1 song for offline", timeout: .seconds(15))
        #expect(kept.found, "\(kept.screen)")
        #expect(kept.screen.contains("↓F Tone"), "its row is marked kept: \(kept.screen)")
        let songs = try FileManager.default.contentsOfDirectory(atPath: setup.cache.appendingPathComponent("termplayer").path)
            .filter { $0.hasPrefix("songs-") }
            .flatMap { folder in
                (try? FileManager.default.contentsOfDirectory(atPath: setup.cache.appendingPathComponent("termplayer/\(folder)").path)) ?? []
            }
        #expect(songs.filter { $0.hasSuffix(".mp3") }.count == 1, "one copy on disk: \(songs)")

        service.stop()
        // The header's mark, not the status line's "Kept … for offline".
        let offline = await tmux.waitFor("offline · http", timeout: .seconds(15))
        #expect(offline.found, "\(offline.screen)")
        // D Tone is not kept: Enter says so and plays nothing.
        try tmux.send("k", "Enter")
        let refused = await tmux.waitFor("not on this machine")
        #expect(refused.found, "\(refused.screen)")
        let capture = try pulse.capture()
        try tmux.send("j", "Enter")
        let playing = await tmux.waitFor("▶ F Tone")
        #expect(playing.found, "the kept song plays offline: \(playing.screen)")
        #expect(await tmux.waitFor("0:01 / 0:12").found, "the clock moves")
        // Seeking in the copy on disk: five seconds on, and the song ends sooner.
        try tmux.send("Right")
        let sought = await tmux.waitFor("0:07 / 0:12")
        #expect(sought.found, "seeking works offline: \(sought.screen)")
        try await Task.sleep(for: .seconds(2))
        try tmux.send("Space")
        _ = await tmux.waitFor("‖ F Tone")
        let samples = capture.stop()
        let heard = try #require(SignalAnalysis.soundSpans(samples).first, "the kept song was heard")
        let tone = SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: heard.lowerBound + 0.2, to: heard.upperBound - 0.2))
        #expect(abs(tone - 660) < 5, "F Tone is 660 Hz: heard \(tone) Hz")
        try tmux.send("q")
    }

    @Test("a cache from another catalog at the same address is never mixed in: the new catalog's songs replace it")
    func anotherCatalogReplacesTheCache() async throws {
        let setup = try Self.setup()
        // A smaller catalog first, so the second one's feed reaches past the cached position: only the
        // catalog's identity can tell its changes are not the cache's.
        let first = try await ServeProcess(["--library", try UIEndToEndTests.toneLibrary().path, "--token", Self.token, "--log-level", "warning"])
        let port = Int(first.url.split(separator: ":").last ?? "") ?? 0
        do {
            let tmux = try setup.ui(first.url)
            #expect(await tmux.waitFor("2 songs").found)
            try tmux.send("q")
            try await Task.sleep(for: .seconds(1))
        }
        first.stop()
        // Another library, so another catalog, behind the same URL and with the same token.
        let second = try await Self.serve(setup, port: port)
        defer { second.stop() }
        let tmux = try setup.ui(second.url)
        let replaced = await tmux.waitFor("5 songs", timeout: .seconds(15))
        #expect(replaced.found, "\(replaced.screen)")
        #expect(replaced.screen.contains("F Tone") && !replaced.screen.contains("High Tone"), "no song of the old catalog stays: \(replaced.screen)")
        try tmux.send("q")
        try await Task.sleep(for: .seconds(1))
        // And the cache now holds the new catalog: a start without the service shows it.
        second.stop()
        let cached = try setup.ui(second.url)
        let offline = await cached.waitFor("offline · http")
        #expect(offline.found && offline.screen.contains("B Tone") && !offline.screen.contains("Low Tone"), "\(offline.screen)")
        try cached.send("q")
    }

    @Test("a playlist kept with O opens and plays after a start without the service")
    func keptPlaylistPlaysOffline() async throws {
        let setup = try Self.setup(seconds: 6)
        let service = try await Self.serve(setup)
        let ids = try await Self.songs(service.url).filter { ["D Tone", "H Tone"].contains($0.title) }.map(\.id)
        _ = try await TermPlayerBinary.run(["playlist", "create", "--server", service.url, "--token", Self.token, "Night drive"] + ids)
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        do {
            let tmux = try setup.ui(service.url, pulse: pulse)
            #expect(await tmux.waitFor("5 songs").found)
            // View 6: the smart lists, then the listener's own; G is Night drive.
            try tmux.send("6")
            #expect(await tmux.waitFor("Night drive").found)
            try tmux.send("G")
            #expect(await tmux.waitFor("H Tone").found, "its songs are listed")
            try tmux.send("O")
            let kept = await tmux.waitFor("Kept 2 songs for offline", timeout: .seconds(15))
            #expect(kept.found, "\(kept.screen)")
            try tmux.send("q")
            try await Task.sleep(for: .seconds(1))
        }
        service.stop()
        let tmux = try setup.ui(service.url, pulse: pulse)
        #expect(await tmux.waitFor("offline · http").found)
        try tmux.send("6")
        #expect(await tmux.waitFor("Night drive").found, "the playlists, as kept")
        try tmux.send("G")
        let opened = await tmux.waitFor("H Tone")
        #expect(opened.found, "the playlist opens offline: \(opened.screen)")
        try tmux.send("l", "j", "Enter")
        let playing = await tmux.waitFor("▶ H Tone")
        #expect(playing.found, "its second song plays: \(playing.screen)")
        #expect(await tmux.waitFor("0:01 / 0:06").found, "the clock moves")
        try tmux.send("q")
    }

    @Test("offline-cache in the config file limits the song cache: a song larger than it is refused with a message; a bad size is an error")
    func songCacheLimit() async throws {
        let setup = try Self.setup(seconds: 12)
        let service = try await Self.serve(setup)
        defer { service.stop() }
        let config = setup.config.appendingPathComponent("termplayer")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        try "offline-cache = lots\n".write(to: config.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let refused = try setup.ui(service.url)
        let said = await refused.waitFor("offline-cache is a size")
        #expect(said.found, "\(said.screen)")
        // 12 s at 128 kbit/s is about 190 KiB: it cannot fit in 64 KiB.
        try "offline-cache = 64K\n".write(to: config.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        let tmux = try setup.ui(service.url)
        #expect(await tmux.waitFor("5 songs").found)
        try tmux.send("O")
        let tooLarge = await tmux.waitFor("does not fit", timeout: .seconds(15))
        #expect(tooLarge.found, "\(tooLarge.screen)")
        try tmux.send("q")
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
