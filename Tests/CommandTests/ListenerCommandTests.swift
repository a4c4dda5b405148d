import Foundation
import LibraryModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The listeners' commands, run as a user runs them: the real binary against a real `termplayer serve`,
/// with its own config and data folders so nothing of the machine's own logins or library leaks in.
@Suite("termplayer's listener commands", .serialized)
struct ListenerCommandTests {
    /// A service over a library in `XDG_DATA_HOME/termplayer` (the standard library folder for the
    /// commands, so they find its token as they would on the user's machine), with three songs.
    final class Setup {
        let data: URL
        let config: URL
        let library: URL
        let server: ServeProcess

        init() async throws {
            data = try Fixtures.temporaryDirectory("listener-data")
            config = try Fixtures.temporaryDirectory("listener-config")
            library = data.appendingPathComponent("termplayer")
            server = try await ServeProcess(["--library", library.path])
            let bundles = try Fixtures.temporaryDirectory("listener-bundles")
            let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5))
            for (id, title, artist, genre) in [
                ("starting-over", "Starting Over", "Chris Stapleton", 6), ("tennessee-whiskey", "Tennessee Whiskey", "Chris Stapleton", 6),
                ("yoru", "夜に駆ける", "Yoasobi", 3),
            ] {
                try Fixtures.bundleJSON(title: title, album: title, artist: artist, genre: genre).write(to: bundles.appendingPathComponent("\(id).json"))
                try mp3.write(to: bundles.appendingPathComponent("\(id).mp3"))
            }
            let upload = try run(["upload", bundles.path])
            #expect(upload.status == 0, "\(upload.standardOutput)\(upload.standardError)")
        }

        deinit { server.stop() }

        var environment: [String: String] {
            ["XDG_CONFIG_HOME": config.path, "XDG_DATA_HOME": data.path, "TERMPLAYER_TOKEN": "", "TERMPLAYER_SERVER": server.url]
        }

        var loginsFile: URL { config.appendingPathComponent("termplayer/logins") }

        /// The service's own token, as `serve` wrote it.
        var ownerToken: String {
            get throws { try String(contentsOf: library.appendingPathComponent("token"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) }
        }

        /// `termplayer arguments…` with `input` on standard input (else none).
        func run(_ arguments: [String], input: String? = nil, environment extra: [String: String] = [:]) throws -> Fixtures.ProcessResult {
            var merged = ProcessInfo.processInfo.environment
            merged.merge(environment) { $1 }
            merged.merge(extra) { $1 }
            return try Fixtures.runAllowingFailure(try TermPlayerBinary.path, arguments, environment: merged, input: input.map { Data($0.utf8) })
        }

        /// Runs a command that must succeed and returns its standard output.
        @discardableResult
        func succeed(_ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let result = try run(arguments, input: input)
            #expect(result.status == 0, "termplayer \(arguments.joined(separator: " ")): \(result.standardError)", sourceLocation: sourceLocation)
            return result.standardOutput
        }

        /// Runs a command that must fail and returns its standard error.
        func fail(_ arguments: [String], input: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let result = try run(arguments, input: input)
            #expect(result.status != 0, "termplayer \(arguments.joined(separator: " ")) should fail: \(result.standardOutput)", sourceLocation: sourceLocation)
            return result.standardError
        }

        func json<Value: Decodable>(_ type: Value.Type, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Value {
            try JSONDecoder().decode(Value.self, from: Data(try succeed(arguments, sourceLocation: sourceLocation).utf8))
        }

        /// `POST /plays`, as a player reports what it played (`termplayer play` does not report plays yet).
        func reportPlays(_ plays: [PlayReport], token: String? = nil) async throws {
            var request = URLRequest(url: URL(string: server.url + "/plays")!)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            request.httpBody = try JSONEncoder().encode(plays)
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        }

        /// Deletes a song's bundle from the library through the API.
        func deleteBundle(_ id: String) async throws {
            var request = URLRequest(url: URL(string: server.url + "/bundles/\(id)")!)
            request.httpMethod = "DELETE"
            request.setValue("Bearer \(try ownerToken)", forHTTPHeaderField: "Authorization")
            let (body, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(String(decoding: body, as: UTF8.self))")
        }
    }

    @Test("--help reads well for every listener command", arguments: [
        ["like"], ["unlike"], ["likes"], ["rate"], ["history"], ["history", "import"], ["history", "export"],
        ["playlist"], ["playlist", "ls"], ["playlist", "show"], ["playlist", "create"], ["playlist", "add"], ["playlist", "rm"],
        ["playlist", "mv"], ["playlist", "rename"], ["playlist", "set"], ["playlist", "copy"], ["playlist", "delete"],
        ["playlist", "import"], ["playlist", "export"], ["login"], ["logout"], ["user"], ["user", "add"], ["user", "list"],
        ["user", "passwd"], ["user", "remove"], ["apikey"], ["apikey", "create"], ["apikey", "list"], ["apikey", "revoke"],
    ])
    func help(command: [String]) async throws {
        let result = try await TermPlayerBinary.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: termplayer \(command.joined(separator: " "))"), "\(result.standardOutput)")
        #expect(result.standardOutput.contains("OVERVIEW:"))
        #expect(!result.standardOutput.contains("TODO"))
    }

    @Test("with no accounts, likes, ratings, playlists and history work as the local listener")
    func zeroSetUp() async throws {
        let setup = try await Setup()

        let liked = try setup.succeed(["like", "starting-over"])
        #expect(liked.contains("liked  starting-over  Starting Over — Chris Stapleton"), "\(liked)")
        #expect(try setup.succeed(["like", "starting-over"]).contains("liked  starting-over"), "liking again is fine")
        try setup.succeed(["like", "yoru"])
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["yoru", "starting-over"], "newest like first")
        #expect(try setup.succeed(["likes"]).contains("Starting Over"))
        #expect(try setup.succeed(["unlike", "yoru"]).contains("unliked  yoru"))
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["starting-over"])

        #expect(try setup.succeed(["rate", "tennessee-whiskey", "4"]).contains("rated ★★★★☆  tennessee-whiskey  Tennessee Whiskey — Chris Stapleton"))
        let topRated = try setup.json(PlaylistDetail.self, ["playlist", "show", "top-rated", "--json"])
        #expect(topRated.entries.map(\.songId) == ["tennessee-whiskey"])
        #expect(topRated.entries.first?.song?.rating == 4)
        #expect(try setup.succeed(["rate", "tennessee-whiskey", "0"]).contains("cleared the rating of  tennessee-whiskey"))
        #expect(try setup.json(PlaylistDetail.self, ["playlist", "show", "top-rated", "--json"]).entries.isEmpty)

        // Playlists: made, edited by position, shown, exported and imported again.
        let created = try setup.succeed(["playlist", "create", "Road trip", "--description", "For the car", "starting-over", "yoru"])
        #expect(created.contains("created playlist Road trip (id pl-"), "\(created)")
        #expect(created.contains("2 songs"))
        #expect(try setup.succeed(["playlist", "add", "road TRIP", "tennessee-whiskey"]).contains("added 1 song to Road trip; it has 3 songs"))
        try setup.succeed(["playlist", "mv", "Road trip", "3", "1"])
        #expect(try setup.json(PlaylistDetail.self, ["playlist", "show", "Road trip", "--json"]).entries.map(\.songId) == ["tennessee-whiskey", "starting-over", "yoru"])
        #expect(try setup.succeed(["playlist", "rm", "Road trip", "2"]).contains("removed 1 entry from Road trip; it has 2 songs"))
        let detail = try setup.json(PlaylistDetail.self, ["playlist", "show", "Road trip", "--json"])
        #expect(detail.entries.map(\.songId) == ["tennessee-whiskey", "yoru"])
        #expect(detail.entries.map(\.position) == [1, 2])
        #expect(detail.playlist.description == "For the car")
        let table = try setup.succeed(["playlist", "show", "Road trip"])
        #expect(table.contains("1  Tennessee Whiskey"), "\(table)")
        #expect(table.contains("2  夜に駆ける"), "\(table)")

        let listing = try setup.succeed(["playlist", "ls"])
        #expect(listing.contains("Road trip"))
        #expect(listing.contains("Liked songs"))
        let playlists = try setup.json([PlaylistSummary].self, ["playlist", "ls", "--json"])
        #expect(Set(playlists.filter(\.smart).map(\.id)) == Set(SmartPlaylist.allCases.map(\.rawValue)))
        #expect(playlists.first { $0.name == "Road trip" }?.public == false)
        #expect(try setup.succeed(["playlist", "set", "Road trip", "--public"]).contains("public"))
        #expect(try setup.json([PlaylistSummary].self, ["playlist", "ls", "--json"]).first { $0.name == "Road trip" }?.public == true)

        let m3u8 = try setup.succeed(["playlist", "export", "Road trip"])
        #expect(m3u8.hasPrefix("#EXTM3U"), "\(m3u8)")
        #expect(m3u8.contains("Chris Stapleton - Tennessee Whiskey"), "\(m3u8)")
        let xspf = try setup.succeed(["playlist", "export", "Road trip", "--format", "xspf"])
        #expect(xspf.contains("<playlist"))
        #expect(xspf.contains("<title>Tennessee Whiskey</title>"))
        let file = try Fixtures.temporaryDirectory("playlist-file").appendingPathComponent("road.m3u8")
        try Data((m3u8 + "#EXTINF:100,Nobody - Nothing\nhttp://elsewhere.example/nothing.mp3\n").utf8).write(to: file)
        let imported = try setup.succeed(["playlist", "import", file.path, "--name", "Road trip again"])
        #expect(imported.contains("created playlist Road trip again"), "\(imported)")
        #expect(imported.contains("2 of 3 entries matched"), "\(imported)")
        #expect(imported.contains("not matched:\n  Nobody — Nothing"), "\(imported)")
        #expect(try setup.json(PlaylistDetail.self, ["playlist", "show", "road trip again", "--json"]).entries.map(\.songId) == ["tennessee-whiskey", "yoru"])
        #expect(try setup.succeed(["playlist", "rename", "Road trip again", "Back home"]).contains("renamed Road trip again to Back home"))
        #expect(try setup.succeed(["playlist", "delete", "back home"]).contains("deleted playlist Back home"))
        #expect(try setup.json([PlaylistSummary].self, ["playlist", "ls", "--json"]).filter { !$0.smart }.map(\.name) == ["Road trip"])
        #expect(try setup.succeed(["playlist", "copy", "liked", "--name", "Kept"]).contains("created playlist Kept"))

        // A song deleted from the library stays in the playlist, marked unavailable.
        try await setup.deleteBundle("yoru")
        let afterDelete = try setup.json(PlaylistDetail.self, ["playlist", "show", "Road trip", "--json"])
        #expect(afterDelete.entries.map(\.available) == [true, false])
        #expect(try setup.succeed(["playlist", "show", "Road trip"]).contains("2  (unavailable: no longer in the library)"))

        // History: plays as a player reports them (no token: with no accounts, anyone here is the local listener).
        let now = Date()
        try await setup.reportPlays([
            PlayReport(song: "starting-over", startedAt: ISOTime.format(now - 120), playedSeconds: 0.5, client: "test"),
            PlayReport(song: "tennessee-whiskey", startedAt: ISOTime.format(now - 60), playedSeconds: 0.1, client: "test"),
        ])
        let history = try setup.json([HistoryEntry].self, ["history", "--json"])
        #expect(history.map(\.songId) == ["tennessee-whiskey", "starting-over"], "newest first")
        #expect(history.map(\.counted) == [false, true])
        #expect(try setup.json([HistoryEntry].self, ["history", "--limit", "1", "--json"]).count == 1)
        let historyTable = try setup.succeed(["history"])
        #expect(historyTable.contains("Starting Over — Chris Stapleton"), "\(historyTable)")
        #expect(historyTable.contains(" of 0:01  yes      starting-over"), "\(historyTable)")
        #expect(historyTable.contains("0:00 of 0:01  skipped  tennessee-whiskey"), "\(historyTable)")
        let export = try setup.succeed(["history", "export"])
        let lines = export.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains(#""termplayer_song_id":"tennessee-whiskey""#) == true, "\(export)")
        #expect(try setup.json(PlaylistDetail.self, ["playlist", "show", "most-played", "--json"]).entries.map(\.songId) == ["starting-over"])
    }

    @Test("accounts: add ann, log in as her from standard input, act as her, keys, log out, remove")
    func accounts() async throws {
        let setup = try await Setup()
        try setup.succeed(["like", "starting-over"])

        #expect(try setup.succeed(["user", "add", "ann", "--password-stdin"], input: "secret\n").contains("added listener ann"))
        #expect(try setup.succeed(["user", "add", "bob", "--admin", "--password-stdin"], input: "bob-secret\n").contains("added admin bob"))
        let users = try setup.json([UserSummary].self, ["user", "list", "--json"])
        #expect(Set(users.map(\.name)).isSuperset(of: ["ann", "bob"]))
        #expect(users.first { $0.name == "bob" }?.admin == true)
        #expect(try setup.succeed(["user", "list"]).contains("admin"))
        // Accounts exist now; the library's token file still makes this machine's commands its local listener.
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["starting-over"])

        let wrong = try setup.fail(["login", "ann"], input: "nope\n")
        #expect(wrong.contains("wrong name or password"), "\(wrong)")
        #expect(!FileManager.default.fileExists(atPath: setup.loginsFile.path), "a failed login keeps nothing")

        let login = try setup.succeed(["login", "ann"], input: "secret\n")
        #expect(login.contains("logged in to \(setup.server.url) as ann until "), "\(login)")
        let attributes = try FileManager.default.attributesOfItem(atPath: setup.loginsFile.path)
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        let folder = try FileManager.default.attributesOfItem(atPath: setup.loginsFile.deletingLastPathComponent().path)
        #expect(folder[.posixPermissions] as? Int == 0o700)
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: setup.loginsFile)) as? [String: [String: String]]
        #expect(stored?[setup.server.url]?["name"] == "ann")
        #expect(stored?[setup.server.url]?["expiresAt"].flatMap(ISOTime.parse).map { $0 > Date() + 86_400 } == true)
        #expect(stored?[setup.server.url]?["token"]?.isEmpty == false)
        #expect(!String(decoding: try Data(contentsOf: setup.loginsFile), as: UTF8.self).contains("secret"), "the password is not kept")

        // Now the listener commands act as ann: her likes are not the local listener's.
        #expect(try setup.json([Song].self, ["likes", "--json"]).isEmpty)
        try setup.succeed(["like", "yoru"])
        try setup.succeed(["playlist", "create", "Ann's mix", "yoru"])
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["yoru"])
        #expect(try setup.json([Song].self, ["likes", "--json", "--token", try setup.ownerToken]).map(\.id) == ["starting-over"])
        let local = try setup.run(["likes", "--json"], environment: ["TERMPLAYER_TOKEN": try setup.ownerToken])
        #expect(try JSONDecoder().decode([Song].self, from: Data(local.standardOutput.utf8)).map(\.id) == ["starting-over"], "TERMPLAYER_TOKEN beats the login")
        // Account commands still prefer the owner's token file.
        #expect(try setup.succeed(["user", "list"]).contains("bob"))

        // API keys act as ann too, until revoked.
        let created = try setup.run(["apikey", "create", "laptop"])
        #expect(created.status == 0)
        let key = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!key.isEmpty && !key.contains(" "), "the key alone on stdout: \(created.standardOutput)")
        #expect(created.standardError.contains("shown only now"))
        let keys = try setup.json([APIKeyInfo].self, ["apikey", "list", "--json"])
        #expect(keys.map(\.name) == ["laptop"])
        #expect(keys.first?.key == nil, "a key is never shown again")
        #expect(try setup.succeed(["apikey", "list"]).contains("laptop"))
        #expect(try setup.json([Song].self, ["likes", "--json", "--token", key]).map(\.id) == ["yoru"])
        #expect(try setup.succeed(["apikey", "revoke", "laptop"]).contains("revoked API key laptop"))
        #expect(try setup.fail(["likes", "--token", key]).contains("sign in again"))
        #expect(try setup.fail(["apikey", "revoke", "laptop"]).contains("you have no API key laptop (you have none)"))

        // A password set by the owner ends ann's logins: the stored one is refused, and logout says so.
        #expect(try setup.succeed(["user", "passwd", "ann", "--password-stdin"], input: "better\n").contains("set the password of ann"))
        #expect(try setup.fail(["likes"]).contains("sign in again"))
        #expect(try setup.succeed(["logout"]).contains("forgot the login as ann at \(setup.server.url); the service had already ended it"))
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["starting-over"], "the local listener again")
        #expect(try setup.succeed(["logout"]).contains("not logged in"))
        #expect(try setup.fail(["login", "ann"], input: "secret\n").contains("wrong name or password"), "the old password no longer works")

        try setup.succeed(["login", "ann"], input: "better\n")
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["yoru"], "her likes stayed hers")
        let logout = try setup.succeed(["logout"])
        #expect(logout.contains("logged out ann from \(setup.server.url)"), "\(logout)")
        let afterLogout = try JSONSerialization.jsonObject(with: Data(contentsOf: setup.loginsFile)) as? [String: Any]
        #expect(afterLogout?[setup.server.url] == nil)
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["starting-over"])
        try setup.succeed(["login", "ann"], input: "better\n")

        // A stored login that expired is not sent: the command says to log in again.
        var expired = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: setup.loginsFile)) as? [String: [String: String]])
        expired[setup.server.url]?["expiresAt"] = "2020-01-01T00:00:00.000Z"
        try JSONSerialization.data(withJSONObject: expired).write(to: setup.loginsFile)
        let stale = try setup.fail(["likes"])
        #expect(stale.contains("your login as ann at \(setup.server.url) expired"), "\(stale)")
        #expect(stale.contains("termplayer login ann"))
        #expect(try setup.succeed(["logout"]).contains("it had already expired"))

        // Forgetting a login works when the service cannot be reached too, and says so.
        try setup.succeed(["login", "ann"], input: "better\n")
        #expect(try setup.succeed(["user", "remove", "ann"]).contains("removed ann, with their likes, ratings, history and playlists"))
        #expect(!(try setup.json([UserSummary].self, ["user", "list", "--json"]).map(\.name).contains("ann")))
        #expect(try setup.fail(["likes"]).contains("sign in again"), "a removed listener's login no longer works")
        setup.server.stop()
        let unreachable = try setup.succeed(["logout"])
        #expect(unreachable.contains("forgot the login as ann here, but could not end it at \(setup.server.url)"), "\(unreachable)")
        #expect(unreachable.contains("no TermPlayer service answers"))
        #expect(try setup.succeed(["logout"]).contains("not logged in"))
    }

    @Test("history import: a ListenBrainz JSON Lines file is matched by artist and title; importing it again adds nothing")
    func historyImport() async throws {
        let setup = try await Setup()
        let file = try Fixtures.temporaryDirectory("listens").appendingPathComponent("listens.jsonl")
        let start = Int(Date().timeIntervalSince1970) - 86_400 * 30
        try Data(
            """
            {"listened_at": \(start), "track_metadata": {"artist_name": "Chris Stapleton", "track_name": "Starting Over", "release_name": "Starting Over"}}
            {"listened_at": \(start + 600), "track_metadata": {"artist_name": "YOASOBI", "track_name": "夜に駆ける"}}
            this line is not a listen
            {"listened_at": \(start + 1200), "track_metadata": {"artist_name": "Nobody", "track_name": "Nothing"}}

            """.utf8
        ).write(to: file)

        let first = try setup.run(["history", "import", file.path])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("read 3 listens from \(file.path); left out 1 entry that is not a listen"), "\(first.standardOutput)")
        #expect(first.standardOutput.contains("added 2 to your history; 0 already there"), "\(first.standardOutput)")
        #expect(first.standardOutput.contains("not matched to a song here: 1, for example:\n  Nobody — Nothing"), "\(first.standardOutput)")
        #expect(first.standardError.contains("\(file.path), line 3:"), "\(first.standardError)")
        let history = try setup.json([HistoryEntry].self, ["history", "--json"])
        #expect(history.map(\.songId) == ["yoru", "starting-over"])
        #expect(history.allSatisfy { $0.counted }, "a listen of unknown length counts as a whole play")

        let second = try setup.succeed(["history", "import", file.path])
        #expect(second.contains("nothing new: all 2 matched listens were already in your history"), "\(second)")
        #expect(try setup.json([HistoryEntry].self, ["history", "--json"]).count == 2)

        // What export writes, import reads back (by song id), adding nothing new.
        let exported = try Fixtures.temporaryDirectory("exported").appendingPathComponent("history.jsonl")
        try Data(try setup.succeed(["history", "export"]).utf8).write(to: exported)
        #expect(try setup.succeed(["history", "import", exported.path]).contains("nothing new"))

        let notAnExport = try Fixtures.temporaryDirectory("not-export").appendingPathComponent("notes.txt")
        try Data("just some notes\nand more\n".utf8).write(to: notAnExport)
        #expect(try setup.fail(["history", "import", notAnExport.path]).contains("not a ListenBrainz export"))
        #expect(try setup.fail(["history", "import", "/nonexistent/listens.jsonl"]).contains("cannot read /nonexistent/listens.jsonl"))
    }

    @Test("bad input is refused with a clear message and a non-zero exit")
    func badInput() async throws {
        let setup = try await Setup()
        try setup.succeed(["playlist", "create", "Road trip", "starting-over", "yoru"])

        let badRating = try setup.fail(["rate", "starting-over", "9"])
        #expect(badRating.contains("a rating is 0 to 5 stars (0 clears it), not 9"), "\(badRating)")
        #expect(try setup.fail(["rate", "nope", "3"]).contains("no song with id nope"))

        let unknownPlaylist = try setup.fail(["playlist", "show", "Nope"])
        #expect(unknownPlaylist.contains("no playlist Nope — yours: Road trip; smart lists: liked, recently-added"), "\(unknownPlaylist)")
        #expect(unknownPlaylist.split(separator: "\n").count == 1, "one line: \(unknownPlaylist)")

        let outside = try setup.fail(["playlist", "rm", "Road trip", "99"])
        #expect(outside.contains("there is no entry at position 99 (the playlist has 2)"), "\(outside)")
        #expect(try setup.fail(["playlist", "rm", "Road trip", "0"]).contains("positions count from 1"))
        #expect(try setup.fail(["playlist", "mv", "Road trip", "1", "7"]).contains("position 7"))
        #expect(try setup.fail(["playlist", "add", "Road trip", "nope"]).contains("no song with id nope"))
        #expect(try setup.fail(["playlist", "add", "liked", "yoru"]).contains("liked is a smart list"))
        #expect(try setup.fail(["playlist", "create", "road trip"]).contains("already a playlist"))
        #expect(try setup.fail(["playlist", "export", "Road trip", "--format", "pls"]).contains("--format must be m3u8 or xspf"))
        #expect(try setup.fail(["playlist", "import", "/nonexistent/list.m3u8"]).contains("cannot read /nonexistent/list.m3u8"))
        #expect(try setup.json(PlaylistDetail.self, ["playlist", "show", "Road trip", "--json"]).entries.count == 2, "nothing changed")

        // Unknown ids are named; the others are still done.
        let mixed = try setup.run(["like", "nope", "starting-over", "Not An Id!"])
        #expect(mixed.status != 0)
        #expect(mixed.standardOutput.contains("liked  starting-over"))
        #expect(mixed.standardError.contains("no song with id nope; not song ids: Not An Id! (the other 1 song was liked)"), "\(mixed.standardError)")
        #expect(try setup.json([Song].self, ["likes", "--json"]).map(\.id) == ["starting-over"])
        #expect(try setup.fail(["unlike", "nope"]).contains("no song with id nope"))

        #expect(try setup.fail(["history", "--limit", "0"]).contains("--limit must be between 1 and 1000"))
        #expect(try setup.fail(["user", "add", "carl"]).contains("--password-stdin"), "no terminal to ask on")
        #expect(try setup.fail(["user", "add", "carl", "--password-stdin"], input: "").contains("no password on standard input"))
        #expect(try setup.fail(["login", "nobody"], input: "x\n").contains("wrong name or password"))
        let anonymous = try setup.run(["user", "list"], environment: ["XDG_DATA_HOME": try Fixtures.temporaryDirectory("no-library").path])
        #expect(anonymous.status != 0)
        #expect(anonymous.standardError.contains("needs the service's token or an admin's login"), "\(anonymous.standardError)")
        let noService = try setup.fail(["likes", "--server", "http://127.0.0.1:9"])
        #expect(noService.contains("no TermPlayer service answers at http://127.0.0.1:9"))
    }

    @Test("recommend, similar, sharing, and a radio that refills itself as it plays and never repeats a song")
    func recommendations() async throws {
        let setup = try await Setup()
        let forYou = try setup.json([Suggestion].self, ["recommend", "--json", "--limit", "3"])
        #expect(Set(forYou.map(\.song.id)) == ["starting-over", "tennessee-whiskey", "yoru"], "a newcomer's start has everything here")
        #expect(forYou.allSatisfy { $0.reason.hasPrefix("popular in ") }, "\(forYou.map(\.reason))")
        let table = try setup.succeed(["recommend", "--discover"])
        #expect(table.contains("WHY") && table.contains("popular in "), "\(table)")
        #expect(try setup.succeed(["sharing", "off"]).contains("sharing is off"))
        #expect(try setup.succeed(["sharing"]).contains("sharing is off"))
        #expect(try setup.succeed(["sharing", "on"]).contains("sharing is on"))

        // One song at a time, so the radio asks the service twice more as it plays.
        let radio = try setup.run(["radio", "starting-over", "--songs", "3", "--batch", "1", "--output", "null"])
        #expect(radio.status == 0, "\(radio.standardError)")
        let started = radio.standardOutput.split(separator: "\n").filter { $0.hasPrefix("▶ ") }
        #expect(started.count == 3, "\(radio.standardOutput)")
        #expect(started.first?.contains("Starting Over") == true, "a song seed plays first: \(started)")
        #expect(started.last?.hasPrefix("▶ 3/3") == true, "the queue grew as it played: \(started)")
        let titles = started.map { $0.split(separator: " ", maxSplits: 2).last.map(String.init) ?? "" }
        #expect(Set(titles).count == 3, "three different songs: \(started)")

        let similar = try setup.json([Suggestion].self, ["similar", "starting-over", "--json"])
        #expect(!similar.contains { $0.song.id == "starting-over" })
        #expect(similar.first?.song.id == "tennessee-whiskey", "the same artist, played right after it: \(similar.map(\.reason))")

        #expect(try setup.fail(["recommend", "--limit", "0"]).contains("--limit must be 1 to 500"))
        #expect(try setup.fail(["similar", "nope"]).contains("no song with id “nope”"))
        #expect(try setup.fail(["radio", "artist:Nobody", "--output", "null"]).contains("no artist named “Nobody”"))
        #expect(try setup.fail(["radio", "album:NoSlash", "--output", "null"]).contains("is not a seed"))
        #expect(try setup.fail(["radio", "playlist:nope", "--output", "null"]).contains("no playlist"))
    }
}
