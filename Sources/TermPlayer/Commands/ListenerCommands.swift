import APIClient
import ArgumentParser
import Foundation
import LibraryModel
import ListeningFormats

// MARK: like, unlike, rate

struct LikeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "like",
        abstract: "Like songs, by id.",
        discussion: """
            Song ids are what `termplayer songs --json` calls "id" (and the first column of `likes`, \
            `history` and `playlist show`). Each id is reported; ids that are not songs here are an error \
            naming them, and the others are still liked.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("Song ids.", valueName: "song-id"))
    var ids: [String]

    func run() async throws {
        try await markEach(ids, client: try await service.client(for: .listener), verb: "liked") { client, id, _ async throws(APIClientError) in
            _ = try await client.setLiked(true, song: id)
            return "liked"
        }
    }
}

struct UnlikeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlike",
        abstract: "Stop liking songs, by id.",
        discussion: "Each id is reported; ids that are not songs here are an error naming them, and the others are still unliked."
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("Song ids.", valueName: "song-id"))
    var ids: [String]

    func run() async throws {
        try await markEach(ids, client: try await service.client(for: .listener), verb: "unliked", evenWhenUnknown: true) {
            client, id, _ async throws(APIClientError) in
            _ = try await client.setLiked(false, song: id)
            return "unliked"
        }
    }
}

struct RateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Rate a song 1 to 5 stars, or 0 to clear its rating.",
        discussion: "One star means \"never suggest this\" to recommendations and radio."
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The song's id.", valueName: "song-id"))
    var id: String

    @Argument(help: ArgumentHelp("Stars, 0 to 5 (0 clears the rating).", valueName: "stars"))
    var stars: Int

    func validate() throws {
        guard (0...5).contains(stars) else { throw ValidationError("a rating is 0 to 5 stars (0 clears it), not \(stars)") }
    }

    func run() async throws {
        try await markEach([id], client: try await service.client(for: .listener), verb: "rated") { [stars] client, id, _ async throws(APIClientError) in
            _ = try await client.rate(song: id, stars: stars)
            return stars == 0 ? "cleared the rating of" : "rated \(Self.stars(stars))"
        }
    }

    static func stars(_ count: Int) -> String {
        String(repeating: "★", count: count) + String(repeating: "☆", count: max(0, 5 - count))
    }
}

/// Looks each song up (for its title, and to know it exists), applies `mark` to it, and reports one line
/// per id: "liked  starting-over  Starting Over — Chris Stapleton". Ids that name no song are skipped
/// (or, with `evenWhenUnknown`, still sent: marks of a deleted song can be cleared) and end the command
/// with an error naming them once the others are done.
private func markEach(
    _ ids: [String], client: LibraryClient, verb: String, evenWhenUnknown: Bool = false,
    _ mark: (LibraryClient, String, Song?) async throws(APIClientError) -> String
) async throws(CommandFailure) {
    var seen = Set<String>()
    var notSongIDs: [String] = []
    var unknown: [String] = []
    var done = 0
    for id in ids where seen.insert(id).inserted {
        let bundle: BundleID
        do {
            bundle = try BundleID(validating: id)
        } catch {
            notSongIDs.append(id)
            continue
        }
        var song: Song?
        do throws(APIClientError) {
            song = try await client.song(bundle)
        } catch where error.status == 404 {
            unknown.append(id)
            guard evenWhenUnknown else { continue }
        } catch {
            throw CommandFailure(message: serviceMessage(error))
        }
        let outcome = try await serviceCall { () async throws(APIClientError) in try await mark(client, id, song) }
        if song != nil {
            print("\(outcome)  \(id)  \(song.map { "\($0.title) — \($0.artist)" } ?? "")")
            done += 1
        }
    }
    var problems: [String] = []
    if !unknown.isEmpty { problems.append("no song with id \(unknown.joined(separator: ", "))") }
    if !notSongIDs.isEmpty { problems.append("not song ids: \(notSongIDs.joined(separator: ", "))") }
    guard problems.isEmpty else {
        let rest = done > 0 ? " (the other \(counted(done, "song")) \(done == 1 ? "was" : "were") \(verb))" : ""
        throw CommandFailure(message: problems.joined(separator: "; ") + rest)
    }
}

// MARK: likes

struct LikesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "likes",
        abstract: "List the songs you like, newest like first.",
        discussion: "Liked songs that were deleted from the library are left out until their bundle comes back. The same list plays as the smart playlist `liked`."
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let client = try await service.client(for: .listener)
        let songs = try await serviceCall { () async throws(APIClientError) in try await client.likes() }
        if json {
            try printJSON(songs)
            return
        }
        let time = LocalTime()
        var table = TextTable(headers: ["ID", "TITLE", "ARTIST", "ALBUM", "TIME", "RATING", "LIKED"])
        table.rows = songs.map { song in
            [
                song.id, song.title, song.artist, song.album, Terminal.duration(song.duration),
                (song.rating ?? 0) > 0 ? RateCommand.stars(song.rating ?? 0) : "", song.likedAt.map { time.format(iso: $0) } ?? "",
            ]
        }
        print(table.render())
        if Terminal.standardOutputIsTerminal { print(counted(songs.count, "liked song")) }
    }
}

// MARK: history

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show what you played, newest first; import and export listening history.",
        usage: """
            termplayer history [--limit <n>] [--json] [--server <url>] [--token <token>] [--library <dir>]
            termplayer history import <file>
            termplayer history export
            """,
        discussion: """
            Each play shows when it started, the song, how long it really played, and whether it counted \
            (at least half the song, or 4 minutes) or was skipped (under 30 seconds). Counted plays feed \
            `most-played`, recommendations and radio.

            `history import FILE` brings in a ListenBrainz export (JSON array or JSON Lines), matching \
            listens to your songs by artist and title; importing the same file again adds nothing. \
            `history export` writes your history as ListenBrainz-style JSON Lines, which import reads back.
            """,
        subcommands: [HistoryImportCommand.self, HistoryExportCommand.self]
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("At most this many plays, 1 to 1000 (default 50).", valueName: "n"))
    var limit: Int?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000, not \(limit)") }
    }

    func run() async throws {
        let client = try await service.client(for: .listener)
        let plays = try await serviceCall { () async throws(APIClientError) in try await client.history(limit: limit) }
        if json {
            try printJSON(plays)
            return
        }
        let time = LocalTime()
        var table = TextTable(headers: ["WHEN", "SONG", "PLAYED", "COUNTED", "ID"])
        table.maximumColumnWidth = 60
        table.rows = plays.map { play in
            let song = play.song.map { "\($0.title) — \($0.artist)" } ?? "(no longer in the library)"
            let played = Terminal.duration(play.playedSeconds) + (play.song?.duration).map { " of " + Terminal.duration($0) }.orEmpty
            return [time.format(iso: play.startedAt), song, played, play.counted ? "yes" : play.skipped ? "skipped" : "no", play.songId]
        }
        print(table.render())
        if Terminal.standardOutputIsTerminal { print(counted(plays.count, "play")) }
    }
}

struct HistoryImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a ListenBrainz export (JSON array or JSON Lines) into your history.",
        discussion: """
            Listens are matched to songs in the library by artist and title (case and accents aside), or by \
            TermPlayer's song id in files `history export` wrote. The file is read as it streams, in batches, \
            so exports of any size work. Listens already in your history are not added again, so importing \
            the same file twice adds nothing. Entries that are not listens are reported with their line \
            numbers and left out.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The export file.", valueName: "file"))
    var file: String

    static let batchSize = 1000
    /// Unmatched listens shown by name; the count says how many there were in all.
    static let examplesShown = 5
    static let problemsShown = 20

    func run() async throws {
        let client = try await service.client(for: .listener)
        var added = 0
        var duplicates = 0
        var unmatched = 0
        var examples: [String] = []
        let report: ListenFileReport
        do throws(ListenFileReadError<APIClientError>) {
            report = try await ListenFiles.read(fileAt: file, batchSize: Self.batchSize) { (batch: [ImportedListen]) async throws(APIClientError) in
                let receipt = try await client.importHistory(batch)
                added += receipt.added
                duplicates += receipt.duplicates
                unmatched += receipt.unmatched
                examples += receipt.unmatchedExamples.prefix(Self.examplesShown - min(Self.examplesShown, examples.count))
            }
        } catch {
            switch error {
            case .file(let problem):
                throw CommandFailure(message: "\(file): \(problem)")
            case .body(let failure):
                let sofar = added + duplicates + unmatched > 0 ? " (\(counted(added, "listen")) added before that)" : ""
                throw CommandFailure(message: "importing \(file) stopped: \(serviceMessage(failure))\(sofar)")
            }
        }
        for problem in report.problems.prefix(Self.problemsShown) { note("\(file), \(problem)") }
        if report.problemCount > Self.problemsShown {
            note("\(file): \(counted(report.problemCount - Self.problemsShown, "more entry", "more entries")) left out")
        }

        print("read \(counted(report.listenCount, "listen")) from \(file)\(report.problemCount > 0 ? "; left out \(counted(report.problemCount, "entry", "entries")) that \(report.problemCount == 1 ? "is not a listen" : "are not listens")" : "")")
        if added == 0 && duplicates > 0 {
            print("nothing new: \(duplicates == 1 ? "the matched listen was" : "all \(duplicates) matched listens were") already in your history")
        } else {
            print("added \(added) to your history; \(duplicates) already there")
        }
        if unmatched > 0 {
            print("not matched to a song here: \(unmatched)\(examples.isEmpty ? "" : ", for example:")")
            for example in examples { print("  \(example)") }
        }
    }
}

struct HistoryExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write your listening history to standard output as JSON Lines, newest first.",
        discussion: """
            One ListenBrainz-shaped listen a line (listened_at, track_metadata), with TermPlayer's song id \
            and how long it played in additional_info: `termplayer history export > listens.jsonl`, and \
            `termplayer history import listens.jsonl` reads it back here or on another service.
            """
    )

    @OptionGroup var service: ServiceLocation

    func run() async throws {
        let client = try await service.client(for: .listener)
        let bytes = try await serviceCall { () async throws(APIClientError) in try await client.exportHistory() }
        writeToStandardOutput(bytes)
        if bytes.isEmpty { note("your history is empty") }
    }
}

extension Optional<String> {
    fileprivate var orEmpty: String { self ?? "" }
}
