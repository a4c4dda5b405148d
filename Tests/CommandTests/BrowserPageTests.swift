import Foundation
import LibraryModel
import TestSupport
import Testing

/// The original project's kind of client: a static page on another origin using the API from JavaScript,
/// in a real browser (headless Chromium through selenium, `Tests/Tools/browser-page.py`) against a real
/// `termplayer serve`. Only CORS lets the page read anything; `CrossOriginTests` checks the headers.
@Suite("A static page on another origin, in a real browser")
struct BrowserPageTests {
    static let token = "browser-page-token-0123"
    static let seekTarget = 2.0

    /// What the page showed and did, and what the browser got from the service.
    struct Report: Decodable {
        struct Answer: Decodable {
            var status: Int
            var body: [String: JSONValue]?
        }

        struct ContentRange: Decodable {
            var status: Int
            var header: String?
            var bytes: Int
        }

        /// One answer from the service, as the browser's network log has it.
        struct Received: Decodable {
            var url: String
            var status: Int
            /// "Media" (the audio element), "Fetch" (the page's script), "Preflight" (the browser's OPTIONS).
            var type: String
            var contentRange: String?
            var allowOrigin: String?
        }

        var finished: Bool
        var titles: [String]
        var status: String
        var readyState: Int
        var paused: Bool
        var seeked: Double?
        var times: [Double]
        var like: Answer?
        var missing: Answer?
        var contentRange: ContentRange?
        var responses: [Received]
        var errors: [String]
        var console: [String]
    }

    /// Enough of JSON for the answers' bodies: `liked` is a Bool, `error` a String.
    enum JSONValue: Decodable, Equatable {
        case bool(Bool), string(String), other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                self = .bool(bool)
            } else if let string = try? container.decode(String.self) {
                self = .string(string)
            } else {
                self = .other
            }
        }
    }

    static func library() throws -> URL {
        let library = try Fixtures.temporaryDirectory("browser-library")
        let bucket = library.appendingPathComponent("bucket")
        try FileManager.default.createDirectory(at: bucket, withIntermediateDirectories: true)
        for (id, title, frequency) in [("first", "A Browser Tone", 440), ("second", "B Browser Tone", 660)] {
            try Fixtures.bundleJSON(title: title, artist: "Test Signals", genre: 1).write(to: bucket.appendingPathComponent("\(id).json"))
            try FileManager.default.copyItem(at: try Fixtures.toneMP3(frequency: frequency, seconds: 6), to: bucket.appendingPathComponent("\(id).mp3"))
        }
        return library
    }

    static func songs(_ service: ServeProcess) async throws -> [Song] {
        let output = try await TermPlayerBinary.run(["songs", "--server", service.url, "--json", "--token", token]).standardOutput
        return (try? JSONDecoder().decode([Song].self, from: Data(output.utf8))) ?? []
    }

    /// Chromium, its driver and selenium, which `make test` installs; a clear failure when one is missing.
    static func browserTools() throws {
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: path) {
            throw Fixtures.FixtureError.missing("\(path): `make test` installs it (apt-get install chromium chromium-driver)")
        }
        let selenium = try Fixtures.runAllowingFailure("python3", ["-c", "import selenium"])
        guard selenium.status == 0 else {
            throw Fixtures.FixtureError.missing("selenium for python3: `make test` installs it (pip install selenium)")
        }
    }

    @Test("lists the songs, plays the first and seeks in it, and likes it through a preflight")
    func page() async throws {
        try Self.browserTools()
        let service = try await ServeProcess(["--library", try Self.library().path, "--token", Self.token, "--log-level", "warning"])
        defer { service.stop() }
        #expect(try await eventually(within: .seconds(10), polling: .milliseconds(200)) { try await Self.songs(service).count == 2 }, "the service ingests the songs")

        let script = Fixtures.repositoryRoot.appendingPathComponent("Tests/Tools/browser-page.py").path
        let url = service.url
        let result = try await Fixtures.onOwnThread {
            try Fixtures.runAllowingFailure("python3", [script, "--api", url, "--token", Self.token])
        }
        try #require(result.status == 0, "browser-page.py exited \(result.status): \(result.standardError)")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
        let context = "errors \(report.errors), status \(report.status.debugDescription), console \(report.console)"

        #expect(report.finished, "the page did not finish: \(context)")
        #expect(report.errors.isEmpty, "\(context)")
        // The listing, rendered by the page's script.
        #expect(report.titles == ["A Browser Tone — Test Signals", "B Browser Tone — Test Signals"], "\(context)")
        // The audio: decodable, playing, landed at the seek target and moving on from there.
        #expect(report.readyState >= 2, "readyState \(report.readyState): \(context)")
        #expect(!report.paused, "\(context)")
        let seeked = try #require(report.seeked, "the seek never landed: \(context)")
        #expect(seeked >= Self.seekTarget - 0.05, "seeked to \(seeked)")
        #expect(report.times.allSatisfy { $0 >= Self.seekTarget - 0.05 }, "\(report.times)")
        #expect((report.times.last ?? 0) > (report.times.first ?? 0), "currentTime did not advance: \(report.times)")
        // The audio element asked for ranges and got 206s, CORS-checked (it is crossorigin).
        let media = report.responses.filter { $0.type == "Media" }
        #expect(media.contains { $0.status == 206 }, "the audio element's answers: \(media.map(\.status))")
        #expect(media.allSatisfy { $0.url.hasSuffix("/media/first.mp3") && $0.contentRange?.hasPrefix("bytes ") == true && $0.allowOrigin == "*" }, "\(media)")
        // A script can read what the service exposes.
        #expect(report.contentRange?.status == 206)
        #expect(report.contentRange?.header?.hasPrefix("bytes 0-99/") == true, "\(String(describing: report.contentRange))")
        #expect(report.contentRange?.bytes == 100)
        // Errors are readable: the page can say why.
        #expect(report.missing?.status == 404)
        #expect(report.missing?.body?["error"] != nil, "\(String(describing: report.missing))")
        // The write, after the browser's preflight: the like reached the library.
        let preflights = report.responses.filter { $0.type == "Preflight" }
        #expect(preflights.contains { $0.url.hasSuffix("/songs/first/like") && $0.status == 204 }, "preflights: \(preflights)")
        #expect(report.like?.status == 200, "\(String(describing: report.like))")
        #expect(report.like?.body?["liked"] == .bool(true))
        #expect(try await Self.songs(service).first { $0.id == "first" }?.liked == true)
    }
}
