import Foundation
import LibraryModel
import TestSupport
import Testing

/// A listener's day in the real UI, in tmux, against a real service, heard through PulseAudio.
@Suite("A listener in the terminal UI", .serialized)
struct ListenerUIEndToEndTests {
    static let token = "listener-journey-token"
    /// Title order is the listing's order: A (440 Hz), B (660 Hz), C (880 Hz), three seconds each.
    static let songs = [("low", "A Low Tone", 440), ("mid", "B Mid Tone", 660), ("high", "C High Tone", 880)]

    static func library() throws -> URL {
        let library = try Fixtures.temporaryDirectory("listener-ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        for (id, title, frequency) in songs {
            try Fixtures.bundleJSON(title: title, artist: "Test Signals", genre: 1).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: frequency, seconds: 3), to: bucket.appendingPathComponent("\(id).mp3"))
        }
        return library
    }

    static func service(_ library: URL, port: Int = 0) async throws -> ServeProcess {
        let service = try await ServeProcess(["--library", library.path, "--token", token, "--log-level", "warning"], port: port)
        for _ in 0..<100 {
            if try await songs(service).count == 3 { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its songs")
    }

    /// The listing as the local listener (the service token) sees it, marks included.
    static func songs(_ service: ServeProcess, environment: [String: String] = [:], token: String? = token) async throws -> [Song] {
        let arguments = ["songs", "--server", service.url, "--json"] + (token.map { ["--token", $0] } ?? [])
        let output = try await TermPlayerBinary.run(arguments, environment: environment).standardOutput
        return (try? JSONDecoder().decode([Song].self, from: Data(output.utf8))) ?? []
    }

    static func ui(_ service: ServeProcess, environment: [String: String]) throws -> TmuxSession {
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        return try TmuxSession("env \(assignments) '\(try TermPlayerBinary.path)' --server \(service.url); sleep 60", width: 110, height: 30)
    }

    /// The row of `title` on screen.
    static func row(_ title: String, in screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains(title) }.map(String.init) ?? ""
    }

    @Test("like and see the heart, rate, make a playlist of three songs and hear them in that order, find it all after a restart")
    func journey() async throws {
        let library = try Self.library()
        var service = try await Self.service(library)
        defer { service.stop() }
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let environment = pulse.environment.merging([
            "LANG": "C.UTF-8", "TERMPLAYER_TOKEN": Self.token, "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("listener-ui-config").path,
        ]) { $1 }
        let tmux = try Self.ui(service, environment: environment)
        #expect(await tmux.waitFor("3 songs").found)

        // Like the song under the cursor: the heart shows, and the service has it.
        try tmux.send("f")
        let liked = await tmux.waitFor("Liked")
        #expect(Self.row("A Low Tone", in: liked.screen).contains("♥"), "\(liked.screen)")
        await #expect(try Self.songs(service).first { $0.id == "low" }?.liked == true)
        // Rate it 4 in the popup.
        try tmux.send("*")
        #expect(await tmux.waitFor("never suggest").found, "the rating popup is open")
        try tmux.send("4")
        try await Task.sleep(for: .milliseconds(500))
        await #expect(try Self.songs(service).first { $0.id == "low" }?.rating == 4)

        // A playlist, then three songs added from the songs view in the order C, A, B.
        try tmux.send("6")
        #expect(await tmux.waitFor("Never played").found)
        try tmux.send("N")
        try tmux.send("R", "o", "a", "d", "Enter")
        #expect(await tmux.waitFor("Road").found)
        try tmux.send("1", "j", "j", "y")
        #expect(await tmux.waitFor("New playlist").found, "the picker is open")
        try tmux.send("Enter")
        try await Task.sleep(for: .milliseconds(300))
        try tmux.send("k", "k", "y", "Enter")
        try await Task.sleep(for: .milliseconds(300))
        try tmux.send("j", "y", "Enter")
        try await Task.sleep(for: .milliseconds(500))
        let listed = try await TermPlayerBinary.run(["playlist", "show", "Road", "--server", service.url, "--token", Self.token, "--json"])
        let playlist = try JSONDecoder().decode(PlaylistDetail.self, from: Data(listed.standardOutput.utf8))
        #expect(playlist.entries.map(\.songId) == ["high", "low", "mid"], "\(listed.standardOutput)\(listed.standardError)")

        // Play it from view 6: the six smart lists come first, then Road.
        try tmux.send("6", "j", "j", "j", "j", "j", "j")
        #expect(await tmux.waitFor("C High Tone").found, "Road's songs are shown")
        let capture = try pulse.capture()
        try tmux.send("l", "Enter")
        #expect(await tmux.waitFor("▶ C High Tone").found)
        try await Task.sleep(for: .seconds(10))
        let samples = capture.stop()
        let heard = try #require(SignalAnalysis.soundSpans(samples).first, "the playlist was heard")
        let tones = (0..<3).map { index in
            let start = heard.lowerBound + Double(index) * 3
            return SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: start + 0.5, to: start + 2.5))
        }
        #expect(zip(tones, [880.0, 440, 660]).allSatisfy { abs($0 - $1) < 8 }, "heard in playlist order: \(tones)")

        // The service restarts; the UI finds it again, with everything still there.
        let port = service.port
        service.stop()
        #expect(await tmux.waitFor("offline", timeout: .seconds(15)).found)
        service = try await Self.service(library, port: port)
        // The tab bar's count beside the server: the open playlist's "Road · 3 songs · 0:09" stays on
        // screen offline or not. The UI retries every 3 s.
        #expect(await tmux.waitFor("3 songs · \(service.url)", timeout: .seconds(15)).found)
        // Each wait is for what only the new view shows: Road's songs are on screen until the switch.
        try tmux.send("1")
        let back = await tmux.waitFor("Songs by title")
        #expect(Self.row("A Low Tone", in: back.screen).contains("♥"), "the heart is still there: \(back.screen)")
        try tmux.send("6", "j", "j", "j", "j", "j", "j")
        let road = await tmux.waitFor("Road · 3 songs")
        #expect(road.found && road.screen.contains("B Mid Tone"), "\(road.screen)")
        let history = try await TermPlayerBinary.run(["history", "--server", service.url, "--token", Self.token, "--json"])
        let plays = try JSONDecoder().decode([HistoryEntry].self, from: Data(history.standardOutput.utf8))
        #expect(plays.prefix(3).map(\.songId).reversed() == ["high", "low", "mid"], "the plays were reported: \(history.standardOutput)")
        try tmux.send("q")
    }

    @Test("two listeners with different likes see only their own")
    func twoListeners() async throws {
        let library = try Self.library()
        let service = try await Self.service(library)
        defer { service.stop() }
        let annConfig = try Fixtures.temporaryDirectory("ann-config").path
        let add = try Fixtures.runAllowingFailure(
            try TermPlayerBinary.path, ["user", "add", "ann", "--password-stdin", "--server", service.url, "--token", Self.token],
            input: Data("ann-secret\n".utf8))
        #expect(add.status == 0, "\(add.standardError)")
        let login = try Fixtures.runAllowingFailure(
            try TermPlayerBinary.path, ["login", "ann", "--server", service.url], environment: ["XDG_CONFIG_HOME": annConfig],
            input: Data("ann-secret\n".utf8))
        #expect(login.status == 0, "\(login.standardError)")

        let owner = try Self.ui(service, environment: ["LANG": "C.UTF-8", "TERMPLAYER_TOKEN": Self.token, "PULSE_SERVER": "unix:/nonexistent"])
        let ann = try Self.ui(service, environment: ["LANG": "C.UTF-8", "XDG_CONFIG_HOME": annConfig, "PULSE_SERVER": "unix:/nonexistent"])
        #expect(await owner.waitFor("3 songs").found)
        #expect(await ann.waitFor("3 songs").found)
        try owner.send("f")
        try ann.send("j", "j", "f")
        #expect(Self.row("A Low Tone", in: await owner.waitFor("Liked").screen).contains("♥"))
        let annScreen = await ann.waitFor("Liked").screen
        #expect(Self.row("C High Tone", in: annScreen).contains("♥"), "\(annScreen)")
        #expect(!Self.row("A Low Tone", in: annScreen).contains("♥"), "the owner's like is not Ann's: \(annScreen)")
        let ownersLikes = try await Self.songs(service).filter { $0.liked == true }.map(\.id)
        let annsLikes = try await Self.songs(service, environment: ["XDG_CONFIG_HOME": annConfig], token: nil).filter { $0.liked == true }.map(\.id)
        #expect(ownersLikes == ["low"])
        #expect(annsLikes == ["high"])
        try owner.send("q")
        try ann.send("q")
    }
}
