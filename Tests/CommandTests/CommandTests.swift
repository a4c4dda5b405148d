import Foundation
import LibraryModel
import TestSupport
import Testing

/// The real binary, run the way a user runs it.
@Suite("termplayer commands", .serialized)
struct CommandTests {
    /// A folder of bundle files: two good ones and one with broken JSON.
    static func bundleFolder() throws -> URL {
        let folder = try Fixtures.temporaryDirectory("bundles")
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 0.5))
        let cover = try Data(contentsOf: Fixtures.coverJPEG())
        try Fixtures.bundleJSON(title: "Starting Over", album: "Starting Over", artist: "Chris Stapleton", genre: 6, year: 2020)
            .write(to: folder.appendingPathComponent("starting-over.json"))
        try mp3.write(to: folder.appendingPathComponent("starting-over.mp3"))
        try cover.write(to: folder.appendingPathComponent("starting-over.jpg"))
        try Fixtures.bundleJSON(title: "夜に駆ける", artist: "Yoasobi", genre: 3).write(to: folder.appendingPathComponent("yoru.json"))
        try mp3.write(to: folder.appendingPathComponent("yoru.mp3"))
        try Data(#"{"title": "Broken""#.utf8).write(to: folder.appendingPathComponent("broken.json"))
        try mp3.write(to: folder.appendingPathComponent("broken.mp3"))
        return folder
    }

    @Test("--help reads well for the command and each subcommand", arguments: [
        [], ["ui"], ["serve"], ["upload"], ["import"], ["songs"], ["genres"], ["status"], ["play"], ["version"],
    ])
    func help(command: [String]) async throws {
        let result = try await TermPlayerBinary.run(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: termplayer"))
        #expect(result.standardOutput.contains("OVERVIEW:"))
        #expect(!result.standardOutput.contains("TODO"))
    }

    @Test("version names every linked C library")
    func version() async throws {
        let output = try await TermPlayerBinary.run(["version"]).standardOutput
        for library in ["termplayer", "libcurl/", "libmpg123", "libpulse", "ncurses"] {
            #expect(output.contains(library), "\(library) missing from: \(output)")
        }
    }

    @Test("serve, upload, songs, genres and status work together as a user runs them")
    func workflow() async throws {
        let library = try Fixtures.temporaryDirectory("cli-library")
        let server = try await ServeProcess(["--library", library.path])
        defer { server.stop() }

        // serve made the token, readable only by its owner, and commands on this machine find it.
        let tokenFile = library.appendingPathComponent("token")
        let permissions = try FileManager.default.attributesOfItem(atPath: tokenFile.path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)

        let upload = try await TermPlayerBinary.run(["upload", "--server", server.url, "--library", library.path, try Self.bundleFolder().path])
        #expect(upload.status != 0, "one bundle is broken, so upload must say so in its status")
        #expect(upload.standardOutput.contains("ingested  starting-over"))
        #expect(upload.standardOutput.contains("Starting Over — Chris Stapleton"))
        #expect(upload.standardOutput.contains("ingested  yoru"))
        #expect(upload.standardOutput.contains("rejected  broken"))
        #expect(upload.standardOutput.contains("broken.json: the file is not valid JSON"))
        #expect(upload.standardOutput.contains("2 ingested, 0 pending, 1 rejected, 0 failed"))

        let table = try await TermPlayerBinary.run(["songs", "--server", server.url])
        #expect(table.status == 0)
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("TITLE") == true)
        #expect(lines.count == 3)
        #expect(table.standardOutput.contains("Starting Over  Chris Stapleton"))
        #expect(table.standardOutput.contains("夜に駆ける"))

        let json = try await TermPlayerBinary.run(["songs", "--server", server.url, "--genre", "country", "--json"])
        let songs = try JSONDecoder().decode([Song].self, from: Data(json.standardOutput.utf8))
        #expect(songs.map(\.title) == ["Starting Over"])
        #expect(songs.first?.image?.hasSuffix("/media/starting-over.jpg") == true)

        let genres = try await TermPlayerBinary.run(["genres", "--server", server.url])
        #expect(genres.standardOutput.contains("6   Country    1"))
        let genreJSON = try await JSONDecoder().decode([Genre].self, from: Data(try TermPlayerBinary.run(["genres", "--server", server.url, "--json"]).standardOutput.utf8))
        #expect(genreJSON.count == 8)

        let status = try await TermPlayerBinary.run(["status", "--server", server.url])
        #expect(status.status == 0)
        #expect(status.standardOutput.contains("Library   2 songs in 8 genres"))
        #expect(status.standardOutput.contains("rejected  broken"))
        #expect(status.standardOutput.contains("not valid JSON"))

        // A corrected upload replaces the problem.
        let fixed = try Fixtures.temporaryDirectory("fixed")
        try Fixtures.bundleJSON(title: "Mended").write(to: fixed.appendingPathComponent("broken.json"))
        let again = try await TermPlayerBinary.run(["upload", "--server", server.url, "--library", library.path, fixed.appendingPathComponent("broken.json").path])
        #expect(again.status == 0, "\(again.standardOutput)")
        await #expect(try TermPlayerBinary.run(["status", "--server", server.url]).standardOutput.contains("Problems  none"))

        let stopped = server.stop()
        #expect(stopped.status == 0, "SIGTERM is a graceful shutdown")
        #expect(stopped.log.contains("created the upload token in \(tokenFile.path)"))
    }

    @Test("import turns tagged MP3s into bundles with their covers; untagged ones are named after the file")
    func importFolder() async throws {
        let library = try Fixtures.temporaryDirectory("import-library")
        let server = try await ServeProcess(["--library", library.path])
        defer { server.stop() }
        let music = try Fixtures.temporaryDirectory("music")
        let nested = music.appendingPathComponent("Artist/Album")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let tagged = try Fixtures.toneMP3(
            frequency: 330, seconds: 0.5,
            tags: .init(title: "Tagged Song", artist: "Tag Artist", album: "Tag Album", genre: "Jazz", year: 2001, coverPath: try Fixtures.coverJPEG().path))
        try FileManager.default.copyItem(at: tagged, to: nested.appendingPathComponent("01 track.mp3"))
        try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: 550, seconds: 0.5), to: music.appendingPathComponent("Field Recording.mp3"))
        try Data("not audio".utf8).write(to: music.appendingPathComponent("notes.mp3"))

        let dryRun = try await TermPlayerBinary.run(["import", "--dry-run", music.path])
        #expect(dryRun.standardOutput.contains(#"tag-artist-tagged-song  {"title":"Tagged Song","album":"Tag Album","artist":"Tag Artist","genre":"Jazz","year":2001}  +cover"#))

        let result = try await TermPlayerBinary.run(["import", "--server", server.url, "--library", library.path, music.path])
        #expect(result.status != 0, "one file was not audio")
        #expect(result.standardError.contains("notes.mp3: not an MP3: the file looks like plain text"))
        #expect(result.standardOutput.contains("2 ingested, 0 pending, 0 rejected, 0 failed"))
        let songs = try await JSONDecoder().decode([Song].self, from: Data(try TermPlayerBinary.run(["songs", "--server", server.url, "--json"]).standardOutput.utf8))
        #expect(songs.map(\.title) == ["Field Recording", "Tagged Song"])
        let song = try #require(songs.last)
        #expect(song.id == "tag-artist-tagged-song")
        #expect(song.artist == "Tag Artist")
        #expect(song.genre == "Jazz")
        #expect(song.year == 2001)
        #expect(song.image?.hasSuffix("/media/tag-artist-tagged-song.jpg") == true)

        // Importing again updates the same bundles instead of adding copies.
        _ = try await TermPlayerBinary.run(["import", "--server", server.url, "--library", library.path, music.path])
        await #expect(try JSONDecoder().decode([Song].self, from: Data(try TermPlayerBinary.run(["songs", "--server", server.url, "--json"]).standardOutput.utf8)).count == 2)
    }

    @Test("serve --demo loads the demo library into an empty library, once")
    func demo() async throws {
        let library = try Fixtures.temporaryDirectory("demo-library")
        let expected = try FileManager.default.contentsOfDirectory(atPath: Fixtures.demoFolder.path).filter { $0.hasSuffix(".json") }.count
        #expect(expected >= 6 && expected <= 10)
        for _ in 0..<2 {
            let server = try await ServeProcess(["--library", library.path, "--demo"])
            let songs = try await JSONDecoder().decode([Song].self, from: Data(try TermPlayerBinary.run(["songs", "--server", server.url, "--json"]).standardOutput.utf8))
            #expect(songs.count == expected)
            #expect(songs.allSatisfy { $0.image != nil && ($0.duration ?? 0) >= 10 && ($0.duration ?? 0) <= 30 })
            #expect(Set(songs.map(\.genre)).count >= 6)
            server.stop()
        }
    }

    @Test("serve --tls-cert/--tls-key answers HTTPS with the certificate, links in https, and refuses bad files by name")
    func tls() async throws {
        let folder = try Fixtures.temporaryDirectory("tls")
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        try Fixtures.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        let library = folder.appendingPathComponent("library").path
        let server = try await ServeProcess(["--library", library, "--demo", "--tls-cert", certificate, "--tls-key", key])
        defer { server.stop() }
        #expect(server.url.hasPrefix("https://"))
        let listing = try Fixtures.run("curl", ["-sS", "--fail", "--cacert", certificate, server.url + "/songs"]).standardOutput
        let songs = try JSONDecoder().decode([Song].self, from: Data(listing.utf8))
        #expect(!songs.isEmpty)
        #expect(songs.allSatisfy { $0.file.hasPrefix(server.url + "/media/") }, "\(songs.map(\.file))")
        // The certificate is checked: without it curl refuses, and plain HTTP gets no answer.
        #expect(try Fixtures.runAllowingFailure("curl", ["-sS", server.url + "/songs"]).status == 60)
        #expect(try Fixtures.runAllowingFailure("curl", ["-sS", "-m", "5", "http://127.0.0.1:\(server.port)/songs"]).status != 0)
        let tls12 = try Fixtures.run("curl", ["-sS", "--cacert", certificate, "--tls-max", "1.2", "-o", "/dev/null", "-w", "%{http_code}", server.url + "/healthz"])
        #expect(tls12.standardOutput == "200")

        let otherKey = folder.appendingPathComponent("other.pem").path
        try Fixtures.run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", otherKey])
        for (arguments, message) in [
            (["--tls-cert", certificate], "--tls-cert and --tls-key go together"),
            (["--tls-cert", folder.appendingPathComponent("missing.pem").path, "--tls-key", key], "missing.pem: no such file"),
            (["--tls-cert", key, "--tls-key", key], "cannot read the TLS certificate"),
            (["--tls-cert", certificate, "--tls-key", otherKey], "does not fit the certificate"),
        ] {
            let refused = try await TermPlayerBinary.run(["serve", "--library", library + "-refused", "--port", "0"] + arguments)
            #expect(refused.status != 0)
            #expect(refused.standardError.contains(message), "\(arguments): \(refused.standardError)")
        }
    }

    @Test("clear errors: no service, no token, a taken port, bad options")
    func errors() async throws {
        let noService = try await TermPlayerBinary.run(["songs", "--server", "http://127.0.0.1:9"])
        #expect(noService.status != 0)
        #expect(noService.standardError.contains("no TermPlayer service answers at http://127.0.0.1:9"))
        #expect(noService.standardError.contains("termplayer serve"))

        let library = try Fixtures.temporaryDirectory("errors-library")
        let server = try await ServeProcess(["--library", library.path])
        defer { server.stop() }
        let elsewhere = try Fixtures.temporaryDirectory("no-token")
        let noToken = try await TermPlayerBinary.run(
            ["upload", "--server", server.url, "--library", elsewhere.path, try Self.bundleFolder().path], environment: ["TERMPLAYER_TOKEN": ""])
        #expect(noToken.status != 0)
        #expect(noToken.standardError.contains("uploads need the service's token"))

        let wrongToken = try await TermPlayerBinary.run(["upload", "--server", server.url, "--token", "nope", try Self.bundleFolder().path])
        #expect(wrongToken.status != 0)
        #expect(wrongToken.standardOutput.contains("401"))

        let taken = try await TermPlayerBinary.run(["serve", "--library", library.path, "--port", String(server.port)])
        #expect(taken.status != 0)
        #expect(taken.standardError.contains("already in use"))

        let badPort = try await TermPlayerBinary.run(["serve", "--port", "70000"])
        #expect(badPort.status != 0)
        #expect(badPort.standardError.contains("--port must be between 0 and 65535"))

        let strayFile = try await TermPlayerBinary.run(["upload", "--server", server.url, "--library", library.path, "/nonexistent/bundle.json"])
        #expect(strayFile.status != 0)
        #expect(strayFile.standardError.contains("/nonexistent/bundle.json: no such file or folder"))
    }

    @Test("scaled-out options that cannot work are refused with the reason, before anything starts", arguments: [
        (["--storage", "s3://music"], "must share the token too"),
        (["--storage", "ftp://music", "--token", "t"], "--storage takes s3://BUCKET[/prefix]"),
        (["--storage", "s3://x", "--token", "t"], "not a valid S3 bucket name"),
        (["--media", "presigned"], "needs --storage s3://"),
        (["--media", "cdn"], "--media must be proxy, presigned or public"),
        (["--dead-letter-queue", "https://sqs.example/1/dlq"], "--dead-letter-queue goes with --events"),
        (["--events", "music-ingest"], "--events takes the queue's URL"),
        (["--database", "mysql://db/x"], "--database takes postgres://"),
        (["--database", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=2"], "cannot open the catalog"),
    ])
    func scaledOutErrors(arguments: [String], message: String) async throws {
        let library = try Fixtures.temporaryDirectory("scaled-errors")
        let result = try await TermPlayerBinary.run(
            ["serve", "--library", library.path, "--port", "0"] + arguments,
            environment: ["TERMPLAYER_TOKEN": "", "TERMPLAYER_DATABASE_URL": "", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"])
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(!result.standardError.contains("secret"), "a password never reaches the output")
    }
}
