import APIClient
import ArgumentParser
import CurlTransfer
import Foundation
import HeadlessPlayback
import LibraryModel
import PlayerCore

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play songs without the UI: URLs, files or library song ids, one after another, gaplessly.",
        discussion: """
            Song ids are looked up through the library service (--server), and their plays are reported to it \
            as the listener's history. Audio goes to PulseAudio by \
            default (PULSE_SERVER picks the server); --output wav:FILE writes exactly the decoded PCM, and \
            --output null plays at real speed into nothing. Exits non-zero if any track failed, with the reason.

            With --commands, lines on standard input control playback, for scripts: pause, resume, toggle, \
            next, previous, stop, seek SECONDS, seek +SECONDS, seek -SECONDS, volume PERCENT.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("pulse, null, or wav:PATH.", valueName: "output"))
    var output = "pulse"

    @Option(help: ArgumentHelp("Start the first track this many seconds in.", valueName: "seconds"))
    var start: Double = 0

    @Flag(help: "Read playback commands from standard input, one per line.")
    var commands = false

    @Option(name: .customLong("stream-buffer"), help: ArgumentHelp("KiB of each stream held ahead of the decoder.", visibility: .hidden))
    var streamBufferKiB = 1024

    @Argument(help: ArgumentHelp("URLs (http, https, file), paths of MP3 files, or song ids.", valueName: "url-or-song-id"))
    var items: [String]

    func validate() throws {
        guard OutputChoice(output) != nil else { throw ValidationError("--output must be pulse, null or wav:PATH, not \(output)") }
        guard start >= 0, start.isFinite else { throw ValidationError("--start must be a number of seconds ≥ 0") }
    }

    func run() async throws {
        guard let output = OutputChoice(output) else { return }
        let source = try await service.source()
        let tracks = try await resolveTracks(source)
        // Plays of library songs are the listener's history; the token goes by the environment, which
        // `ps` does not show, when the player process takes over. (A Subsonic server's plays are not
        // reported from here: the headless player speaks only TermPlayer's `/plays`.)
        let client = source as? LibraryClient
        let fromLibrary = client != nil && tracks.contains { $0.id != $0.url }
        if fromLibrary {
            if let token = client?.token { setenv("TERMPLAYER_TOKEN", token, 1) } else { unsetenv("TERMPLAYER_TOKEN") }
        }
        let playback = HeadlessPlayback(
            tracks: tracks, output: output, start: start, streamBufferKiB: streamBufferKiB, readsCommands: commands,
            reportPlaysTo: fromLibrary ? service.serverURL : nil)
        // A Subsonic server's stream URLs carry the listener's credentials, and the helper takes its
        // tracks as arguments, which `ps` shows to everyone: those play here.
        if client != nil, let helper = PlayerHandOver.helperPath {
            let reason = PlayerHandOver.exec(helper, playback)
            Terminal.error("could not start \(helper) (\(reason)); playing in this process")
        }
        let status = playback.run()
        if status != 0 { throw ExitCode(status) }
    }

    /// URLs as they are, existing files as file URLs, anything else as a library song id.
    private func resolveTracks(_ source: any MusicSource) async throws -> [Track] {
        var tracks: [Track] = []
        for item in items {
            if item.contains("://") {
                tracks.append(Track(url: item))
            } else if FileManager.default.fileExists(atPath: item) {
                let url = URL(fileURLWithPath: item).standardizedFileURL
                tracks.append(Track(url: url.absoluteString, title: url.deletingPathExtension().lastPathComponent))
            } else {
                // A Subsonic server's ids are its own; a TermPlayer id has a form to check first.
                if source is LibraryClient {
                    do {
                        _ = try BundleID(validating: item)
                    } catch {
                        throw CommandFailure(message: "\(item) is not a URL, an existing file or a song id (\(error))")
                    }
                }
                let song = try await serviceCall { () async throws(APIClientError) in try await source.song(item) }
                tracks.append(
                    Track(
                        id: song.id, url: source.playableURL(song.file), title: song.title, artist: song.artist, album: song.album,
                        duration: song.duration))
            }
        }
        return tracks
    }
}
