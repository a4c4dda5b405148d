import Foundation
import LibraryModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A radio in the real UI, in tmux, against a real service, heard through a private PulseAudio sink.
@Suite("A radio in the terminal UI", .serialized)
struct RadioUIEndToEndTests {
    static let token = "radio-journey-token"
    static let seconds = 8.0

    struct Tone {
        var id: String
        var title: String
        var artist: String
        var frequency: Int
    }

    /// The seed (first by title, so under the cursor in view 1), a song by its artist, and three by each
    /// of four others, all of one genre and year: each a tone of its own, eight seconds long.
    static let tones: [Tone] = {
        var tones = [Tone(id: "seed", title: "A Seed Song", artist: "Seed Artist", frequency: 440),
                     Tone(id: "sibling", title: "A Sibling Song", artist: "Seed Artist", frequency: 520)]
        for (artistIndex, artist) in ["Bravo", "Charlie", "Delta", "Echo"].enumerated() {
            for (songIndex, number) in ["One", "Two", "Three"].enumerated() {
                let frequency = 600 + 120 * (artistIndex * 3 + songIndex)
                tones.append(Tone(id: "\(artist.lowercased())\(songIndex + 1)", title: "\(artist) \(number)", artist: artist, frequency: frequency))
            }
        }
        return tones
    }()

    static func tone(titled title: String) -> Tone? { tones.first { $0.title == title } }

    static func library() throws -> URL {
        let library = try Fixtures.temporaryDirectory("radio-ui-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        for tone in tones {
            try Fixtures.bundleJSON(title: tone.title, album: "\(tone.artist) Album", artist: tone.artist, genre: 1, year: 2020)
                .write(to: bucket.appendingPathComponent("\(tone.id).json"))
            try FileManager.default.copyItem(
                at: try Fixtures.toneMP3(frequency: tone.frequency, seconds: seconds), to: bucket.appendingPathComponent("\(tone.id).mp3"))
        }
        return library
    }

    static func service(_ library: URL) async throws -> ServeProcess {
        let service = try await ServeProcess(["--library", library.path, "--token", token, "--log-level", "warning"])
        for _ in 0..<200 {
            let listing = try await TermPlayerBinary.run(["songs", "--server", service.url, "--token", token, "--json"]).standardOutput
            if (try? JSONDecoder().decode([Song].self, from: Data(listing.utf8)))?.count == tones.count { return service }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Fixtures.FixtureError.missing("the test service did not ingest its songs")
    }

    /// What the service's radio gives next for this station, asked the way the UI asks.
    static func radio(_ service: ServeProcess, played: [String]) async throws -> [String] {
        guard let url = URL(string: service.url + APIPath.radio) else { throw Fixtures.FixtureError.missing("a URL for \(service.url)") }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.httpBody = try JSONEncoder().encode(RadioRequest(seeds: [.song("seed")], played: played, limit: 4))
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        return try JSONDecoder().decode([Suggestion].self, from: body).map(\.song.id)
    }

    /// The queue view's songs, top to bottom, as ids.
    static func queue(in screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let heading = lines.firstIndex(where: { $0.hasPrefix("Queue (") }) else { return [] }
        // Rows start with the markers' three columns; the now-playing bar's " ▶ title — artist" does not.
        return lines[(heading + 1)...].prefix { !$0.hasPrefix(" ▶ ") && !$0.hasPrefix(" ‖ ") && !$0.hasPrefix(" … ") && !$0.isEmpty }
            .compactMap { line in tones.first { line.dropFirst(3).hasPrefix($0.title + " ") }?.id }
    }

    /// Polls the screen until `condition` holds; returns the last screen either way.
    static func waitUntil(_ tmux: TmuxSession, timeout: Duration, _ condition: (String) -> Bool) async -> (found: Bool, screen: String) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let screen = tmux.screen()
            if condition(screen) { return (true, screen) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let screen = tmux.screen()
        return (condition(screen), screen)
    }

    @Test("M on a song: it plays first, the queue refills past its end, and a skip changes the next picks")
    func radio() async throws {
        let library = try Self.library()
        let service = try await Self.service(library)
        defer { service.stop() }
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let environment = pulse.environment.merging([
            "LANG": "C.UTF-8", "TERMPLAYER_TOKEN": Self.token, "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("radio-ui-config").path,
        ]) { $1 }
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let tmux = try TmuxSession("env \(assignments) '\(try TermPlayerBinary.path)' --server \(service.url); sleep 60", width: 110, height: 30)
        #expect(await tmux.waitFor("\(Self.tones.count) songs", timeout: .seconds(30)).found)

        // A newcomer's For you: what is popular, each with its reason.
        try tmux.send("8")
        let forYou = await tmux.waitFor("popular in ", timeout: .seconds(20))
        #expect(forYou.found && forYou.screen.contains("For you (\(Self.tones.count))"), "\(forYou.screen)")
        try tmux.send("1")
        #expect(await tmux.waitFor("Songs by title").found)

        // M on the first song: the radio tunes in, the seed plays first, and the bar says so.
        let capture = try pulse.capture()
        try tmux.send("M")
        let onAir = await tmux.waitFor("radio: A Seed Song", timeout: .seconds(20))
        #expect(onAir.found, "\(onAir.screen)")
        try tmux.send("4")
        // The queue's first four rows: a loaded machine may show the refill already.
        let first = await tmux.waitFor("· radio: A Seed Song", timeout: .seconds(10))
        let firstQueue = Array(Self.queue(in: first.screen).prefix(4))
        #expect(firstQueue.count == 4 && firstQueue.first == "seed", "a song seed comes first: \(first.screen)")

        // When two are left after the playing song (the second plays), four more rows appear.
        let refilled = await tmux.waitFor("Queue (8)", timeout: .seconds(40))
        #expect(refilled.found, "\(refilled.screen)")
        let station = Self.queue(in: refilled.screen)
        try #require(station.count == 8, "\(refilled.screen)")
        #expect(Array(station.prefix(4)) == firstQueue, "the new rows come after the old ones")
        #expect(Set(station).count == 8, "never a song twice: \(station)")

        // What the radio would give next without a skip, for the station as the UI will send it.
        let unskipped = try await Self.radio(service, played: station)
        let skipped = try #require(Self.tones.first { $0.id == station[4] })
        let skippedArtist = Set(Self.tones.filter { $0.artist == skipped.artist }.map(\.id))
        #expect(unskipped.contains(where: skippedArtist.contains), "the skip has something to steer: \(unskipped) after \(station)")

        // The fifth song plays: skip it two seconds in (reported, as plays of a second or more are, and under
        // half the song: a skip).
        let fifth = await Self.waitUntil(tmux, timeout: .seconds(60)) { screen in
            screen.contains("▶ \(skipped.title) — ") && screen.contains(" 0:02 / 0:08")
        }
        #expect(fifth.found, "\(fifth.screen)")
        let samples = capture.stop()
        try tmux.send("n")

        // The seed was heard first, then the second song.
        let heard = try #require(SignalAnalysis.soundSpans(samples).first, "the radio was heard")
        let seedTone = SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: heard.lowerBound + 0.5, to: heard.lowerBound + Self.seconds - 1))
        #expect(abs(seedTone - 440) < 8, "the seed plays first: \(seedTone) Hz")
        if let second = Self.tones.first(where: { $0.id == station[1] }) {
            let start = heard.lowerBound + Self.seconds
            let secondTone = SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: start + 1, to: start + Self.seconds - 1))
            #expect(abs(secondTone - Double(second.frequency)) < 8, "then \(second.title): \(secondTone) Hz")
        }

        // The skip moved the queue to two from its end: the refill goes after the skip's report.
        let steered = await tmux.waitFor("Queue (12)", timeout: .seconds(30))
        #expect(steered.found, "\(steered.screen)")
        let after = Self.queue(in: steered.screen)
        try #require(after.count == 12, "\(steered.screen)")
        #expect(Array(after.prefix(8)) == station)
        let picks = Array(after.suffix(4))
        #expect(picks != unskipped, "the skip changed the next picks: \(picks) as without it")
        for song in unskipped where skippedArtist.contains(song) {
            let before = unskipped.firstIndex(of: song) ?? 0
            #expect((picks.firstIndex(of: song) ?? Int.max) > before, "\(song), by the skipped song's artist, moved down: \(picks) vs \(unskipped)")
        }
        let history = try await TermPlayerBinary.run(["history", "--server", service.url, "--token", Self.token, "--json"])
        let plays = try JSONDecoder().decode([HistoryEntry].self, from: Data(history.standardOutput.utf8))
        #expect(plays.first { $0.songId == skipped.id }?.skipped == true, "the service has the skip: \(history.standardOutput)")
        try tmux.send("q")
    }
}
