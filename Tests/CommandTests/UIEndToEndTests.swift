import Foundation
import TestSupport
import Testing

/// The real `termplayer` UI in tmux, against a real service, heard through the test PulseAudio server.
@Suite("The terminal UI in tmux", .serialized)
struct UIEndToEndTests {
    /// A library of two tone songs in different genres, served by `termplayer serve`.
    static func toneService() async throws -> ServeProcess {
        let library = try Fixtures.temporaryDirectory("ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        for (id, title, genre, frequency) in [("low", "Low Tone", 1, 440), ("high", "High Tone", 5, 880)] {
            try Fixtures.bundleJSON(title: title, artist: "Test Signals", genre: genre).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: frequency, seconds: 8), to: bucket.appendingPathComponent("\(id).mp3"))
        }
        let service = try ServeProcess(["--library", library.path, "--log-level", "warning"])
        for _ in 0..<100 {
            let listed = try TermPlayerBinary.run(["songs", "--server", service.url, "--json"]).standardOutput
            if listed.contains("Low Tone"), listed.contains("High Tone") { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its two songs")
    }

    @Test("pick a genre, play a song and hear it, pause into silence, resize small and back, quit to a sane terminal")
    func browseAndPlay() async throws {
        let service = try await Self.toneService()
        defer { service.stop() }
        let pulse = try PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let environment = pulse.environment.merging(["LANG": "C.UTF-8", "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("ui-config").path]) { $1 }
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let tmux = try TmuxSession(
            "env \(assignments) '\(try TermPlayerBinary.path)' --server \(service.url); echo \"termplayer exited with $?\"; stty -a; echo end-of-stty; sleep 60",
            width: 100, height: 30)

        #expect(await tmux.waitFor("2 songs").found, "the library is listed")
        try tmux.send("2")
        #expect(await tmux.waitFor("Jazz (1)").found)
        // Genres: Rock, Indie, Pop, Hiphop, Jazz — the fifth holds High Tone.
        try tmux.send("j", "j", "j", "j", "l")
        let capture = try pulse.capture()
        try tmux.send("Enter")
        let playing = await tmux.waitFor("▶ High Tone — Test Signals")
        #expect(playing.found, "the now-playing bar shows the song: \(playing.screen)")
        #expect(await tmux.waitFor("0:02 / 0:08").found, "the clock moves")
        try tmux.send("Space")
        let paused = await tmux.waitFor("‖ High Tone")
        #expect(paused.found, "paused: \(paused.screen)")
        try await Task.sleep(for: .seconds(1.5))
        let samples = capture.stop()
        let spans = SignalAnalysis.soundSpans(samples)
        let heard = try #require(spans.first, "the song was heard")
        let tone = SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: heard.lowerBound + 0.2, to: heard.upperBound - 0.2))
        #expect(abs(tone - 880) < 5, "High Tone is 880 Hz: heard \(tone) Hz")
        let capturedSeconds = Double(samples.count) / Double(AudioCapture.sampleRate)
        #expect(spans.count == 1 && capturedSeconds - heard.upperBound > 1.2, "silence while paused: \(spans) of \(capturedSeconds) s")

        try tmux.resize(width: 30, height: 6)
        #expect(await tmux.waitFor("Terminal too small").found)
        try tmux.resize(width: 100, height: 30)
        let restored = await tmux.waitFor("Genres")
        #expect(restored.found && restored.screen.contains("‖ High Tone"), "back to the full UI: \(restored.screen)")

        try tmux.send("q")
        let exited = await tmux.waitFor("end-of-stty")
        #expect(exited.screen.contains("termplayer exited with 0"), "\(exited.screen)")
        #expect(exited.screen.contains(" icanon") && exited.screen.contains(" echo"), "the terminal's modes are restored: \(exited.screen)")
        #expect(!exited.screen.contains("Genres"), "the UI's screen is gone: \(exited.screen)")
    }
}
