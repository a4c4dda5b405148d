import CurlTransfer
import Foundation
import Hummingbird
import LibraryModel
@testable import LibraryServer
import Logging
@testable import PlayerCore
import SystemPackage
import TestSupport
import Testing

/// A library service in this process over a temporary folder, serving the bundles it was given.
struct ToneLibrary {
    let url: String
    private let task: Task<Void, any Error>

    /// Serves each (id, MP3 file) as a bundle on an ephemeral loopback port.
    static func start(_ songs: [(id: String, mp3: URL)]) async throws -> ToneLibrary {
        let folder = try Fixtures.temporaryDirectory("tones-library")
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let port = AsyncStream<Int>.makeStream()
        let prepared = try await LibraryServer.prepare(
            ServeOptions(library: LocalLibrary(root: FilePath(folder.path)), port: 0, token: "t"), logger: logger
        ) { port.continuation.yield($0) }
        for song in songs {
            let bucket = folder.appendingPathComponent("bucket")
            try Fixtures.bundleJSON(title: song.id).write(to: bucket.appendingPathComponent("\(song.id).json"))
            try FileManager.default.copyItem(at: song.mp3, to: bucket.appendingPathComponent("\(song.id).mp3"))
            _ = await prepared.library.ingestor.reconcile(try BundleID(validating: song.id))
        }
        let task = Task { try await prepared.application.run() }
        var iterator = port.stream.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw Fixtures.FixtureError.missing("the library did not start") }
        return ToneLibrary(url: "http://127.0.0.1:\(bound)", task: task)
    }

    func media(_ id: String) -> String { "\(url)/media/\(id).mp3" }

    func stop() { task.cancel() }
}

/// Playback into a real PulseAudio server's null sink, captured from its monitor and measured.
@Suite("Playback heard through a real PulseAudio server", .serialized)
struct PulsePlaybackTests {
    /// The shared server, started (on first use) on a thread of its own: starting it takes seconds.
    static func server() async throws -> PulseAudioServer { try await Fixtures.onOwnThread { try PulseAudioServer.shared.get() } }

    /// Runs `termplayer play` with this test server's PulseAudio.
    static func play(_ arguments: [String], environment: [String: String] = [:]) async throws -> Fixtures.ProcessResult {
        var merged = try await server().environment
        merged.merge(environment) { $1 }
        return try await TermPlayerBinary.run(["play"] + arguments, environment: merged)
    }

    static func inProcessPlayer() async throws -> Player {
        _ = try await server()
        return Player(output: .pulse, session: CurlSession(name: "test-stream"))
    }

    static func waitUntil(_ player: Player, timeout: Duration = .seconds(10), _ condition: (PlayerSnapshot) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(player.snapshot) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("a song id played from the service is heard at its frequency, for its length")
    func toneByID() async throws {
        let library = try await ToneLibrary.start([("a440", try Fixtures.toneMP3(frequency: 440, seconds: 2))])
        defer { library.stop() }
        let capture = try await Self.server().capture()
        let result = try await Self.play(["--server", library.url, "a440"])
        let samples = capture.stop()
        #expect(result.status == 0, "\(result.standardError)")
        let spans = SignalAnalysis.soundSpans(samples)
        #expect(spans.count == 1, "one continuous sound: \(spans)")
        let heard = try #require(spans.first)
        #expect(abs((heard.upperBound - heard.lowerBound) - 2.0) < 0.1, "heard \(heard)")
        let frequency = SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: heard.lowerBound + 0.2, to: heard.upperBound - 0.2))
        #expect(abs(frequency - 440) < 3, "\(frequency) Hz")
    }

    @Test("paused means silence; resuming carries on where it stopped")
    func silenceWhilePaused() async throws {
        let library = try await ToneLibrary.start([("long", try Fixtures.toneMP3(frequency: 523, seconds: 3))])
        defer { library.stop() }
        let player = try await Self.inProcessPlayer()
        defer { player.shutdown() }
        let capture = try await Self.server().capture()
        player.play([Track(url: library.media("long"))])
        #expect(await Self.waitUntil(player) { $0.position > 1.0 })
        player.pause()
        #expect(await Self.waitUntil(player) { $0.status == .paused })
        let pausedAt = player.snapshot.position
        try await Task.sleep(for: .seconds(1.2))
        #expect(abs(player.snapshot.position - pausedAt) < 0.01, "the position holds while paused")
        player.resume()
        #expect(await Self.waitUntil(player) { $0.status == .stopped })
        let samples = capture.stop()
        let spans = SignalAnalysis.soundSpans(samples)
        #expect(spans.count == 2, "sound, a pause, sound: \(spans)")
        if spans.count == 2 {
            let gap = spans[1].lowerBound - spans[0].upperBound
            #expect(gap > 1.0 && gap < 1.6, "the pause is heard as \(gap) s of silence")
            let heard = SignalAnalysis.heardSeconds(spans)
            #expect(abs(heard - 3) < 0.15, "all 3 s are heard, none twice: \(heard)")
        }
    }

    @Test("after a seek, the output plays from the new place, and the position says so")
    func seek() async throws {
        let stepped = try Fixtures.steppedToneMP3(frequencies: [440, 880], secondsEach: 3)
        let library = try await ToneLibrary.start([("stepped", stepped)])
        defer { library.stop() }
        let player = try await Self.inProcessPlayer()
        defer { player.shutdown() }
        let capture = try await Self.server().capture()
        player.play([Track(url: library.media("stepped"))])
        #expect(await Self.waitUntil(player) { $0.position > 0.8 })
        player.seek(to: 4.5)
        #expect(await Self.waitUntil(player) { $0.position >= 4.5 && $0.position < 5 })
        #expect(await Self.waitUntil(player) { $0.status == .stopped })
        let samples = capture.stop()
        let spans = SignalAnalysis.soundSpans(samples)
        let heard = SignalAnalysis.heardSeconds(spans)
        // About 0.8 s before the seek (less what the output held when it was flushed), and 1.5 s after.
        #expect(heard > 2.0 && heard < 2.7, "\(heard) s heard")
        let after = SignalAnalysis.finalTone(samples, lasting: 1.2)
        #expect(abs(after - 880) < 5, "the second half's tone after the seek: \(after) Hz")
    }

    @Test("--start begins inside the track")
    func startOption() async throws {
        let stepped = try Fixtures.steppedToneMP3(frequencies: [440, 880], secondsEach: 3)
        let capture = try await Self.server().capture()
        let result = try await Self.play(["--start", "3.5", stepped.path])
        let samples = capture.stop()
        #expect(result.status == 0, "\(result.standardError)")
        let spans = SignalAnalysis.soundSpans(samples)
        let heard = try #require(spans.first)
        #expect(spans.count == 1)
        #expect(abs((heard.upperBound - heard.lowerBound) - 2.5) < 0.1, "\(heard)")
        #expect(abs(SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: heard.lowerBound + 0.1, to: heard.upperBound - 0.1)) - 880) < 5)
    }

    @Test("--commands: a seek read from standard input steers the played stream; an unknown line is named")
    func scriptedCommands() async throws {
        let stepped = try Fixtures.steppedToneMP3(frequencies: [440, 880], secondsEach: 3)
        var environment = try await Self.server().environment
        environment.merge(ProcessInfo.processInfo.environment) { mine, _ in mine }
        let capture = try await Self.server().capture()
        let result = try Fixtures.runAllowingFailure(
            try TermPlayerBinary.path, ["play", "--commands", stepped.path], environment: environment, input: Data("seek 4\nbogus\n".utf8))
        let samples = capture.stop()
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("ignored \"bogus\""), "an unknown command is named, not obeyed: \(result.standardError)")
        let spans = SignalAnalysis.soundSpans(samples)
        let heard = SignalAnalysis.heardSeconds(spans)
        #expect(heard > 1.8 && heard < 2.2, "2 s after the seek to 4 s, not 6 s: \(heard) s heard")
        let tone = SignalAnalysis.finalTone(samples, lasting: 1.5)
        #expect(abs(tone - 880) < 5, "the second half's tone: \(tone) Hz")
    }

    @Test("termplayer play without termplayer-play beside it plays in its own process, to the same samples")
    func inProcessFallback() async throws {
        let tone = try Fixtures.toneMP3(frequency: 440, seconds: 1.5)
        let folder = try Fixtures.temporaryDirectory("lone-binary")
        let lone = folder.appendingPathComponent("termplayer")
        try FileManager.default.copyItem(atPath: try TermPlayerBinary.path, toPath: lone.path)
        let wav = folder.appendingPathComponent("out.wav").path
        let result = try Fixtures.runAllowingFailure(lone.path, ["play", "--output", "wav:\(wav)", tone.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.isEmpty, "\(result.standardError)")
        let size = try FileManager.default.attributesOfItem(atPath: wav)[.size] as? Int ?? 0
        #expect((size - 44) / 4 == Int(1.5 * 44100))
    }

    @Test("two tracks back to back: no gap heard, and the WAV holds exactly both decodes")
    func gapless() async throws {
        let first = try Fixtures.toneMP3(frequency: 440, seconds: 1.5)
        let second = try Fixtures.toneMP3(frequency: 660, seconds: 1.5)
        let capture = try await Self.server().capture()
        let result = try await Self.play([first.path, second.path])
        let samples = capture.stop()
        #expect(result.status == 0, "\(result.standardError)")
        let spans = SignalAnalysis.soundSpans(samples, bridge: 0)
        #expect(spans.count == 1, "one continuous sound across the change of track: \(spans)")
        if let span = spans.first {
            #expect(abs((span.upperBound - span.lowerBound) - 3.0) < 0.1)
        }

        let folder = try Fixtures.temporaryDirectory("wav")
        func frames(_ arguments: [String], _ name: String) async throws -> Int {
            let path = folder.appendingPathComponent(name).path
            let result = try await Self.play(["--output", "wav:\(path)"] + arguments)
            #expect(result.status == 0, "\(result.standardError)")
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            return (size - 44) / 4
        }
        let both = try await frames([first.path, second.path], "both.wav")
        let alone = try await frames([first.path], "first.wav") + frames([second.path], "second.wav")
        #expect(both == alone)
        #expect(both == 2 * Int(1.5 * 44100))
    }

    @Test("the player frozen for 200 ms (a busy machine) is not heard: the server holds half a second")
    func stallNotHeard() async throws {
        let tone = try Fixtures.toneMP3(frequency: 440, seconds: 3)
        let capture = try await Self.server().capture()
        let player = Process()
        player.executableURL = URL(fileURLWithPath: try TermPlayerBinary.path)
        player.arguments = ["play", tone.path]
        player.environment = await ProcessInfo.processInfo.environment.merging(try Self.server().environment) { $1 }
        player.standardOutput = FileHandle.nullDevice
        player.standardError = FileHandle.nullDevice
        try player.run()
        try await Task.sleep(for: .seconds(1))
        // SIGSTOP freezes every thread, libpulse's too: only what the server already holds can play.
        kill(player.processIdentifier, SIGSTOP)
        let frozen = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(200))
        kill(player.processIdentifier, SIGCONT)
        let stall = ContinuousClock.now - frozen
        let deadline = ContinuousClock.now + .seconds(15)
        while player.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let samples = capture.stop()
        guard !player.isRunning else {
            kill(player.processIdentifier, SIGKILL)
            Issue.record("a 3 s track still playing after 15 s")
            return
        }
        #expect(player.terminationStatus == 0)
        let spans = SignalAnalysis.soundSpans(samples, bridge: 0)
        #expect(spans.count == 1, "no gap after a stall of \(stall): \(spans)")
        #expect(abs(SignalAnalysis.heardSeconds(spans) - 3) < 0.1, "\(spans)")
    }

    @Test("volume is heard as amplitude (PulseAudio's cubic scale: 50 % is 1/8)")
    func volume() async throws {
        let library = try await ToneLibrary.start([("steady", try Fixtures.toneMP3(frequency: 440, seconds: 4))])
        defer { library.stop() }
        let player = try await Self.inProcessPlayer()
        defer { player.shutdown() }
        let capture = try await Self.server().capture()
        player.play([Track(url: library.media("steady"))])
        #expect(await Self.waitUntil(player) { $0.position > 1.5 })
        player.setVolume(50)
        #expect(await Self.waitUntil(player) { $0.status == .stopped })
        let samples = capture.stop()
        let spans = SignalAnalysis.soundSpans(samples, threshold: 0.005)
        let start = try #require(spans.first).lowerBound
        let loud = SignalAnalysis.rms(SignalAnalysis.slice(samples, from: start + 0.5, to: start + 1.3))
        let quiet = SignalAnalysis.rms(SignalAnalysis.slice(samples, from: start + 2.5, to: start + 3.5))
        #expect(abs(Double(loud) - 0.5 / 2.0.squareRoot()) < 0.03, "full volume: the tone's own level, \(loud)")
        #expect(abs(quiet / loud - 0.125) < 0.03, "half volume: \(quiet / loud) of full")
    }

    @Test("a missing file is an HTTP 404 with its URL; garbage is named; good tracks still play")
    func badTracks() async throws {
        let library = try await ToneLibrary.start([("good", try Fixtures.toneMP3(frequency: 440, seconds: 1))])
        defer { library.stop() }
        let garbage = try Fixtures.temporaryDirectory("garbage").appendingPathComponent("garbage.mp3")
        var random = SystemRandomNumberGenerator()
        try Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) }).write(to: garbage)
        let capture = try await Self.server().capture()
        let result = try await Self.play([library.media("missing"), garbage.path, library.media("good")])
        let samples = capture.stop()
        #expect(result.status != 0)
        #expect(result.standardError.contains("\(library.media("missing")) answered HTTP 404"))
        #expect(result.standardError.contains("not an MP3"))
        let heard = SignalAnalysis.soundSpans(samples).reduce(0) { $0 + $1.upperBound - $1.lowerBound }
        #expect(abs(heard - 1) < 0.1, "the good track is heard whole: \(heard) s")
    }

    @Test("no PulseAudio server: a clear error naming PULSE_SERVER, at once, no crash")
    func noServer() async throws {
        let started = ContinuousClock.now
        let result = try await Self.play(
            [try Fixtures.toneMP3(seconds: 1).path], environment: ["PULSE_SERVER": "unix:/nonexistent/pulse/native"])
        #expect(result.status == 1, "a clean failure, not a crash: \(result.status)")
        #expect(result.standardError.contains("PulseAudio is not reachable"))
        #expect(result.standardError.contains("PULSE_SERVER"))
        #expect(result.standardError.contains("ssh -R"))
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// A service over one 8 s, 320 kbit/s track (320 kB), reached through a proxy passing 48 kB/s: a little
    /// faster than playback, so most of the track is still to come when the connection is cut.
    static func slowLibrary() async throws -> (ToneLibrary, ThrottleProxy, port: Int) {
        let library = try await ToneLibrary.start([("long", try Fixtures.toneMP3(frequency: 440, seconds: 8, bitrate: 320))])
        let target = try #require(Int(library.url.split(separator: ":").last ?? ""))
        let proxy = try ThrottleProxy(target: target, bytesPerSecond: 48_000)
        return (library, proxy, target)
    }

    @Test("a connection dropped mid-track is resumed from the byte it stopped at, and the whole track is heard")
    func connectionDropped() async throws {
        let (library, proxy, target) = try await Self.slowLibrary()
        defer { library.stop() }
        let url = "http://127.0.0.1:\(proxy.port)/media/long.mp3"
        let capture = try await Self.server().capture()
        let player = Task { try await Self.play(["--stream-buffer", "64", url]) }
        try await Task.sleep(for: .seconds(2))
        proxy.kill()
        try await Task.sleep(for: .milliseconds(300))
        let restored = try ThrottleProxy(port: proxy.port, target: target, bytesPerSecond: 48_000)
        let result = try await player.value
        restored.kill()
        let samples = capture.stop()
        #expect(result.status == 0, "\(result.standardError)")
        let spans = SignalAnalysis.soundSpans(samples)
        let heard = SignalAnalysis.heardSeconds(spans)
        #expect(abs(heard - 8) < 0.15, "the whole track, none of it twice: \(heard) s in \(spans)")
        let frequency = SignalAnalysis.finalTone(samples, lasting: 2)
        #expect(abs(frequency - 440) < 3, "the end of the track is clean: \(frequency) Hz")
    }

    @Test("a connection that stays down: the track ends with a clear network error after a few retries")
    func connectionGone() async throws {
        let (library, proxy, _) = try await Self.slowLibrary()
        defer { library.stop() }
        let url = "http://127.0.0.1:\(proxy.port)/media/long.mp3"
        let player = Task { try await Self.play(["--output", "null", "--stream-buffer", "64", url]) }
        try await Task.sleep(for: .seconds(1.5))
        proxy.kill()
        let started = ContinuousClock.now
        let result = try await player.value
        #expect(result.status == 1)
        #expect(result.standardError.contains("\(url):"), "\(result.standardError)")
        #expect(result.standardError.contains("after 4 retries"), "\(result.standardError)")
        #expect(ContinuousClock.now - started < .seconds(10), "retries are bounded")
    }

    @Test("PulseAudio restarting mid-track: the player reconnects and finishes the track")
    func pulseRestart() async throws {
        let library = try await ToneLibrary.start([("steady", try Fixtures.toneMP3(frequency: 440, seconds: 5))])
        defer { library.stop() }
        let server = try await Self.server()
        let player = try await Self.inProcessPlayer()
        defer { player.shutdown() }
        player.play([Track(url: library.media("steady"))])
        #expect(await Self.waitUntil(player) { $0.position > 1.0 })
        server.kill()
        try server.start()
        let capture = try server.capture()
        #expect(await Self.waitUntil(player, timeout: .seconds(15)) { $0.status == .stopped })
        let samples = capture.stop()
        let events = player.drainEvents()
        #expect(events.contains { event in
            if case .outputFailed = event { return true } else { return false }
        })
        #expect(events.last == .queueFinished)
        let heard = SignalAnalysis.soundSpans(samples).reduce(0) { $0 + $1.upperBound - $1.lowerBound }
        #expect(heard > 2.5, "playback went on after the restart: \(heard) s heard")
    }
}
