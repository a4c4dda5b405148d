import APIClient
import ArgumentParser
import CurlTransfer
import Foundation
import Synchronization
import LibraryModel
import PlayerCore

#if canImport(Glibc)
import Glibc
#endif

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play songs without the UI: URLs, files or library song ids, one after another, gaplessly.",
        discussion: """
            Song ids are looked up through the library service (--server). Audio goes to PulseAudio by \
            default (PULSE_SERVER picks the server); --output wav:FILE writes exactly the decoded PCM, and \
            --output null plays at real speed into nothing. Exits non-zero if any track failed, with the reason.

            With --commands, lines on standard input control playback, for scripts: pause, resume, toggle,             next, previous, stop, seek SECONDS, seek +SECONDS, seek -SECONDS, volume PERCENT.
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
        let tracks = try await resolveTracks()
        let wakeup = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let player = Player(output: output, session: CurlSession(name: "termplayer-stream"), streamBuffer: streamBufferKiB << 10) {
            wakeup.continuation.yield()
        }
        let interrupted = InterruptFlag.install { wakeup.continuation.yield() }
        player.play(tracks, from: start)
        if commands { ScriptedControl.start(player) { wakeup.continuation.yield() } }

        let terminal = Terminal.standardOutputIsTerminal
        var failures: [String] = []
        var finished = false
        // The clock ticks the position line; events and failures wake the loop at once.
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(terminal ? 250 : 1000))
                wakeup.continuation.yield()
            }
        }
        defer { ticker.cancel() }
        for await _ in wakeup.stream {
            for event in player.drainEvents() {
                switch event {
                case .trackStarted(let track, let index):
                    if terminal { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
                    print("▶ \(index + 1)/\(tracks.count)  \(track.title)\(track.artist.isEmpty ? "" : " — \(track.artist)")")
                case .trackEnded:
                    break
                case .trackFailed(let track, _, let error):
                    failures.append("\(track.title): \(error)")
                    Terminal.error("\(terminal ? "\r\u{1B}[K" : "")error: \(track.title): \(error)")
                case .outputFailed(let error):
                    Terminal.error("\(terminal ? "\r\u{1B}[K" : "")error: \(error)")
                case .queueFinished, .stopped:
                    finished = true
                }
            }
            let snapshot = player.snapshot
            if snapshot.status == .stopped, let error = snapshot.lastError, case .output = error {
                failures.append(error.description)
                finished = true
            }
            if interrupted.isSet {
                failures.append("interrupted")
                finished = true
            }
            if finished { break }
            if terminal, snapshot.track != nil {
                let total = snapshot.duration.map { " / \(Terminal.duration($0))" } ?? ""
                let line = "\r\u{1B}[K  \(snapshot.status == .buffering ? "…" : "▶") \(Terminal.duration(snapshot.position))\(total)"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        }
        if terminal { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        player.shutdown()
        if !failures.isEmpty { throw ExitCode.failure }
    }

    /// URLs as they are, existing files as file URLs, anything else as a library song id.
    private func resolveTracks() async throws -> [Track] {
        let client = LibraryClient(server: service.serverURL)
        var tracks: [Track] = []
        for item in items {
            if item.contains("://") {
                tracks.append(Track(url: item))
            } else if FileManager.default.fileExists(atPath: item) {
                let url = URL(fileURLWithPath: item).standardizedFileURL
                tracks.append(Track(url: url.absoluteString, title: url.deletingPathExtension().lastPathComponent))
            } else {
                let id: BundleID
                do {
                    id = try BundleID(validating: item)
                } catch {
                    throw CommandFailure(message: "\(item) is not a URL, an existing file or a song id (\(error))")
                }
                let song = try await client.song(id)
                tracks.append(Track(id: song.id, url: song.file, title: song.title, artist: song.artist, album: song.album, duration: song.duration))
            }
        }
        return tracks
    }
}

/// Ctrl-C while playing: stop cleanly (a WAV file gets its header) instead of dying mid-write.
final class InterruptFlag: Sendable {
    /// Kept alive for as long as the flag; Dispatch sources are thread-safe, but not marked Sendable.
    nonisolated(unsafe) private let source: any DispatchSourceSignal
    private let flag = Atomic<Bool>(false)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    private init(source: any DispatchSourceSignal) {
        self.source = source
    }

    static func install(onInterrupt: @escaping @Sendable () -> Void) -> InterruptFlag {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        let interrupt = InterruptFlag(source: source)
        source.setEventHandler { [interrupt] in
            interrupt.flag.store(true, ordering: .releasing)
            onInterrupt()
        }
        source.resume()
        return interrupt
    }
}

/// `play --commands`: lines on standard input become player commands, read on a thread of their own
/// (a blocking read never holds up playback or the position line).
enum ScriptedControl {
    static func start(_ player: Player, onCommand: @escaping @Sendable () -> Void) {
        let thread = Thread {
            while let line = readLine() {
                if let problem = apply(line, to: player) {
                    Terminal.error("ignored \(line.debugDescription): \(problem)")
                }
                onCommand()
            }
        }
        thread.name = "termplayer-commands"
        thread.start()
    }

    /// Applies one command line; returns why it could not be, if it could not.
    static func apply(_ line: String, to player: Player) -> String? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let verb = words.first?.lowercased() else { return nil }
        let argument = words.dropFirst().first
        switch verb {
        case "pause": player.pause()
        case "resume", "play": player.resume()
        case "toggle": player.togglePause()
        case "next": player.next()
        case "previous", "prev": player.previous()
        case "stop": player.stop()
        case "seek":
            guard let argument, let seconds = Double(argument) else { return "seek needs seconds: seek 90, seek +5, seek -5" }
            if argument.hasPrefix("+") || argument.hasPrefix("-") { player.seek(by: seconds) } else { player.seek(to: seconds) }
        case "volume":
            guard let argument, let percent = Int(argument) else { return "volume needs a percentage: volume 80" }
            player.setVolume(percent)
        default:
            return "unknown command; use pause, resume, toggle, next, previous, stop, seek or volume"
        }
        return nil
    }
}
