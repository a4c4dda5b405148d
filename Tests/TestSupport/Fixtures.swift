public import Foundation
import Synchronization

/// Real files for tests: temporary folders, MP3s made by sox and lame, the committed demo bundles.
///
/// The tools are installed by `make test`; when one is missing the test fails and says which, rather
/// than skipping.
public enum Fixtures {
    /// The checkout this test was built from.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var demoFolder: URL { repositoryRoot.appendingPathComponent("demo") }

    /// A fresh empty folder under the system temporary folder.
    public static func temporaryDirectory(_ label: String = "test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("termplayer-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// ID3 tags lame writes into a generated MP3.
    public struct Tags: Hashable, Sendable {
        public var title: String?
        public var artist: String?
        public var album: String?
        public var genre: String?
        public var year: Int?
        /// A JPEG or PNG file to embed as the cover.
        public var coverPath: String?

        public init(title: String? = nil, artist: String? = nil, album: String? = nil, genre: String? = nil, year: Int? = nil, coverPath: String? = nil) {
            self.title = title
            self.artist = artist
            self.album = album
            self.genre = genre
            self.year = year
            self.coverPath = coverPath
        }
    }

    private static let cache = Mutex<[String: URL]>([:])

    /// An MP3 of a sine tone, made once per process for each distinct request and shared (read-only).
    public static func toneMP3(
        frequency: Int = 440,
        seconds: Double = 2,
        bitrate: Int = 128,
        sampleRate: Int = 44100,
        channels: Int = 2,
        tags: Tags? = nil,
        infoTag: Bool = true
    ) throws -> URL {
        let name = "tone-\(frequency)hz-\(seconds)s-\(bitrate)k-\(sampleRate)-\(channels)ch-\(abs(tags.hashValue))-\(infoTag).mp3"
        if let cached = cache.withLock({ $0[name] }) { return cached }
        let folder = try temporaryDirectory("tones")
        let wav = folder.appendingPathComponent("tone.wav")
        let mp3 = folder.appendingPathComponent(name)
        try synthesizeSine(frequency: frequency, seconds: seconds, sampleRate: sampleRate, channels: channels, into: wav.path)
        // --resample keeps the source rate: lame would otherwise pick a lower one for low bitrates.
        var arguments = ["--quiet", "-b", String(bitrate), "--cbr", "--resample", String(Double(sampleRate) / 1000)]
        if !infoTag { arguments.append("-t") }  // no Xing/LAME frame: length must come from a frame scan
        if let tags {
            arguments += ["--add-id3v2"]
            if let title = tags.title { arguments += ["--tt", title] }
            if let artist = tags.artist { arguments += ["--ta", artist] }
            if let album = tags.album { arguments += ["--tl", album] }
            if let genre = tags.genre { arguments += ["--tg", genre] }
            if let year = tags.year { arguments += ["--ty", String(year)] }
            if let cover = tags.coverPath { arguments += ["--ti", cover] }
        }
        try run("lame", arguments + [wav.path, mp3.path])
        try FileManager.default.removeItem(at: wav)
        cache.withLock { $0[name] = mp3 }
        return mp3
    }

    /// An MP3 whose tone changes every `secondsEach`: where playback is can be heard in the frequency.
    public static func steppedToneMP3(frequencies: [Int], secondsEach: Double, bitrate: Int = 128) throws -> URL {
        let name = "stepped-\(frequencies.map(String.init).joined(separator: "-"))-\(secondsEach)s-\(bitrate)k.mp3"
        if let cached = cache.withLock({ $0[name] }) { return cached }
        let folder = try temporaryDirectory("stepped")
        var parts: [String] = []
        for (index, frequency) in frequencies.enumerated() {
            let part = folder.appendingPathComponent("part\(index).wav").path
            try synthesizeSine(frequency: frequency, seconds: secondsEach, into: part)
            parts.append(part)
        }
        let joined = folder.appendingPathComponent("joined.wav").path
        try run("sox", parts + [joined])
        let mp3 = folder.appendingPathComponent(name)
        try run("lame", ["--quiet", "-b", String(bitrate), "--cbr", joined, mp3.path])
        cache.withLock { $0[name] = mp3 }
        return mp3
    }

    /// A 16-bit WAV of a sine tone at half scale. `-D` turns off sox's dither, which is random: with it,
    /// every run encodes a slightly different MP3, and a fuzzy seek lands a few frames apart from run to run.
    private static func synthesizeSine(frequency: Int, seconds: Double, sampleRate: Int = 44100, channels: Int = 2, into path: String) throws {
        try run("sox", ["-D", "-n", "-r", String(sampleRate), "-c", String(channels), "-b", "16", path,
                        "synth", String(seconds), "sine", String(frequency), "vol", "0.5"])
    }

    /// A cover image from the demo library (a real JPEG).
    public static func coverJPEG() throws -> URL {
        let covers = try FileManager.default.contentsOfDirectory(atPath: demoFolder.path).filter { $0.hasSuffix(".jpg") }.sorted()
        guard let first = covers.first else { throw FixtureError.missing("a .jpg in \(demoFolder.path)") }
        return demoFolder.appendingPathComponent(first)
    }

    /// The bundle JSON of the original format.
    public static func bundleJSON(title: String, album: String = "Album", artist: String = "Artist", genre: Int = 6, year: Int? = 2020) -> Data {
        var object: [String: Any] = ["title": title, "album": album, "artist": artist, "genre": genre]
        if let year { object["year"] = year }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    // MARK: Processes

    public struct ProcessResult: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    public enum FixtureError: Error, CustomStringConvertible {
        case toolMissing(String)
        case failed(String, ProcessResult)
        case missing(String)

        public var description: String {
            switch self {
            case .toolMissing(let tool): "\(tool) is not installed; `make test` installs it (apt-get install sox lame)"
            case .failed(let command, let result): "\(command) exited \(result.status): \(result.standardError)"
            case .missing(let what): "missing fixture: \(what)"
            }
        }
    }

    /// Runs a program found on PATH (or at a path) and fails unless it exits 0.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String], environment: [String: String]? = nil, captureOutput: Bool = true) throws -> ProcessResult {
        let result = try runAllowingFailure(tool, arguments, environment: environment, captureOutput: captureOutput)
        guard result.status == 0 else { throw FixtureError.failed(([tool] + arguments).joined(separator: " "), result) }
        return result
    }

    public static func runAllowingFailure(
        _ tool: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: Data? = nil,
        captureOutput: Bool = true
    ) throws -> ProcessResult {
        guard let executable = tool.hasPrefix("/") ? tool : which(tool) else { throw FixtureError.toolMissing(tool) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        // A program that daemonizes keeps inherited pipes open forever: give it no pipes to wait on.
        guard captureOutput else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return ProcessResult(status: process.terminationStatus, standardOutput: "", standardError: "")
        }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input == nil ? FileHandle.nullDevice : Pipe()
        try process.run()
        if let input, let pipe = process.standardInput as? Pipe {
            pipe.fileHandleForWriting.write(input)
            try pipe.fileHandleForWriting.close()
        }
        // Read both pipes to the end before waiting, so a chatty child cannot fill a pipe and stall.
        let errorData = Mutex(Data())
        let errorDone = DispatchSemaphore(value: 0)
        Thread {
            errorData.withLock { $0 = error.fileHandleForReading.readDataToEndOfFile() }
            errorDone.signal()
        }.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        errorDone.wait()
        return ProcessResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData.withLock { $0 }, as: UTF8.self)
        )
    }

    /// Runs blocking work (waiting on a process or a semaphore) on a thread of its own, and suspends
    /// until it is done. A test blocking in the cooperative pool holds one of its threads — on two cores
    /// there are two, and two tests waiting on processes stall every in-process server and timer in the
    /// run until they are done.
    public static func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    public static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
