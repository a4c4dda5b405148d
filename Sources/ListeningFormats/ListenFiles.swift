public import Foundation
public import LibraryModel

/// One play in TermPlayer's history, to be written as a ListenBrainz-shaped JSON Lines line.
public struct ExportedListen: Sendable, Hashable {
    public var songId: String
    public var artist: String?
    public var title: String?
    public var album: String?
    /// ISO 8601, as the API writes times.
    public var listenedAt: String
    /// How long it really played.
    public var playedSeconds: Double?
    /// The song's length.
    public var durationSeconds: Double?

    public init(
        songId: String, artist: String?, title: String?, album: String? = nil, listenedAt: String,
        playedSeconds: Double? = nil, durationSeconds: Double? = nil
    ) {
        self.songId = songId
        self.artist = artist
        self.title = title
        self.album = album
        self.listenedAt = listenedAt
        self.playedSeconds = playedSeconds
        self.durationSeconds = durationSeconds
    }
}

/// An entry of a listens file that was left out, and why.
public struct ListenFileProblem: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line where the entry starts.
    public var line: Int
    /// 1-based position in a JSON array; nil in JSON Lines, where the line says it all.
    public var listen: Int?
    public var reason: String

    public init(line: Int, listen: Int? = nil, reason: String) {
        self.line = line
        self.listen = listen
        self.reason = reason
    }

    public var description: String {
        if let listen { "listen \(listen) (line \(line)): \(reason)" } else { "line \(line): \(reason)" }
    }
}

/// Everything a listens file held, read at once.
public struct ListenFileContents: Sendable, Hashable {
    public var listens: [ImportedListen]
    /// The first `ListenFiles.maximumReportedProblems`, in file order.
    public var problems: [ListenFileProblem]
    /// All of them, kept or not.
    public var problemCount: Int

    public init(listens: [ImportedListen] = [], problems: [ListenFileProblem] = [], problemCount: Int = 0) {
        self.listens = listens
        self.problems = problems
        self.problemCount = problemCount
    }
}

/// What streaming a listens file found, besides the listens it handed over.
public struct ListenFileReport: Sendable, Hashable {
    /// Listens passed to the body.
    public var listenCount: Int
    public var problems: [ListenFileProblem]
    public var problemCount: Int

    public init(listenCount: Int = 0, problems: [ListenFileProblem] = [], problemCount: Int = 0) {
        self.listenCount = listenCount
        self.problems = problems
        self.problemCount = problemCount
    }
}

/// Why a listens file could not be read at all (single bad entries are `ListenFileProblem`s instead).
public enum ListenFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither a JSON array nor JSON Lines: no entry of it is JSON. `start` is the file's first text.
    case notAListenExport(start: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notAListenExport(let start):
            "the file is not a ListenBrainz export (a JSON array of listens, or JSON Lines with one listen a line); it starts with \(start.debugDescription)"
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        }
    }
}

/// Streaming a file fails either because of the file or because the caller's body gave up; each keeps its
/// own type so the caller can tell them apart.
public enum ListenFileReadError<BodyFailure: Error>: Error, CustomStringConvertible {
    case file(ListenFileError)
    case body(BodyFailure)

    public var description: String {
        switch self {
        case .file(let error): error.description
        case .body(let error): "\(error)"
        }
    }
}

/// ListenBrainz's listen files — the exports people download and the JSON Lines files of newer exports —
/// and TermPlayer's own history export, which is the same shape with a few extras in `additional_info`.
public enum ListenFiles {
    public static let maximumReportedProblems = 1_000
    /// A line or array element longer than this is not a listen; it is reported without being kept whole.
    public static let maximumListenBytes = 1_048_576
    /// What `render` writes as `media_player`.
    public static let mediaPlayer = "TermPlayer"

    /// A ListenBrainz export: a JSON array of listens, or JSON Lines (one listen per line). Each listen has
    /// `listened_at` (Unix seconds, integer or float, or an ISO 8601 string) and `track_metadata.artist_name`,
    /// `track_name`, optional `release_name`, optional `additional_info` (with `duration_ms`, and for
    /// TermPlayer's own export `termplayer_song_id` and `played_ms`). Entries that are not listens are
    /// reported, not fatal. `now` bounds what counts as a plausible time (at most a day ahead of it).
    public static func parse(_ bytes: [UInt8], now: Date = Date()) throws(ListenFileError) -> ListenFileContents {
        var scanner = ListenEntryScanner()
        var reader = ListenEntryReader(now: now)
        var listens: [ImportedListen] = []
        scanner.feed(bytes[...]) { entry in if let listen = reader.read(entry) { listens.append(listen) } }
        scanner.finish { entry in if let listen = reader.read(entry) { listens.append(listen) } }
        if let start = reader.notAnExportStart(layout: scanner.layout) { throw .notAListenExport(start: start) }
        return ListenFileContents(listens: listens, problems: reader.problems, problemCount: reader.problemCount)
    }

    /// Streams a listens file (JSON Lines a line at a time; a JSON array an element at a time), calling
    /// `body` with batches of at most `batchSize` listens (at least 1) and never holding more of the file
    /// than one batch and one read buffer. `body` runs in the caller's isolation. A failing body stops the
    /// reading; what it threw comes back as `.body`.
    public static func read<BodyFailure: Error>(
        fileAt path: String,
        batchSize: Int = 1_000,
        now: Date = Date(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: ([ImportedListen]) async throws(BodyFailure) -> Void
    ) async throws(ListenFileReadError<BodyFailure>) -> ListenFileReport {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw .file(.unreadable(path: path, reason: readableReason(error)))
        }
        defer { try? handle.close() }
        let batchSize = max(1, batchSize)
        var scanner = ListenEntryScanner()
        var reader = ListenEntryReader(now: now)
        var batch: [ImportedListen] = []
        batch.reserveCapacity(min(batchSize, 10_000))
        var listenCount = 0
        var pending: [ImportedListen] = []
        var finished = false
        while !finished {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 65_536)
            } catch {
                throw .file(.unreadable(path: path, reason: readableReason(error)))
            }
            if let chunk, !chunk.isEmpty {
                scanner.feed([UInt8](chunk)[...]) { entry in if let listen = reader.read(entry) { pending.append(listen) } }
            } else {
                scanner.finish { entry in if let listen = reader.read(entry) { pending.append(listen) } }
                finished = true
            }
            for listen in pending {
                batch.append(listen)
                guard batch.count == batchSize else { continue }
                do { try await body(batch) } catch { throw .body(error) }
                listenCount += batch.count
                batch.removeAll(keepingCapacity: true)
            }
            pending.removeAll(keepingCapacity: true)
        }
        if !batch.isEmpty {
            do { try await body(batch) } catch { throw .body(error) }
            listenCount += batch.count
        }
        if let start = reader.notAnExportStart(layout: scanner.layout) { throw .file(.notAListenExport(start: start)) }
        return ListenFileReport(listenCount: listenCount, problems: reader.problems, problemCount: reader.problemCount)
    }

    /// One listen as a JSON Lines line (without its line feed) in the ListenBrainz shape, with TermPlayer's
    /// extras in additional_info (termplayer_song_id, played_ms, duration_ms, media_player "TermPlayer").
    /// `listened_at` is Unix seconds, with a fraction only when the time has milliseconds.
    public static func render(_ listen: ExportedListen) -> String {
        var json: [UInt8] = []
        json.append(contentsOf: #"{"listened_at":"#.utf8)
        if let milliseconds = ListenTime.milliseconds(iso: listen.listenedAt) {
            json.append(contentsOf: unixSeconds(milliseconds).utf8)
        } else {
            // Not a time we can read: kept as written, which `parse` then reports instead of guessing.
            JSONText.appendString(listen.listenedAt, to: &json)
        }
        json.append(contentsOf: #","track_metadata":{"#.utf8)
        for (key, value) in [("artist_name", listen.artist), ("track_name", listen.title), ("release_name", listen.album)] {
            guard let value else { continue }
            JSONText.appendString(key, to: &json)
            json.append(UInt8(ascii: ":"))
            JSONText.appendString(value, to: &json)
            json.append(UInt8(ascii: ","))
        }
        json.append(contentsOf: #""additional_info":{"media_player":"#.utf8)
        JSONText.appendString(mediaPlayer, to: &json)
        json.append(contentsOf: #","termplayer_song_id":"#.utf8)
        JSONText.appendString(listen.songId, to: &json)
        if let played = wholeMilliseconds(listen.playedSeconds) {
            json.append(contentsOf: #","played_ms":\#(played)"#.utf8)
        }
        if let duration = wholeMilliseconds(listen.durationSeconds) {
            json.append(contentsOf: #","duration_ms":\#(duration)"#.utf8)
        }
        json.append(contentsOf: "}}}".utf8)
        return String(decoding: json, as: UTF8.self)
    }

    /// `1700000000`, or `1700000000.25` when there is a fraction (written from the integer, so no
    /// floating-point digits creep in).
    private static func unixSeconds(_ milliseconds: Int64) -> String {
        guard milliseconds >= 0 else { return String(Double(milliseconds) / 1000) }
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        guard fraction != 0 else { return String(seconds) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(seconds).\(digits)"
    }

    private static func wholeMilliseconds(_ seconds: Double?) -> Int64? {
        guard let seconds, seconds.isFinite, seconds >= 0, seconds < 1e12 else { return nil }
        return Int64((seconds * 1000).rounded())
    }

    private static func readableReason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let message = strerror(Int32(underlying.code))
        {
            return String(cString: message)
        }
        return error.localizedDescription
    }
}
