import Foundation
import LibraryModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Songs uploaded and deleted while the real UI is open, in tmux, against a real service: they arrive
/// through the change feed, in place, with the cursor on its song.
@Suite("The change feed in the terminal UI", .serialized)
struct FeedUIEndToEndTests {
    static let token = "feed-ui-token"
    /// Title order: B, D, F, H, J. The cursor goes to F, the middle one.
    static let songs = [("b", "B Tone"), ("d", "D Tone"), ("f", "F Tone"), ("h", "H Tone"), ("j", "J Tone")]

    static func service() async throws -> ServeProcess {
        let library = try Fixtures.temporaryDirectory("feed-ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        let tone = try Fixtures.toneMP3(seconds: 1)
        for (id, title) in songs {
            try Fixtures.bundleJSON(title: title, artist: "Test Signals", genre: 1).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: tone, to: bucket.appendingPathComponent("\(id).mp3"))
        }
        let service = try await ServeProcess(["--library", library.path, "--token", token, "--log-level", "warning"], port: 0)
        for _ in 0..<100 {
            let output = try await TermPlayerBinary.run(["songs", "--server", service.url, "--token", token, "--json"]).standardOutput
            if ((try? JSONDecoder().decode([Song].self, from: Data(output.utf8))) ?? []).count == songs.count { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its songs")
    }

    /// The screen row (0-based) that shows `title`; nil when none does.
    static func row(of title: String, in screen: String) -> Int? {
        screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(title) }
    }

    /// Polls the screen every 10 ms until `condition` holds; the time it took, or nil at the deadline.
    static func time(_ tmux: TmuxSession, timeout: Duration = .seconds(10), until condition: (String) -> Bool) async -> Duration? {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            if condition(tmux.screen()) { return ContinuousClock.now - started }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test("an uploaded song shows within a second in its place, the cursor stays on its song; a deleted one goes")
    func uploadAndDelete() async throws {
        let service = try await Self.service()
        defer {
            let stopping = ContinuousClock.now
            service.stop()
            print("feed: the service took \(ContinuousClock.now - stopping) to stop")
        }
        let environment = [
            "LANG": "C.UTF-8", "TERMPLAYER_TOKEN": Self.token, "PULSE_SERVER": "unix:/nonexistent",
            "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("feed-ui-config").path,
        ].map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let tmux = try TmuxSession("env \(environment) '\(try TermPlayerBinary.path)' --server \(service.url); sleep 60", width: 100, height: 24)
        let loaded = await tmux.waitFor("5 songs")
        #expect(loaded.found, "\(loaded.screen)")
        // The cursor on F Tone, the third row; `a` queues the song under it and says which.
        try tmux.send("j", "j", "a")
        let queued = await tmux.waitFor("Added F Tone to the queue (1)")
        #expect(queued.found, "\(queued.screen)")
        let rowBefore = try #require(Self.row(of: "F Tone", in: queued.screen))

        // A bundle whose title sorts before the cursor's song.
        let bundle = try Fixtures.temporaryDirectory("feed-ui-upload")
        try Fixtures.bundleJSON(title: "A New Tone", artist: "Test Signals", genre: 1).write(to: bundle.appendingPathComponent("anew.json"))
        try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: 660, seconds: 1), to: bundle.appendingPathComponent("anew.mp3"))
        let upload = try await TermPlayerBinary.run(["upload", bundle.path, "--server", service.url, "--token", Self.token])
        #expect(upload.status == 0, "\(upload.standardOutput)\(upload.standardError)")
        let shown = await Self.time(tmux) { $0.contains("A New Tone") && $0.contains("6 songs") }
        let arrived = try #require(shown, "the new song never showed: \(tmux.screen())")
        print("feed: the uploaded song showed \(arrived) after the upload returned")
        #expect(arrived < .seconds(2), "within a second, with room for a loaded machine: \(arrived)")
        let screen = tmux.screen()
        let newRow = try #require(Self.row(of: "A New Tone", in: screen))
        #expect(newRow < rowBefore, "above the cursor's song, in title order:\n\(screen)")
        #expect(Self.row(of: "F Tone", in: screen) == rowBefore + 1, "F Tone moved down a row:\n\(screen)")
        // Still on F Tone, not on the row it was: `a` queues it again.
        try tmux.send("a")
        let again = await tmux.waitFor("Added F Tone to the queue (2)")
        #expect(again.found, "the cursor stayed on its song:\n\(again.screen)")

        // Deleted through the API: it goes.
        let url = try #require(URL(string: service.url + APIPath.bundle(try BundleID(validating: "anew"))))
        var request = URLRequest(url: url)
        request.httpMethod = "DELETE"
        request.setValue("Bearer \(Self.token)", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse).map { (200..<300).contains($0.statusCode) } == true, "\(String(decoding: body, as: UTF8.self))")
        let gone = await Self.time(tmux) { !$0.contains("A New Tone") && $0.contains("5 songs") }
        #expect(gone != nil, "the deleted song went: \(tmux.screen())")
        print("feed: the deleted song went \(gone.map { "\($0)" } ?? "never") after the DELETE returned")
        #expect(Self.row(of: "F Tone", in: tmux.screen()) == rowBefore)
        try tmux.send("a")
        #expect(await tmux.waitFor("Added F Tone to the queue (3)").found, "still on F Tone")
        try tmux.send("q")
    }
}
