import Foundation
import LibraryModel
import TestSupport
import Testing

/// `songs`, `genres` and `play` over a Subsonic server, run as a user runs them: the real binary
/// against TermPlayer's own `/rest` here, and against a real supysonic in `SubsonicServerTests`.
@Suite("termplayer's commands over a Subsonic server", .serialized)
struct SubsonicCommandTests {
    static let password = "se+cret & more"

    @Test("songs, genres and play over TermPlayer's own /rest; a wrong password, a server that is not Subsonic and no server exit non-zero with the reason")
    func ownRest() async throws {
        let setup = try await ListenerCommandTests.Setup()
        try setup.succeed(["user", "add", "ann", "--password-stdin"], input: Self.password + "\n")
        let port = try #require(URLComponents(string: setup.server.url)?.port)
        let address = "subsonic+http://ann@127.0.0.1:\(port)"
        let signedIn = ["TERMPLAYER_PASSWORD": Self.password]

        let table = try setup.run(["songs", "--server", address], environment: signedIn)
        #expect(table.status == 0, "\(table.standardError)")
        #expect(table.standardOutput.split(separator: "\n").count == 4, "\(table.standardOutput)")
        #expect(table.standardOutput.contains("Tennessee Whiskey  Chris Stapleton"), "\(table.standardOutput)")
        #expect(table.standardOutput.contains("夜に駆ける"))

        let json = try setup.run(["songs", "--json"], environment: signedIn.merging(["TERMPLAYER_SERVER": address]) { $1 })
        let songs = try JSONDecoder().decode([Song].self, from: Data(json.standardOutput.utf8))
        #expect(songs.map(\.title) == ["Starting Over", "Tennessee Whiskey", "夜に駆ける"])
        #expect(songs.allSatisfy { $0.file.contains("/rest/stream.view?id=") && !$0.file.contains("p=") && !$0.file.contains("t=") })
        let searched = try setup.run(["songs", "--server", address, "-q", "whiskey", "--json"], environment: signedIn)
        #expect(try JSONDecoder().decode([Song].self, from: Data(searched.standardOutput.utf8)).map(\.title) == ["Tennessee Whiskey"])

        let genres = try setup.run(["genres", "--server", address], environment: signedIn)
        #expect(genres.status == 0, "\(genres.standardError)")
        #expect(genres.standardOutput.contains("Country"), "\(genres.standardOutput)")
        let country = try setup.run(["songs", "--server", address, "--genre", "Country", "--json"], environment: signedIn)
        #expect(try JSONDecoder().decode([Song].self, from: Data(country.standardOutput.utf8)).count == 2, "\(country.standardError)")

        let wav = try Fixtures.temporaryDirectory("subsonic-play").appendingPathComponent("out.wav")
        let first = try #require(songs.first)
        let played = try setup.run(["play", "--server", address, "--output", "wav:\(wav.path)", first.id], environment: signedIn)
        #expect(played.status == 0, "\(played.standardError)")
        let bytes = try FileManager.default.attributesOfItem(atPath: wav.path)[.size] as? Int ?? 0
        #expect((bytes - 44) / 4 > 44100 * 4 / 10, "half a second of the tone, decoded: \(bytes) bytes")

        let wrong = try setup.run(["songs", "--server", address], environment: ["TERMPLAYER_PASSWORD": "not it"])
        #expect(wrong.status != 0)
        #expect(wrong.standardError.contains("check the user name and password"), "\(wrong.standardError)")
        let notSubsonic = try setup.run(["genres", "--server", address + "/songs"], environment: signedIn)
        #expect(notSubsonic.status != 0)
        #expect(notSubsonic.standardError.contains("did not answer like a Subsonic server"), "\(notSubsonic.standardError)")
        let nobody = try setup.run(["songs", "--server", "subsonic+http://ann@127.0.0.1:9"], environment: signedIn)
        #expect(nobody.status != 0)
        #expect(nobody.standardError.contains("nothing answers at http://127.0.0.1:9"), "\(nobody.standardError)")
        let noPassword = try setup.run(["songs", "--server", address], environment: ["TERMPLAYER_PASSWORD": ""])
        #expect(noPassword.status != 0)
        #expect(noPassword.standardError.contains("needs a password: set TERMPLAYER_PASSWORD"), "\(noPassword.standardError)")
        let malformed = try setup.run(["songs", "--server", "subsonic+http://127.0.0.1:\(port)"], environment: signedIn)
        #expect(malformed.standardError.contains("it names no user before @"), "\(malformed.standardError)")
    }

    @Test("songs, genres (any case) and play against a real supysonic: the tone played is the song's")
    func supysonic() async throws {
        let server = try SupysonicServer.running()
        let environment = ["TERMPLAYER_PASSWORD": server.password, "XDG_CONFIG_HOME": try Fixtures.temporaryDirectory("supysonic-config").path]
        let listed = try await TermPlayerBinary.run(["songs", "--server", server.address, "--json"], environment: environment)
        #expect(listed.status == 0, "\(listed.standardError)")
        let songs = try JSONDecoder().decode([Song].self, from: Data(listed.standardOutput.utf8))
        #expect(Set(songs.map(\.title)) == Set(server.songs.map(\.title)))
        let genres = try await TermPlayerBinary.run(["genres", "--server", server.address], environment: environment)
        #expect(genres.standardOutput.contains("Jazz") && genres.standardOutput.contains("Rock"), "\(genres.standardOutput)\(genres.standardError)")
        let jazz = try await TermPlayerBinary.run(["songs", "--server", server.address, "--genre", "jazz"], environment: environment)
        #expect(jazz.standardOutput.contains("Midnight Swing") && !jazz.standardOutput.contains("Polar Dawn"), "\(jazz.standardOutput)")

        let wanted = try #require(server.songs.first { $0.title == "Heliopause" })
        let id = try #require(songs.first { $0.title == wanted.title }?.id)
        let wav = try Fixtures.temporaryDirectory("supysonic-play").appendingPathComponent("out.wav")
        let played = try await TermPlayerBinary.run(["play", "--server", server.address, "--output", "wav:\(wav.path)", id], environment: environment)
        #expect(played.status == 0, "\(played.standardError)")
        let tone = SupysonicServer.frequency(ofWAV: try Data(contentsOf: wav), from: 0.5, to: 2.5)
        #expect(abs(tone - Double(wanted.frequency)) < 5, "\(wanted.title) is \(wanted.frequency) Hz: the WAV has \(tone) Hz")

        // While it plays, its command line (which `ps` shows everyone) holds no credentials.
        let player = Process()
        player.executableURL = URL(fileURLWithPath: try TermPlayerBinary.path)
        player.arguments = ["play", "--server", server.address, "--output", "null", id]
        player.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        player.standardOutput = FileHandle.nullDevice
        player.standardError = FileHandle.nullDevice
        try player.run()
        try await Task.sleep(for: .seconds(1))
        let commandLine = (try? String(contentsOfFile: "/proc/\(player.processIdentifier)/cmdline", encoding: .utf8)) ?? ""
        player.terminate()
        player.waitUntilExit()
        #expect(commandLine.contains("play"), "the player was running: \(commandLine.debugDescription)")
        #expect(!commandLine.contains("p=enc") && !commandLine.contains("&t=") && !commandLine.contains(server.password), "\(commandLine.debugDescription)")

        let wrong = try await TermPlayerBinary.run(["songs", "--server", server.address], environment: ["TERMPLAYER_PASSWORD": "wrong"])
        #expect(wrong.status != 0)
        #expect(wrong.standardError.contains("check the user name and password"), "\(wrong.standardError)")
    }
}
