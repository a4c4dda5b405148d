import Foundation
import LibraryModel
import ListeningFormats
import Testing

/// ListenBrainz exports and TermPlayer's own history export.
@Suite("Listen files: ListenBrainz exports and TermPlayer history")
struct ListenFileTests {
    /// 2027-01-15: after every time these tests use, so "a day in the future" is fixed.
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A ListenBrainz "Export listens" file: a JSON array, pretty-printed, with the fields the service
    /// adds (`inserted_at`, `recording_msid`, `user_name`, `mbid_mapping`) that TermPlayer does not need.
    static let listenBrainzArray = """
        [
          {
            "inserted_at": 1700000012,
            "listened_at": 1700000000,
            "recording_msid": "0e6a7d2e-7c36-4b8b-9f5f-2f0d0b1c9a11",
            "track_metadata": {
              "additional_info": {
                "duration_ms": 252760,
                "media_player": "Spotify",
                "music_service": "spotify.com",
                "recording_msid": "0e6a7d2e-7c36-4b8b-9f5f-2f0d0b1c9a11",
                "spotify_id": "https://open.spotify.com/track/3q6VZlm6x5pAqNeC5vdUGi",
                "submission_client": "ListenBrainz Spotify Importer"
              },
              "artist_name": "Björk",
              "mbid_mapping": {
                "artist_mbids": ["87c5dedd-371d-4a53-9f7f-80522fb7f3cb"],
                "artists": [{"artist_credit_name": "Björk", "artist_mbid": "87c5dedd-371d-4a53-9f7f-80522fb7f3cb", "join_phrase": ""}],
                "caa_id": 1234567890,
                "recording_mbid": "d2c64f3c-53bb-4b07-9ef1-2d3f5c1f3b11",
                "recording_name": "Human Behaviour",
                "release_mbid": "c4a4ba4f-4bd4-4a38-b3f8-5c1e47f2ab3e"
              },
              "release_name": "Debut",
              "track_name": "Human Behaviour"
            },
            "user_name": "ana"
          },
          {
            "inserted_at": 1700000400,
            "listened_at": 1700000300.5,
            "recording_msid": "9a3b1c7e-1111-4a2b-8c3d-000000000002",
            "track_metadata": {
              "additional_info": {"duration_ms": "259000", "media_player": "foobar2000", "submission_client": "foo_listenbrainz2"},
              "artist_name": "宇多田ヒカル",
              "track_name": "First Love"
            },
            "user_name": "ana"
          },
          {
            "listened_at": "2023-11-14T23:30:00+01:00",
            "recording_msid": "9a3b1c7e-1111-4a2b-8c3d-000000000003",
            "track_metadata": {"artist_name": "  Beyoncé ", "track_name": "Halo", "release_name": ""},
            "user_name": "ana"
          }
        ]
        """

    /// The JSON Lines form (`listens/2023/11.jsonl` in newer exports), with bad lines among good ones.
    static let listenBrainzLines = [
        #"{"listened_at": 1700000000, "recording_msid": "0e6a7d2e-7c36-4b8b-9f5f-2f0d0b1c9a11", "track_metadata": {"artist_name": "Björk", "track_name": "Human Behaviour", "release_name": "Debut", "additional_info": {"duration_ms": 252760, "media_player": "Spotify"}}}"#,
        #"{"listened_at": "2023-11-14 22:30:00.123456Z", "track_metadata": {"artist_name": "Daft Punk", "track_name": "One More Time"}}"# + "\r",
        "this line is not JSON",
        "",
        #"{"listened_at": 631152000, "track_metadata": {"artist_name": "Old", "track_name": "Too early"}}"#,
        #"{"listened_at": 1700000000, "track_metadata": {"track_name": "No artist, no id"}}"#,
        "[1, 2]",
        #"{"listened_at": 1700000600, "track_metadata": {"additional_info": {"termplayer_song_id": "starting-over", "played_ms": 61500}}}"#,
        #"{"track_metadata": {"artist_name": "A", "track_name": "No time"}}"#,
        #"{"listened_at": 1800259200, "track_metadata": {"artist_name": "A", "track_name": "Three days ahead"}}"#,
        #"{"listened_at": true, "track_metadata": {"artist_name": "A", "track_name": "Boolean time"}}"#,
        #"{"listened_at": 1700000900, "track_metadata": {"artist_name": "Last", "track_name": "No line feed"}}"#,
    ].joined(separator: "\n")

    @Test("a ListenBrainz JSON array: every listen, times in UTC ISO 8601, text trimmed")
    func listenBrainzArray() throws {
        let contents = try ListenFiles.parse(Array(Self.listenBrainzArray.utf8), now: Self.now)
        #expect(contents.problems.isEmpty)
        #expect(contents.listens == [
            ImportedListen(artist: "Björk", title: "Human Behaviour", album: "Debut", listenedAt: "2023-11-14T22:13:20Z"),
            ImportedListen(artist: "宇多田ヒカル", title: "First Love", listenedAt: "2023-11-14T22:18:20.500Z"),
            ImportedListen(artist: "Beyoncé", title: "Halo", listenedAt: "2023-11-14T22:30:00Z"),
        ])
    }

    @Test("JSON Lines: bad lines are reported with their line numbers, good ones kept")
    func listenBrainzLines() throws {
        let contents = try ListenFiles.parse(Array(Self.listenBrainzLines.utf8), now: Self.now)
        #expect(contents.listens == [
            ImportedListen(artist: "Björk", title: "Human Behaviour", album: "Debut", listenedAt: "2023-11-14T22:13:20Z"),
            ImportedListen(artist: "Daft Punk", title: "One More Time", listenedAt: "2023-11-14T22:30:00.123Z"),
            ImportedListen(songId: "starting-over", listenedAt: "2023-11-14T22:23:20Z", playedSeconds: 61.5),
            ImportedListen(artist: "Last", title: "No line feed", listenedAt: "2023-11-14T22:28:20Z"),
        ])
        #expect(contents.problems.map(\.line) == [3, 5, 6, 7, 9, 10, 11])
        #expect(contents.problemCount == 7)
        #expect(contents.problems.allSatisfy { $0.listen == nil })
        let reasons = contents.problems.map(\.description)
        #expect(reasons[0].hasPrefix("line 3: not JSON"))
        #expect(reasons[1] == "line 5: listened_at 631152000 is not a plausible listening time (before 2002, or more than a day from now)")
        #expect(reasons[2].contains("names no song"))
        #expect(reasons[3].contains("not a listen"))
        #expect(reasons[4].contains("no listened_at"))
        #expect(reasons[5].contains("not a plausible listening time"))
        #expect(reasons[6].contains("not the boolean true"))
    }

    @Test("array entries that are not listens are reported by position and line; a cut-short array keeps what came before")
    func arrayProblems() throws {
        let text = """
            [{"listened_at": 1700000000, "track_metadata": {"artist_name": "A", "track_name": "One"}},
             "a string",
             {"listened_at": 1700000060, "track_metadata": {"artist_name": "B", "track_name": "Two, with [brackets] and \\"quotes\\" {}"}},
             {"listened_at": 17000
            """
        let contents = try ListenFiles.parse(Array(text.utf8), now: Self.now)
        #expect(contents.listens.map(\.title) == ["One", #"Two, with [brackets] and "quotes" {}"#])
        #expect(contents.problems.map(\.description).count == 3)
        #expect(contents.problems[0] == ListenFileProblem(line: 2, listen: 2, reason: contents.problems[0].reason))
        #expect(contents.problems[0].reason.contains("not a listen"))
        #expect(contents.problems[1].listen == 4)
        #expect(contents.problems[1].line == 4)
        #expect(contents.problems[2].reason.contains("ends before the array's closing ]"))
    }

    @Test("text after an array's end is reported once")
    func trailingText() throws {
        let contents = try ListenFiles.parse(Array(#"[] trailing {"x": 1}"#.utf8), now: Self.now)
        #expect(contents.listens.isEmpty)
        #expect(contents.problems.map(\.reason) == ["there is more text after the array's closing ]; it was not read"])
    }

    @Test("an empty file, an empty array and a BOM hold no listens and no problems", arguments: ["", "\u{FEFF}", "  \n", "[]", "\u{FEFF}[ ]\n"])
    func empty(text: String) throws {
        #expect(try ListenFiles.parse(Array(text.utf8), now: Self.now) == ListenFileContents())
    }

    @Test("a file none of whose lines is JSON is not an export")
    func notAnExport() {
        let csv = "artist,title,played_at\nBjörk,Human Behaviour,2023-11-14\n"
        #expect(throws: ListenFileError.notAListenExport(start: "artist,title,played_at")) {
            try ListenFiles.parse(Array(csv.utf8), now: Self.now)
        }
        #expect(ListenFileError.notAListenExport(start: "x").description.contains("not a ListenBrainz export"))
    }

    @Test("listened_at: integer and float seconds, digits in a string, ISO 8601 with and without zones", arguments: [
        ("1700000000", "2023-11-14T22:13:20Z"),
        ("1700000000.25", "2023-11-14T22:13:20.250Z"),
        ("1700000000.0004", "2023-11-14T22:13:20Z"),
        (#""1700000000""#, "2023-11-14T22:13:20Z"),
        (#""2023-11-14T22:13:20Z""#, "2023-11-14T22:13:20Z"),
        (#""2023-11-14T22:13:20""#, "2023-11-14T22:13:20Z"),
        (#""2023-11-15T03:43:20.5+05:30""#, "2023-11-14T22:13:20.500Z"),
        (#""2023-11-14T17:13:20-0500""#, "2023-11-14T22:13:20Z"),
        (#""2024-02-29T00:00:00Z""#, "2024-02-29T00:00:00Z"),
        (#""2016-12-31T23:59:60Z""#, "2016-12-31T23:59:59.999Z"),
    ])
    func times(written: String, iso: String) throws {
        let line = #"{"listened_at": \#(written), "track_metadata": {"artist_name": "A", "track_name": "T"}}"#
        let contents = try ListenFiles.parse(Array(line.utf8), now: Self.now)
        #expect(contents.listens.map(\.listenedAt) == [iso])
    }

    @Test("listened_at that is no time is a problem", arguments: [
        #""yesterday""#, #""2023-02-30T00:00:00Z""#, #""2023-11-14T25:00:00Z""#, #""2023-11-14T22:13:20+25:00""#, "1e300", "null", "{}",
        "1700000000000",
    ])
    func badTimes(written: String) throws {
        let line = #"{"listened_at": \#(written), "track_metadata": {"artist_name": "A", "track_name": "T"}}"#
        let contents = try ListenFiles.parse(Array(line.utf8), now: Self.now)
        #expect(contents.listens.isEmpty)
        #expect(contents.problems.count == 1)
    }

    // MARK: TermPlayer's export

    static let exported = [
        ExportedListen(
            songId: "yoru-ni-kakeru", artist: "YOASOBI", title: "夜に駆ける", album: "THE BOOK", listenedAt: "2026-12-01T21:15:38Z",
            playedSeconds: 187.5, durationSeconds: 261.3),
        ExportedListen(
            songId: "quotes", artist: #"AC/DC "Live" \ 🎸"#, title: "Tab\there, line\nbreak", album: nil,
            listenedAt: "2026-12-01T21:20:00.250Z", playedSeconds: 0.001),
        ExportedListen(songId: "deleted-song", artist: nil, title: nil, listenedAt: "2026-12-01T22:00:00Z"),
    ]

    @Test("render → parse gives back the song id, artist, title, album, time and played seconds")
    func roundTrip() throws {
        let lines = Self.exported.map(ListenFiles.render)
        #expect(lines.allSatisfy { !$0.contains("\n") })
        let contents = try ListenFiles.parse(Array(lines.joined(separator: "\n").utf8), now: Self.now)
        #expect(contents.problems.isEmpty)
        #expect(contents.listens == Self.exported.map {
            ImportedListen(songId: $0.songId, artist: $0.artist, title: $0.title, album: $0.album, listenedAt: $0.listenedAt, playedSeconds: $0.playedSeconds)
        })
    }

    @Test("a rendered listen is ListenBrainz's shape, with TermPlayer's extras in additional_info")
    func renderedShape() throws {
        let line = ListenFiles.render(Self.exported[0])
        #expect(line == #"{"listened_at":1796159738,"track_metadata":{"artist_name":"YOASOBI","track_name":"夜に駆ける","release_name":"THE BOOK","additional_info":{"media_player":"TermPlayer","termplayer_song_id":"yoru-ni-kakeru","played_ms":187500,"duration_ms":261300}}}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ListenFiles.render(Self.exported[1]).utf8)) as? [String: Any])
        #expect((object["listened_at"] as? Double) == 1_796_160_000.25)
        let metadata = try #require(object["track_metadata"] as? [String: Any])
        #expect(metadata["release_name"] == nil)
        #expect(metadata["track_name"] as? String == "Tab\there, line\nbreak")
    }

    // MARK: Streaming

    /// A JSON Lines file of `count` lines in a temporary folder; every 1,000th line is broken.
    private func writeLinesFile(count: Int) throws -> URL {
        var text = ""
        for index in 0..<count {
            if index % 1_000 == 999 {
                text += "{\"listened_at\": \(1_700_000_000 + index), \"track_metadata\": {\"artist_name\": \"cut short\"\n"
            } else {
                text += "{\"listened_at\": \(1_700_000_000 + index), \"track_metadata\": {\"artist_name\": \"Artist \(index % 97)\", \"track_name\": \"Song \(index)\", \"additional_info\": {\"duration_ms\": 215000, \"media_player\": \"mpv\"}}}\n"
            }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("listens-\(UUID().uuidString).jsonl")
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test("the streaming reader goes through 20,000 lines in batches, in order, reporting the broken ones")
    func streamLines() async throws {
        let url = try writeLinesFile(count: 20_000)
        defer { try? FileManager.default.removeItem(at: url) }
        var batchSizes: [Int] = []
        var titles: [String] = []
        let report = try await ListenFiles.read(fileAt: url.path, batchSize: 512, now: Self.now) { batch in
            batchSizes.append(batch.count)
            titles.append(contentsOf: batch.compactMap(\.title))
        }
        #expect(report.listenCount == 19_980)
        #expect(batchSizes.allSatisfy { $0 <= 512 })
        #expect(batchSizes.count == 40)
        #expect(titles.count == 19_980)
        #expect(titles.first == "Song 0")
        #expect(titles.last == "Song 19998")
        #expect(titles == (0..<20_000).filter { $0 % 1_000 != 999 }.map { "Song \($0)" })
        #expect(report.problemCount == 20)
        #expect(report.problems.map(\.line) == (0..<20).map { $0 * 1_000 + 1_000 })
    }

    @Test("the streaming reader cuts a JSON array into listens across read buffers")
    func streamArray() async throws {
        let listens = (0..<5_000).map { index in
            ExportedListen(
                songId: "song-\(index)", artist: "A \"quoted\" ], {artist}", title: "[\(index)], {\"x\": 1}", album: "Ω",
                listenedAt: ListenFileTests.iso(1_700_000_000 + index))
        }
        let text = "[\n" + listens.map(ListenFiles.render).joined(separator: ",\n") + "\n]\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("listens-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        var read: [ImportedListen] = []
        let report = try await ListenFiles.read(fileAt: url.path, batchSize: 1_000, now: Self.now) { batch in read += batch }
        #expect(report == ListenFileReport(listenCount: 5_000))
        #expect(read.map(\.songId) == listens.map(\.songId))
        #expect(read.map(\.title) == listens.map(\.title))
        #expect(read.last?.listenedAt == "2023-11-14T23:36:39Z")
    }

    private static func iso(_ seconds: Int) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }

    @Test("a body that fails stops the reading, and its error comes back as it was")
    func bodyFailure() async throws {
        struct Enough: Error, Equatable {}
        let url = try writeLinesFile(count: 3_000)
        defer { try? FileManager.default.removeItem(at: url) }
        var calls = 0
        do {
            _ = try await ListenFiles.read(fileAt: url.path, batchSize: 100, now: Self.now) { (_: [ImportedListen]) throws(Enough) in
                calls += 1
                if calls == 2 { throw Enough() }
            }
            Issue.record("the reading went on")
        } catch {
            guard case .body(let failure) = error else {
                Issue.record("expected the body's error, got \(error)")
                return
            }
            #expect(failure == Enough())
        }
        #expect(calls == 2)
    }

    @Test("a missing file and a file that is no export are errors of the file")
    func fileErrors() async throws {
        let missing = "/nonexistent-\(UUID().uuidString)/listens.jsonl"
        do {
            _ = try await ListenFiles.read(fileAt: missing, batchSize: 10) { _ in }
            Issue.record("a missing file was read")
        } catch {
            guard case .file(.unreadable(let path, let reason)) = error else {
                Issue.record("expected .unreadable, got \(error)")
                return
            }
            #expect(path == missing)
            #expect(reason.lowercased().contains("no such file"))
            #expect(error.description.hasPrefix("cannot read \(missing): "))
        }

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("not-listens-\(UUID().uuidString).csv")
        try Data("a,b\nc,d\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        await #expect(throws: ListenFileReadError<Never>.self) {
            _ = try await ListenFiles.read(fileAt: url.path, batchSize: 10) { _ in }
        }
    }
}
