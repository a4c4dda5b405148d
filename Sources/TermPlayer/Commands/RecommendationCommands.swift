import APIClient
import ArgumentParser
import Foundation
import HeadlessPlayback
import LibraryModel
import OSThreads
import PlayerCore
import Synchronization

// MARK: recommend

struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Songs you are likely to like, each with the reason, best first.",
        discussion: """
            For you: songs near what you liked, rated well and played, that you have not played in the last \
            24 hours; --discover: only songs you have never played. Built from your plays, likes and ratings \
            and (unless you turned sharing off with `termplayer sharing off`) what other listeners play together.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Only songs you have never played.")
    var discover = false

    @Option(help: ArgumentHelp("How many songs, 1 to 500.", valueName: "n"))
    var limit = 20

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be 1 to 500, not \(limit)") }
    }

    func run() async throws {
        let client = try await service.client(for: .listener)
        let picks = try await serviceCall { () async throws(APIClientError) in
            discover ? try await client.discover(limit: limit) : try await client.forYou(limit: limit)
        }
        try printSuggestions(picks, json: json, noun: discover ? "song to discover" : "suggestion")
    }
}

/// Suggestions as a table (or JSON): what they are and why.
func printSuggestions(_ picks: [Suggestion], json: Bool, noun: String) throws {
    if json {
        try printJSON(picks)
        return
    }
    var table = TextTable(headers: ["ID", "TITLE", "ARTIST", "ALBUM", "TIME", "WHY"])
    table.rows = picks.map { [$0.song.id, $0.song.title, $0.song.artist, $0.song.album, Terminal.duration($0.song.duration), $0.reason] }
    print(table.render())
    if Terminal.standardOutputIsTerminal { print(counted(picks.count, noun)) }
}

// MARK: similar

struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Songs like a song, each with the reason, most alike first."
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("How many songs, 1 to 500.", valueName: "n"))
    var limit = 20

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Argument(help: ArgumentHelp("The song's id.", valueName: "song-id"))
    var id: String

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be 1 to 500, not \(limit)") }
    }

    func run() async throws {
        let client = try await service.client(for: .listener)
        let picks = try await serviceCall { () async throws(APIClientError) in try await client.similar(to: id, limit: limit) }
        try printSuggestions(picks, json: json, noun: "similar song")
    }
}

// MARK: sharing

struct SharingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharing",
        abstract: "Whether your listening shapes other listeners' suggestions, and theirs yours: on (the default) or off.",
        discussion: "With no argument, says which it is."
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("on or off.", valueName: "on|off"))
    var setting: String?

    func validate() throws {
        guard setting == nil || setting == "on" || setting == "off" else { throw ValidationError("sharing is on or off, not \(setting ?? "")") }
    }

    func run() async throws {
        let client = try await service.client(for: .listener)
        let listener = try await serviceCall { () async throws(APIClientError) in
            if let setting { try await client.updateMe(ListenerSettings(sharesListening: setting == "on")) } else { try await client.me() }
        }
        let shares = listener.sharesListening ?? true
        print(shares ? "sharing is on: your plays and others' shape each other's suggestions" : "sharing is off: your suggestions come from your own listening only")
    }
}

// MARK: radio

struct RadioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radio",
        abstract: "Play a radio without the UI: songs like the seeds, refilled as it plays, never a song twice.",
        discussion: """
            Seeds: a song id (or song:ID), artist:NAME, album:ARTIST/TITLE, genre:NAME, playlist:ID (or a smart \
            list: liked, most-played, …). A song seed plays first. Skip (with --commands, `next`) or rate a \
            song 1 star and the radio moves away from it; like one and it comes closer. Plays are reported as \
            your history. Output and --commands as for `termplayer play`.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("pulse, null, or wav:PATH.", valueName: "output"))
    var output = "pulse"

    @Flag(help: "Read playback commands from standard input, one per line (as `termplayer play --commands`).")
    var commands = false

    @Option(help: ArgumentHelp("Stop after this many songs (0: never).", valueName: "n"))
    var songs = 0

    @Option(help: ArgumentHelp("Songs asked for at a time.", visibility: .hidden))
    var batch = RadioStation.batch

    @Argument(help: ArgumentHelp("Where the radio starts.", valueName: "seed"))
    var seeds: [String]

    func validate() throws {
        guard OutputChoice(output) != nil else { throw ValidationError("--output must be pulse, null or wav:PATH, not \(output)") }
        guard songs >= 0 else { throw ValidationError("--songs must be 0 or more") }
        guard (1...500).contains(batch) else { throw ValidationError("--batch must be 1 to 500") }
        for seed in seeds where RadioSeedSpec(parsing: seed) == nil {
            throw ValidationError("\(seed) is not a seed: use a song id, artist:NAME, album:ARTIST/TITLE, genre:NAME or playlist:ID")
        }
    }

    func run() async throws {
        guard let output = OutputChoice(output) else { return }
        let client = try await service.client(for: .listener)
        let station = RadioStation(
            client: client, seeds: seeds.compactMap(RadioSeedSpec.init(parsing:)), limit: songs == 0 ? nil : songs, batch: batch)
        // The first songs come before playback starts, so a bad seed is an error, not a silent radio.
        let first = try await serviceCall { () async throws(APIClientError) in try await station.fetch(after: []) }
        guard !first.isEmpty else { throw CommandFailure(message: "the radio found nothing to play") }
        if let token = client.token { setenv("TERMPLAYER_TOKEN", token, 1) } else { unsetenv("TERMPLAYER_TOKEN") }
        let playback = HeadlessPlayback(tracks: first, output: output, readsCommands: commands, reportPlaysTo: service.serverURL)
        // In this process, not the small player's: refilling needs the API client.
        let status = await withCheckedContinuation { finished in
            OSThread.detach(name: "tp-radio") { finished.resume(returning: playback.run(more: station)) }
        }
        if status != 0 { throw ExitCode(status) }
    }
}

/// The radio's next songs, asked of the service with everything played so far.
struct RadioStation: TrackSource {
    let client: LibraryClient
    let seeds: [RadioSeedSpec]
    /// Songs in all, when the listener asked for a number.
    let limit: Int?
    var batch = Self.batch
    /// Enough to cover a slow answer, few enough that a skip steers the next ones.
    static let batch = 5

    func fetch(after played: [Track]) async throws(APIClientError) -> [Track] {
        let wanted = limit.map { min(batch, $0 - played.count) } ?? batch
        guard wanted > 0 else { return [] }
        let picks = try await client.radio(RadioRequest(seeds: seeds, played: played.suffix(5000).map(\.id), limit: wanted))
        return picks.map { pick in
            let song = pick.song
            return Track(id: song.id, url: song.file, title: song.title, artist: song.artist, album: song.album, duration: song.duration)
        }
    }

    /// Blocks its (own) thread on the request; a failure ends the radio with the reason.
    func next(after played: [Track]) -> [Track] {
        let answer = Answer()
        Task {
            do throws(APIClientError) {
                answer.give(try await fetch(after: played))
            } catch {
                Terminal.error("radio: \(serviceMessage(error))")
                answer.give([])
            }
        }
        return answer.wait()
    }

    /// A value handed from a task to the thread waiting for it.
    final class Answer: Sendable {
        private let value = Mutex<[Track]?>(nil)
        private let ready = WakeupSignal()

        func give(_ tracks: [Track]) {
            value.withLock { $0 = tracks }
            ready.signal()
        }

        func wait() -> [Track] {
            while true {
                if let tracks = value.withLock({ $0 }) { return tracks }
                _ = ready.wait(timeout: .seconds(1))
            }
        }
    }
}
