import Foundation
import LibraryModel
import TestSupport
import Testing

/// The real UI in tmux over a Subsonic server, heard through the test PulseAudio: TermPlayer's own
/// `/rest` here and a real supysonic in `SubsonicServerTests`, through the same steps.
@Suite("The terminal UI over a Subsonic server", .serialized)
struct SubsonicUIEndToEndTests {
    /// What one run expects of the server's library.
    struct Expected {
        var address: String
        var password: String
        var songs: Int
        /// A song to find by searching, play and hear, and like.
        var title: String
        var frequency: Double
        var genre: String
        /// `XDG_CACHE_HOME`: where the UI keeps its copy of the library.
        var cache: URL
    }

    @Test("over TermPlayer's own /rest: the library listed, a genre, search, play and hear it, like it and the server has the star")
    func ownRest() async throws {
        let service = try await UIEndToEndTests.toneService()
        defer { service.stop() }
        let library = try #require(service.process.arguments?.drop { $0 != "--library" }.dropFirst().first)
        let added = try Fixtures.runAllowingFailure(
            try TermPlayerBinary.path, ["user", "add", "ann", "--password-stdin", "--server", service.url, "--library", library],
            environment: ProcessInfo.processInfo.environment, input: Data("se+cret&\n".utf8))
        #expect(added.status == 0, "\(added.standardError)")
        let port = try #require(URLComponents(string: service.url)?.port)
        let expected = Expected(
            address: "subsonic+http://ann@127.0.0.1:\(port)", password: "se+cret&", songs: 2, title: "High Tone", frequency: 880, genre: "Jazz",
            cache: try Fixtures.temporaryDirectory("subsonic-ui-cache"))
        try await Self.journey(expected)

        // With the server gone, the next start shows the library it read last time, marked offline.
        service.stop()
        let environment = ["LANG": "C.UTF-8", "TERMPLAYER_PASSWORD": expected.password, "XDG_CACHE_HOME": expected.cache.path, "TERMPLAYER_ART": "off"]
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let tmux = try TmuxSession("env \(assignments) '\(try TermPlayerBinary.path)' --server '\(expected.address)'; sleep 60", width: 110, height: 30)
        let offline = await tmux.waitFor("offline ·")
        #expect(offline.found && offline.screen.contains("High Tone") && offline.screen.contains("Low Tone"), "\(offline.screen)")
        #expect(
            offline.screen.contains("nothing answers at") || offline.screen.contains("stopped answering"), "the reason is on the status line: \(offline.screen)")
        try tmux.send("q")
    }

    @Test("over a real supysonic (no tokens, API 1.10.2): the same, and the star is put back after")
    func supysonic() async throws {
        let server = try SupysonicServer.running()
        let song = try #require(server.songs.first { $0.title == "Midnight Swing" })
        try await Self.journey(
            Expected(
                address: server.address, password: server.password, songs: server.songs.count, title: song.title,
                frequency: Double(song.frequency), genre: song.genre, cache: try Fixtures.temporaryDirectory("supysonic-ui-cache")))
    }

    @Test("a wrong password and a server that is not Subsonic each give one clear line, and the UI stays usable")
    func refusals() async throws {
        let server = try SupysonicServer.running()
        let cases = [
            (server.address, "wrong", "(Subsonic error 40"),
            (server.address + "/nothing-here", server.password, "did not answer like a Subsonic server"),
        ]
        for (address, password, expected) in cases {
            let environment = ["LANG": "C.UTF-8", "TERMPLAYER_PASSWORD": password, "XDG_CACHE_HOME": try Fixtures.temporaryDirectory("subsonic-refused").path]
            let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
            let tmux = try TmuxSession(
                "env \(assignments) '\(try TermPlayerBinary.path)' --server '\(address)'; echo \"termplayer exited with $?\"; sleep 60", width: 110, height: 30)
            let refused = await tmux.waitFor(expected)
            #expect(refused.found, "\(address): \(refused.screen)")
            #expect(!refused.screen.contains("retrying"), "a refusal is not asked again (a wrong password would lock the account): \(refused.screen)")
            try tmux.send("2")
            let genres = await tmux.waitFor("Genres")
            #expect(genres.found, "the keys still work: \(genres.screen)")
            try tmux.send("q")
            #expect(await tmux.waitFor("termplayer exited with 0").found)
        }
    }

    /// List, open the genre, search for the song, play it and hear it, like it, and find the star on
    /// the server through `termplayer songs`.
    static func journey(_ expected: Expected) async throws {
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let environment = pulse.environment.merging([
            "LANG": "C.UTF-8", "TERMPLAYER_PASSWORD": expected.password, "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("subsonic-ui-config").path,
            "XDG_CACHE_HOME": expected.cache.path, "TERMPLAYER_ART": "off",
        ]) { $1 }
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
        let tmux = try TmuxSession("env \(assignments) '\(try TermPlayerBinary.path)' --server '\(expected.address)'; sleep 60", width: 110, height: 30)
        let listed = await tmux.waitFor("\(expected.songs) songs", timeout: .seconds(20))
        #expect(listed.found, "the library is listed: \(listed.screen)")
        try tmux.send("2")
        let genres = await tmux.waitFor(expected.genre)
        #expect(genres.found, "the genres view lists \(expected.genre): \(genres.screen)")

        try tmux.send("1", "/")
        try tmux.send(expected.title.lowercased())
        try tmux.send("Enter")
        let found = await tmux.waitFor("1 found")
        #expect(found.found, "the search finds one song: \(found.screen)")
        let capture = try pulse.capture()
        try tmux.send("Enter")
        let playing = await tmux.waitFor("▶ \(expected.title)", timeout: .seconds(15))
        #expect(playing.found, "the now-playing bar shows it: \(playing.screen)")
        try await Task.sleep(for: .seconds(2))
        let samples = capture.stop()
        let heard = try #require(SignalAnalysis.soundSpans(samples).first, "the song was heard")
        let tone = SignalAnalysis.frequency(SignalAnalysis.slice(samples, from: heard.lowerBound + 0.2, to: min(heard.upperBound, heard.lowerBound + 1.5)))
        #expect(abs(tone - expected.frequency) < 8, "\(expected.title) is \(expected.frequency) Hz: heard \(tone) Hz")

        try tmux.send("f")
        var starred = false
        for _ in 0..<50 where !starred {
            try await Task.sleep(for: .milliseconds(200))
            let output = try await TermPlayerBinary.run(["songs", "--server", expected.address, "--json"], environment: environment).standardOutput
            let songs = (try? JSONDecoder().decode([Song].self, from: Data(output.utf8))) ?? []
            starred = songs.first { $0.title == expected.title }?.liked == true
        }
        #expect(starred, "the server has the star")
        // And off again, so the server is left as it was found.
        try tmux.send("f")
        for _ in 0..<50 where starred {
            try await Task.sleep(for: .milliseconds(200))
            let output = try await TermPlayerBinary.run(["songs", "--server", expected.address, "--json"], environment: environment).standardOutput
            let songs = (try? JSONDecoder().decode([Song].self, from: Data(output.utf8))) ?? []
            starred = songs.first { $0.title == expected.title }?.liked != false
        }
        #expect(!starred, "the star is taken back")
        try tmux.send("q")
    }
}
