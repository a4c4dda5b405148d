import APIClient
import ArgumentParser
import Foundation
import LibraryModel

struct SongsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "songs",
        abstract: "List songs, ordered by title.",
        discussion: "Filters combine. Use --json for the API's own JSON, for scripts."
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("Only this genre (name or id).", valueName: "genre"))
    var genre: String?

    @Option(help: ArgumentHelp("Only this artist (exact name, any case).", valueName: "name"))
    var artist: String?

    @Option(help: ArgumentHelp("Only this album (exact name, any case).", valueName: "name"))
    var album: String?

    @Option(name: [.customShort("q"), .long], help: ArgumentHelp("Words to find in title, artist or album.", valueName: "words"))
    var search: String?

    @Option(help: "At most this many songs.")
    var limit: Int?

    @Option(help: "Skip this many songs first.")
    var offset: Int?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        // As a listener, so the JSON carries their marks.
        let source = try await service.source()
        let query = SongQuery(genre: genre, artist: artist, album: album, search: search, limit: limit, offset: offset)
        let songs = try await serviceCall { () async throws(APIClientError) in try await source.songs(query) }
        if json {
            try printJSON(songs)
            return
        }
        var table = TextTable(headers: ["TITLE", "ARTIST", "ALBUM", "GENRE", "YEAR", "TIME"])
        table.rows = songs.map { song in
            [song.title, song.artist, song.album, song.genre, song.year.map(String.init) ?? "", Terminal.duration(song.duration)]
        }
        print(table.render())
        if Terminal.standardOutputIsTerminal {
            print("\(songs.count) song\(songs.count == 1 ? "" : "s")")
        }
    }
}

struct GenresCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genres",
        abstract: "List genres with their song counts."
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let source: any MusicSource =
            SubsonicAddress.names(service.serverURL) ? try await service.source() : LibraryClient(server: service.serverURL)
        let genres = try await serviceCall { () async throws(APIClientError) in try await source.genres() }
        if json {
            try printJSON(genres)
            return
        }
        var table = TextTable(headers: ["ID", "GENRE", "SONGS"])
        table.rows = genres.map { [String($0.genreid), $0.genre, $0.songs.map(String.init) ?? ""] }
        print(table.render())
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the service holds and which bundles are pending or were rejected, and why."
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let status = try await LibraryClient(server: service.serverURL).status()
        if json {
            try printJSON(status)
            return
        }
        print("Service   \(service.serverURL)")
        print("Library   \(status.songs) song\(status.songs == 1 ? "" : "s") in \(status.genres) genres")
        print("Storage   \(status.storage)")
        print("Catalog   \(status.catalog)")
        guard !status.problems.isEmpty else {
            print("Problems  none")
            return
        }
        print("Problems  \(status.problems.count)")
        var table = TextTable(headers: ["STATE", "BUNDLE", "SINCE", "REASON"])
        table.maximumColumnWidth = 200
        table.rows = status.problems.map { [$0.state.rawValue, $0.bundle, $0.since, $0.reason] }
        print(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
