import Foundation
import TestSupport
import Testing

/// The real `termplayer` UI in tmux, against a real service, heard through the test PulseAudio server.
@Suite("The terminal UI in tmux", .serialized)
struct UIEndToEndTests {
    /// A library folder with two tone songs in different genres in its bucket.
    static func toneLibrary() throws -> URL {
        let library = try Fixtures.temporaryDirectory("ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        for (id, title, genre, frequency) in [("low", "Low Tone", 1, 440), ("high", "High Tone", 5, 880)] {
            try Fixtures.bundleJSON(title: title, artist: "Test Signals", genre: genre).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: frequency, seconds: 8), to: bucket.appendingPathComponent("\(id).mp3"))
        }
        return library
    }

    /// `termplayer serve` over `library` (on `port`, or any), once both songs are listed.
    static func toneService(_ library: URL? = nil, port: Int = 0) async throws -> ServeProcess {
        let service = try await ServeProcess(["--library", (try library ?? toneLibrary()).path, "--log-level", "warning"], port: port)
        for _ in 0..<100 {
            let listed = try await TermPlayerBinary.run(["songs", "--server", service.url, "--json"]).standardOutput
            if listed.contains("Low Tone"), listed.contains("High Tone") { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its two songs")
    }

    @Test("pick a genre, play a song and hear it, pause into silence, resize small and back, quit to a sane terminal")
    func browseAndPlay() async throws {
        let service = try await Self.toneService()
        defer { service.stop() }
        let pulse = try await PulseAudioServer.startPrivate()
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

    /// Every parameter of every SGR sequence (ESC [ … m) in `text`.
    static func sgrParameters(_ text: String) -> Set<Int> {
        var found: Set<Int> = []
        for part in text.split(separator: "\u{1B}").dropFirst() where part.hasPrefix("[") {
            guard let end = part.firstIndex(where: { !$0.isNumber && $0 != ";" && $0 != "[" }), part[end] == "m" else { continue }
            for number in part.dropFirst()[..<end].split(separator: ";") { if let value = Int(number) { found.insert(value) } }
        }
        return found
    }

    @Test("colour follows the terminal: 256 colours, or none for NO_COLOR and vt100, where reverse video marks the cursor", arguments: [
        ("xterm-256color", false, true), ("xterm-256color", true, false), ("vt100", false, false),
    ])
    func colours(term: String, noColor: Bool, expectsColour: Bool) async throws {
        let service = try await Self.toneService()
        defer { service.stop() }
        // swift test runs the tests with NO_COLOR=1 in their environment: set or unset it explicitly.
        let environment = "\(noColor ? "NO_COLOR=1" : "-u NO_COLOR") TERM=\(term) LANG=C.UTF-8 PULSE_SERVER=unix:/nonexistent"
        let tmux = try TmuxSession("env \(environment) '\(try TermPlayerBinary.path)' --server \(service.url); sleep 60", width: 90, height: 20)
        #expect(await tmux.waitFor("2 songs").found)
        let styled = tmux.screen(escapes: true)
        let attributes = Self.sgrParameters(styled)
        // 39 and 49 are "the terminal's own colours", which tmux writes either way.
        let coloured = attributes.contains { ((30...48).contains($0) || (90...107).contains($0)) && $0 != 39 }
        #expect(coloured == expectsColour, "\(term), NO_COLOR=\(noColor): \(attributes.sorted())")
        #expect(attributes.contains(7) || expectsColour, "reverse video marks the cursor without colour: \(attributes.sorted())")

        // No PulseAudio: playing says what to do, and the UI goes on.
        try tmux.send("Enter")
        let message = await tmux.waitFor("PULSE_SERVER")
        #expect(message.found, "the status line names PULSE_SERVER: \(message.screen)")
        try tmux.send("2")
        #expect(await tmux.waitFor("Jazz (1)").found, "the UI still answers keys")
        try tmux.send("q")
    }

    @Test("a service that goes away is shown as offline, and found again when it returns")
    func serviceComesAndGoes() async throws {
        let library = try Self.toneLibrary()
        let first = try await Self.toneService(library)
        let tmux = try TmuxSession("env LANG=C.UTF-8 '\(try TermPlayerBinary.path)' --server \(first.url); sleep 60", width: 100, height: 20)
        #expect(await tmux.waitFor("2 songs").found)
        first.stop()
        let offline = await tmux.waitFor("offline", timeout: .seconds(12))
        #expect(offline.found && offline.screen.contains("retrying"), "\(offline.screen)")
        let second = try await Self.toneService(library, port: first.port)
        defer { second.stop() }
        let back = await tmux.waitFor("2 songs", timeout: .seconds(12))
        #expect(back.found && !back.screen.contains("offline"), "\(back.screen)")
        try tmux.send("q")
    }

    @Test("a crash signal puts the terminal back before the process dies")
    func crashRestoresTerminal() async throws {
        let service = try await Self.toneService()
        defer { service.stop() }
        let marker = "crash-\(UUID().uuidString.prefix(8))"
        let tmux = try TmuxSession(
            "env LANG=C.UTF-8 SWIFT_BACKTRACE=enable=no '\(try TermPlayerBinary.path)' --server \(service.url)/\(marker); echo \"status $?\"; stty -a; echo end-of-stty; sleep 60",
            width: 100, height: 30)
        #expect(await tmux.waitFor("1 Songs").found)
        // The UI process itself, not the shell or tmux server whose command lines also hold the marker.
        let candidates = try Fixtures.run("pgrep", ["-x", "termplayer"]).standardOutput.split(separator: "\n").compactMap { Int32($0) }
        let ui = candidates.filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?.contains(marker) == true
        }
        #expect(ui.count == 1)
        for pid in ui { kill(pid, SIGSEGV) }
        let after = await tmux.waitFor("end-of-stty")
        #expect(after.screen.contains("status 139"), "killed by SIGSEGV: \(after.screen)")
        #expect(after.screen.contains(" icanon") && after.screen.contains(" echo"), "\(after.screen)")
        #expect(!after.screen.contains("1 Songs"), "the UI's screen is gone: \(after.screen)")
    }
}
