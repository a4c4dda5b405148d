import APIClient
import ArgumentParser
import Foundation
import LibraryModel

struct PlaylistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playlist",
        abstract: "List, show, make, edit, import and export playlists.",
        discussion: """
            NAME is one of your playlists by name (any case), a smart list's id (liked, recently-added, \
            most-played, recently-played, top-rated, never-played), or a playlist's id as `playlist ls` \
            shows it (which also reaches other listeners' public playlists). Smart lists fill themselves \
            from your likes, ratings and plays and cannot be edited; copy one to keep it as it is now.

            Positions are 1-based, as `playlist show` numbers the entries. Every edit sends the version of \
            the playlist it read, so a change someone made meanwhile is reported instead of overwritten. \
            A song deleted from the library stays in its playlists as unavailable, and comes back with \
            its bundle.
            """,
        subcommands: [
            PlaylistListCommand.self, PlaylistShowCommand.self, PlaylistCreateCommand.self, PlaylistAddCommand.self,
            PlaylistRemoveCommand.self, PlaylistMoveCommand.self, PlaylistRenameCommand.self, PlaylistSetCommand.self,
            PlaylistCopyCommand.self, PlaylistDeleteCommand.self, PlaylistImportCommand.self, PlaylistExportCommand.self,
        ]
    )
}

/// The playlists a listener can name, and the rules for finding one by what they typed.
struct PlaylistDirectory {
    let client: LibraryClient
    let playlists: [PlaylistSummary]
    let me: Listener

    static func load(_ service: ServiceLocation) async throws(CommandFailure) -> PlaylistDirectory {
        let client = try await service.client(for: .listener)
        let me = try await serviceCall { () async throws(APIClientError) in try await client.me() }
        let playlists = try await serviceCall { () async throws(APIClientError) in try await client.playlists() }
        return PlaylistDirectory(client: client, playlists: playlists, me: me)
    }

    /// By id; then your own by name, any case; then a smart list by id or title, any case; then another
    /// listener's public playlist by name, when only one has it.
    func find(_ name: String) throws(CommandFailure) -> PlaylistSummary {
        func same(_ text: String) -> Bool { text.caseInsensitiveCompare(name) == .orderedSame }
        if let byID = playlists.first(where: { $0.id == name }) { return byID }
        let own = playlists.filter { !$0.smart && $0.owner == me.name }
        if let mine = own.first(where: { same($0.name) }) { return mine }
        if let smart = playlists.first(where: { $0.smart && (same($0.id) || same($0.name)) }) { return smart }
        let others = playlists.filter { !$0.smart && $0.owner != me.name }
        let named = others.filter { same($0.name) }
        if named.count == 1, let theirs = named.first { return theirs }
        if named.count > 1 {
            throw CommandFailure(
                message: "\(named.count) public playlists are named \(name); give the id of the one you mean: "
                    + named.map { "\($0.id) (\($0.owner)'s)" }.joined(separator: ", "))
        }
        var known = ["yours: " + (own.isEmpty ? "none yet" : own.map(\.name).joined(separator: ", "))]
        known.append("smart lists: " + playlists.filter(\.smart).map(\.id).joined(separator: ", "))
        if !others.isEmpty { known.append("public: " + others.map { "\($0.name) (\($0.owner)'s)" }.joined(separator: ", ")) }
        throw CommandFailure(message: "no playlist \(name) — \(known.joined(separator: "; "))")
    }

    /// A playlist the command is about to change: smart lists are refused here, before asking the service.
    func findEditable(_ name: String) throws(CommandFailure) -> PlaylistSummary {
        let playlist = try find(name)
        guard !playlist.smart else {
            throw CommandFailure(message: "\(playlist.id) is a smart list: it fills itself and cannot be edited (`termplayer playlist copy \(playlist.id)` makes a playlist of it)")
        }
        return playlist
    }
}

extension PlaylistSummary {
    /// "3 songs, 10:02, private"
    var shortDescription: String {
        "\(counted(songCount, "song")), \(Terminal.duration(duration)), \(smart ? "smart" : self.public ? "public" : "private")"
    }
}

// MARK: Reading

struct PlaylistListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the smart lists, your playlists, and other listeners' public ones.",
        aliases: ["list"]
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let client = try await service.client(for: .listener)
        let playlists = try await serviceCall { () async throws(APIClientError) in try await client.playlists() }
        if json {
            try printJSON(playlists)
            return
        }
        var table = TextTable(headers: ["NAME", "KIND", "OWNER", "SONGS", "TIME", "ID"])
        table.rows = playlists.map { playlist in
            [
                playlist.name, playlist.smart ? "smart" : playlist.public ? "public" : "private", playlist.smart ? "" : playlist.owner,
                String(playlist.songCount), Terminal.duration(playlist.duration), playlist.id,
            ]
        }
        print(table.render())
    }
}

struct PlaylistShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a playlist's entries, numbered; songs no longer in the library are marked unavailable."
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Argument(help: ArgumentHelp("The playlist (see `termplayer playlist --help`).", valueName: "name"))
    var name: String

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let id = try directory.find(name).id
        let detail = try await serviceCall { () async throws(APIClientError) in try await directory.client.playlist(id) }
        if json {
            try printJSON(detail)
            return
        }
        if Terminal.standardOutputIsTerminal {
            let playlist = detail.playlist
            print("\(playlist.name) — \(playlist.smart ? "" : "\(playlist.owner)'s, ")\(playlist.shortDescription)")
            if !playlist.description.isEmpty { print(playlist.description) }
            print("")
        }
        var table = TextTable(headers: ["#", "TITLE", "ARTIST", "ALBUM", "TIME", "ID"])
        table.rows = detail.entries.map { entry in
            guard let song = entry.song else { return [String(entry.position), "(unavailable: no longer in the library)", "", "", "", entry.songId] }
            return [String(entry.position), song.title, song.artist, song.album, Terminal.duration(song.duration), entry.songId]
        }
        print(table.render())
    }
}

struct PlaylistExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a playlist to standard output as M3U8 or XSPF, for other players.",
        discussion: """
            Entries are the songs' stream URLs on this service, with title, artist and length, so any player \
            that can reach the service plays the file: `termplayer playlist export \"Road trip\" > road-trip.m3u8`. \
            Unavailable entries are left out of the file.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("m3u8 or xspf.", valueName: "format"))
    var format = "m3u8"

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    func validate() throws {
        guard ["m3u8", "xspf"].contains(format.lowercased()) else { throw ValidationError("--format must be m3u8 or xspf, not \(format)") }
    }

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let id = try directory.find(name).id
        let bytes = try await serviceCall { () async throws(APIClientError) in try await directory.client.exportPlaylist(id, format: format.lowercased()) }
        writeToStandardOutput(bytes)
    }
}

// MARK: Making

/// --public or --private.
enum PlaylistVisibility: String, EnumerableFlag {
    case `public`, `private`

    static func help(for value: PlaylistVisibility) -> ArgumentHelp? {
        switch value {
        case .public: "Other listeners may see and play it."
        case .private: "Only you see it."
        }
    }
}

struct PlaylistCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Make a playlist, empty or with songs.",
        discussion: "Playlists are private unless made --public. Every song id must be a song in the library."
    )

    @OptionGroup var service: ServiceLocation

    @Flag(help: "Let other listeners see and play it.")
    var `public` = false

    @Option(help: ArgumentHelp("What it is, in a sentence.", valueName: "text"))
    var description: String?

    @Argument(help: ArgumentHelp("Its name (unique among yours).", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("Songs to put in it, in order.", valueName: "song-id"))
    var ids: [String] = []

    func run() async throws {
        let client = try await service.client(for: .listener)
        let changes = PlaylistChanges(name: name, description: description, public: self.public, songs: ids)
        let playlist = try await serviceCall { () async throws(APIClientError) in try await client.createPlaylist(changes) }
        print("created playlist \(playlist.name) (id \(playlist.id)): \(playlist.shortDescription)")
    }
}

struct PlaylistCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a playlist you can see (a smart list, someone's public one) into a new one of yours."
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("The copy's name (default: the original's, with \"(copy)\" when it is yours).", valueName: "name"))
    var name: String?

    @Argument(help: ArgumentHelp("The playlist to copy.", valueName: "playlist"))
    var source: String

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let id = try directory.find(source).id
        let copy = try await serviceCall { () async throws(APIClientError) in try await directory.client.copyPlaylist(id, name: name) }
        print("created playlist \(copy.name) (id \(copy.id)): \(copy.shortDescription)")
    }
}

struct PlaylistImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Make a playlist from an M3U8 or XSPF file.",
        discussion: """
            Entries are matched to songs in the library by TermPlayer URL or song id, else by artist and \
            title (and length, when the file gives it). What matched becomes a new private playlist; entries \
            that matched nothing are listed.
            """
    )

    @OptionGroup var service: ServiceLocation

    @Option(help: ArgumentHelp("The new playlist's name (default: the file's own title, else \"Imported playlist\").", valueName: "name"))
    var name: String?

    @Argument(help: ArgumentHelp("The playlist file (.m3u8, .m3u, .xspf).", valueName: "file"))
    var file: String

    static let largestFile = 16 << 20

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        let bytes: [UInt8]
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            if let size = attributes[.size] as? Int, size > Self.largestFile {
                throw CommandFailure(message: "\(file) is \(size >> 20) MiB; a playlist file may be at most \(Self.largestFile >> 20) MiB")
            }
            bytes = Array(try Data(contentsOf: url))
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(message: "cannot read \(file): \(FileManager.default.fileExists(atPath: file) ? error.localizedDescription : "no such file")")
        }
        let client = try await service.client(for: .listener)
        let receipt = try await serviceCall { () async throws(APIClientError) in
            try await client.importPlaylist(bytes, name: name, fileName: url.lastPathComponent)
        }
        let entries = receipt.matched + receipt.unmatched.count
        print("created playlist \(receipt.playlist.name) (id \(receipt.playlist.id)) from \(file): \(receipt.matched) of \(counted(entries, "entry", "entries")) matched")
        if !receipt.unmatched.isEmpty {
            print("not matched:")
            for entry in receipt.unmatched { print("  \(entry)") }
        }
    }
}

// MARK: Editing

struct PlaylistAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add songs to one of your playlists, at the end or at a position."
    )

    @OptionGroup var service: ServiceLocation

    @Option(name: .customLong("at"), help: ArgumentHelp("Insert before this position (1-based) instead of at the end.", valueName: "position"))
    var position: Int?

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("Songs to add, in order.", valueName: "song-id"))
    var ids: [String]

    func validate() throws {
        if let position, position < 1 { throw ValidationError("--at takes a position from 1, not \(position)") }
    }

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let playlist = try directory.findEditable(name)
        let addition = PlaylistAddition(songs: ids, position: position, version: playlist.version)
        let edited = try await serviceCall { () async throws(APIClientError) in try await directory.client.addToPlaylist(playlist.id, addition) }
        print("added \(counted(ids.count, "song")) to \(edited.name); it has \(edited.shortDescription)")
    }
}

struct PlaylistRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove entries from one of your playlists, by position.",
        discussion: "Positions are as `termplayer playlist show NAME` numbers them, all counted before any is removed.",
        aliases: ["remove"]
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("Positions of the entries to remove (1-based).", valueName: "position"))
    var positions: [Int]

    func validate() throws {
        if let bad = positions.first(where: { $0 < 1 }) { throw ValidationError("positions count from 1, so \(bad) is none") }
    }

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let playlist = try directory.findEditable(name)
        let removal = PlaylistRemoval(positions: positions, version: playlist.version)
        let edited = try await serviceCall { () async throws(APIClientError) in try await directory.client.removeFromPlaylist(playlist.id, removal) }
        let removed = Set(positions).count
        print("removed \(counted(removed, "entry", "entries")) from \(edited.name); it has \(edited.shortDescription)")
    }
}

struct PlaylistMoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mv",
        abstract: "Move an entry of one of your playlists to another position.",
        discussion: "`termplayer playlist mv \"Road trip\" 5 1` makes the fifth entry the first; the ones between shift down.",
        aliases: ["move"]
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("The entry's position now (1-based).", valueName: "from"))
    var from: Int

    @Argument(help: ArgumentHelp("The position it moves to.", valueName: "to"))
    var to: Int

    func validate() throws {
        guard from >= 1, to >= 1 else { throw ValidationError("positions count from 1") }
    }

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let playlist = try directory.findEditable(name)
        let move = PlaylistMove(from: from, to: to, version: playlist.version)
        let edited = try await serviceCall { () async throws(APIClientError) in try await directory.client.moveInPlaylist(playlist.id, move) }
        print("moved entry \(from) of \(edited.name) to position \(to)")
    }
}

struct PlaylistRenameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename one of your playlists."
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    @Argument(help: ArgumentHelp("Its new name.", valueName: "new-name"))
    var newName: String

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let playlist = try directory.findEditable(name)
        let changes = PlaylistChanges(name: newName, version: playlist.version)
        let edited = try await serviceCall { () async throws(APIClientError) in try await directory.client.updatePlaylist(playlist.id, changes) }
        print("renamed \(playlist.name) to \(edited.name)")
    }
}

struct PlaylistSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Make one of your playlists public or private, or change its description."
    )

    @OptionGroup var service: ServiceLocation

    @Flag var visibility: PlaylistVisibility?

    @Option(help: ArgumentHelp("Its new description (\"\" clears it).", valueName: "text"))
    var description: String?

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    func validate() throws {
        guard visibility != nil || description != nil else { throw ValidationError("say what to change: --public, --private or --description TEXT") }
    }

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let playlist = try directory.findEditable(name)
        let changes = PlaylistChanges(description: description, public: visibility.map { $0 == .public }, version: playlist.version)
        let edited = try await serviceCall { () async throws(APIClientError) in try await directory.client.updatePlaylist(playlist.id, changes) }
        print("\(edited.name): \(edited.shortDescription)\(edited.description.isEmpty ? "" : " — \(edited.description)")")
    }
}

struct PlaylistDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete one of your playlists (its songs stay in the library).",
        discussion: "It asks nothing first, so scripts can use it."
    )

    @OptionGroup var service: ServiceLocation

    @Argument(help: ArgumentHelp("The playlist.", valueName: "name"))
    var name: String

    func run() async throws {
        let directory = try await PlaylistDirectory.load(service)
        let playlist = try directory.findEditable(name)
        try await serviceCall { () async throws(APIClientError) in try await directory.client.deletePlaylist(playlist.id) }
        print("deleted playlist \(playlist.name) (\(counted(playlist.songCount, "song")))")
    }
}
