internal import Foundation
internal import LibraryModel

/// One entry of a listens file, cut out of the bytes but not yet decoded.
enum ListenEntry {
    case json(ArraySlice<UInt8>, line: Int, listen: Int?)
    case problem(ListenFileProblem)
}

/// Cuts a listens file into its entries as the bytes arrive, whatever size the pieces: the lines of JSON
/// Lines, or the elements of a JSON array (found by counting brackets outside strings, so a 2 GB array is
/// never parsed as one document).
struct ListenEntryScanner {
    enum Layout {
        /// Nothing but white space so far.
        case undecided
        case lines
        case array
        /// After the array's closing bracket.
        case afterArray
    }

    private(set) var layout = Layout.undecided
    private var line = 1
    private var atStart = true
    /// The entry so far, when it began in an earlier piece.
    private var carried: [UInt8] = []
    private var entryTooLong = false
    private var entryLine = 1
    // JSON arrays only.
    private var inEntry = false
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var listenNumber = 0
    private var reportedTrailingText = false

    mutating func feed(_ piece: ArraySlice<UInt8>, _ emit: (ListenEntry) -> Void) {
        var bytes = piece
        if atStart, !bytes.isEmpty {
            atStart = false
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        }
        while !bytes.isEmpty {
            switch layout {
            case .undecided:
                guard let start = bytes.firstIndex(where: { !PlaylistText.isASCIIWhitespace($0) }) else {
                    line += bytes.count { $0 == 0x0A }
                    return
                }
                line += bytes[..<start].count { $0 == 0x0A }
                entryLine = line
                if bytes[start] == UInt8(ascii: "[") {
                    layout = .array
                    bytes = bytes[(start + 1)...]
                } else {
                    layout = .lines
                    bytes = bytes[start...]
                }
            case .lines:
                feedLines(bytes, emit)
                return
            case .array:
                bytes = feedArray(bytes, emit)
            case .afterArray:
                if !reportedTrailingText, bytes.contains(where: { !PlaylistText.isASCIIWhitespace($0) }) {
                    reportedTrailingText = true
                    emit(.problem(ListenFileProblem(line: line, reason: "there is more text after the array's closing ]; it was not read")))
                }
                return
            }
        }
    }

    /// The end of the file: the last line need not end with a line feed, but an array must be closed.
    mutating func finish(_ emit: (ListenEntry) -> Void) {
        switch layout {
        case .lines:
            if !carried.isEmpty || entryTooLong { emitLine(carried[...], emit) }
        case .array:
            if inEntry { emitElement(carried[...], emit) }
            emit(.problem(ListenFileProblem(line: line, reason: "the file ends before the array's closing ]; it may be cut short")))
        case .undecided, .afterArray:
            break
        }
        carried = []
    }

    private mutating func feedLines(_ bytes: ArraySlice<UInt8>, _ emit: (ListenEntry) -> Void) {
        var rest = bytes
        while let lineFeed = rest.firstIndex(of: 0x0A) {
            let segment = rest[..<lineFeed]
            if carried.isEmpty, !entryTooLong {
                emitLine(segment, emit)
            } else {
                carry(segment)
                emitLine(carried[...], emit)
            }
            carried.removeAll(keepingCapacity: true)
            entryTooLong = false
            line += 1
            entryLine = line
            rest = rest[(lineFeed + 1)...]
        }
        carry(rest)
    }

    private func emitLine(_ text: ArraySlice<UInt8>, _ emit: (ListenEntry) -> Void) {
        if entryTooLong || text.count > ListenFiles.maximumListenBytes {
            emit(.problem(ListenFileProblem(line: entryLine, reason: "the line is longer than \(ListenFiles.maximumListenBytes) bytes, far too long for a listen")))
        } else if text.contains(where: { !PlaylistText.isASCIIWhitespace($0) }) {
            emit(.json(text, line: entryLine, listen: nil))
        }
    }

    /// Returns what follows the array, when its closing bracket is in `bytes`.
    private mutating func feedArray(_ bytes: ArraySlice<UInt8>, _ emit: (ListenEntry) -> Void) -> ArraySlice<UInt8> {
        var entryStart = inEntry ? bytes.startIndex : nil
        for index in bytes.indices {
            let byte = bytes[index]
            if !inEntry {
                switch byte {
                case 0x0A:
                    line += 1
                    continue
                case 0x20, 0x09, 0x0D, UInt8(ascii: ","):
                    continue
                case UInt8(ascii: "]"):
                    layout = .afterArray
                    return bytes[(index + 1)...]
                default:
                    inEntry = true
                    entryLine = line
                    entryStart = index
                    depth = 0
                    inString = false
                    escaped = false
                }
            }
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth > 0 {
                    depth -= 1
                } else if byte == UInt8(ascii: "]") {
                    endElement(bytes[(entryStart ?? index)..<index], emit)
                    layout = .afterArray
                    return bytes[(index + 1)...]
                }
            case UInt8(ascii: ",") where depth == 0:
                endElement(bytes[(entryStart ?? index)..<index], emit)
                entryStart = nil
            default:
                break
            }
        }
        if inEntry, let entryStart { carry(bytes[entryStart...]) }
        return bytes[bytes.endIndex...]
    }

    private mutating func endElement(_ tail: ArraySlice<UInt8>, _ emit: (ListenEntry) -> Void) {
        if carried.isEmpty {
            emitElement(tail, emit)
        } else {
            carry(tail)
            emitElement(carried[...], emit)
        }
        carried.removeAll(keepingCapacity: true)
        entryTooLong = false
        inEntry = false
    }

    private mutating func emitElement(_ text: ArraySlice<UInt8>, _ emit: (ListenEntry) -> Void) {
        listenNumber += 1
        if entryTooLong || text.count > ListenFiles.maximumListenBytes {
            emit(.problem(ListenFileProblem(
                line: entryLine, listen: listenNumber,
                reason: "the entry is longer than \(ListenFiles.maximumListenBytes) bytes, far too long for a listen")))
        } else {
            emit(.json(text, line: entryLine, listen: listenNumber))
        }
    }

    /// Keeps the start of an entry for the next piece, up to the size no listen reaches.
    private mutating func carry(_ bytes: ArraySlice<UInt8>) {
        guard !entryTooLong else { return }
        if carried.count + bytes.count > ListenFiles.maximumListenBytes {
            entryTooLong = true
            carried.removeAll()
        } else {
            carried.append(contentsOf: bytes)
        }
    }
}

/// Turns entries into listens, and keeps the account of the ones that are not.
struct ListenEntryReader {
    private let latestPlausible: Int64
    private let decoder = JSONDecoder()
    private(set) var problems: [ListenFileProblem] = []
    private(set) var problemCount = 0
    private var sawJSON = false
    private var firstText: String?

    init(now: Date) {
        // Clamped so that no Date, however odd, overflows the conversion.
        latestPlausible = Int64((min(max(now.timeIntervalSince1970, -1e12), 1e12) + 86_400) * 1000)
    }

    mutating func read(_ entry: ListenEntry) -> ImportedListen? {
        switch entry {
        case .problem(let problem):
            note(problem)
            return nil
        case .json(let bytes, let line, let listen):
            if firstText == nil { firstText = String(decoding: bytes.prefix(60), as: UTF8.self) }
            switch decode(bytes) {
            case .success(let imported):
                sawJSON = true
                return imported
            case .failure(let failure):
                if case .notAListen = failure { sawJSON = true }
                note(ListenFileProblem(line: line, listen: listen, reason: failure.reason))
                return nil
            }
        }
    }

    /// Lines none of which was JSON are some other file (a CSV, a playlist), not an export with bad lines.
    func notAnExportStart(layout: ListenEntryScanner.Layout) -> String? {
        guard layout == .lines, !sawJSON, let firstText else { return nil }
        return firstText
    }

    private mutating func note(_ problem: ListenFileProblem) {
        problemCount += 1
        if problems.count < ListenFiles.maximumReportedProblems { problems.append(problem) }
    }

    private enum Failure: Error {
        case notJSON(String)
        case notAListen(String)

        var reason: String {
            switch self {
            case .notJSON(let reason): "not JSON: \(reason)"
            case .notAListen(let reason): reason
            }
        }
    }

    private func decode(_ bytes: ArraySlice<UInt8>) -> Result<ImportedListen, Failure> {
        let record: ListenBrainzRecord
        do {
            record = try decoder.decode(ListenBrainzRecord.self, from: Data(bytes))
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            return .failure(.notAListen("not a listen: a listen is a JSON object like {\"listened_at\":…,\"track_metadata\":{…}}"))
        } catch {
            return .failure(.notJSON(DecodingFailure.describe(error)))
        }
        return listen(from: record).mapError { .notAListen($0.reason) }
    }

    /// Why a well-formed JSON object is not a listen.
    private struct Rejection: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private func listen(from record: ListenBrainzRecord) -> Result<ImportedListen, Rejection> {
        let milliseconds: Int64
        let written: String
        switch record.listenedAt {
        case nil:
            return .failure(Rejection("it has no listened_at"))
        case .seconds(let seconds)?:
            written = seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
            guard let value = Self.milliseconds(seconds: seconds) else { return .failure(Rejection(Self.implausible(written))) }
            milliseconds = value
        case .text(let text)?:
            let trimmed = String(TextFields.trimmed(text))
            written = trimmed.debugDescription
            if let seconds = Double(trimmed) {
                guard let value = Self.milliseconds(seconds: seconds) else { return .failure(Rejection(Self.implausible(written))) }
                milliseconds = value
            } else if let value = ListenTime.milliseconds(iso: trimmed) {
                milliseconds = value
            } else {
                return .failure(Rejection("listened_at \(written) is neither Unix seconds nor an ISO 8601 time"))
            }
        case .other(let found)?:
            return .failure(Rejection("listened_at must be Unix seconds or an ISO 8601 time, not \(found)"))
        }
        guard milliseconds >= ListenTime.earliestPlausible, milliseconds <= latestPlausible else {
            return .failure(Rejection(Self.implausible(written)))
        }
        let track = record.track
        let listen = ImportedListen(
            songId: track?.additionalInfo?.termplayerSongID.flatMap { TextFields.field($0) },
            artist: track?.artistName.flatMap { TextFields.field($0) },
            title: track?.trackName.flatMap { TextFields.field($0) },
            album: track?.releaseName.flatMap { TextFields.field($0) },
            listenedAt: ListenTime.iso(milliseconds: milliseconds),
            playedSeconds: track?.additionalInfo?.playedMilliseconds.flatMap { $0.isFinite && $0 >= 0 ? $0 / 1000 : nil }
        )
        guard listen.songId != nil || (listen.artist != nil && listen.title != nil) else {
            return .failure(Rejection("it names no song: no artist_name and track_name in track_metadata, and no termplayer_song_id"))
        }
        return .success(listen)
    }

    /// nil for values that cannot be a time at all (infinite, or so large the milliseconds overflow).
    private static func milliseconds(seconds: Double) -> Int64? {
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        return Int64((seconds * 1000).rounded())
    }

    private static func implausible(_ time: String) -> String {
        "listened_at \(time) is not a plausible listening time (before 2002, or more than a day from now)"
    }
}

/// The parts of a ListenBrainz listen TermPlayer reads. Everything is optional and read leniently (a
/// field of the wrong type reads as absent), so that one odd field costs only that field; whether what is
/// left is a listen is decided after.
private struct ListenBrainzRecord: Decodable {
    var listenedAt: ListenedAt?
    var track: TrackMetadata?

    private enum CodingKeys: String, CodingKey {
        case listenedAt = "listened_at"
        case track = "track_metadata"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        listenedAt = try container.decodeIfPresent(ListenedAt.self, forKey: .listenedAt)
        track = try? container.decodeIfPresent(TrackMetadata.self, forKey: .track)
    }
}

/// Unix seconds (an integer, or a float with a fraction), or text: an ISO 8601 time or digits.
private enum ListenedAt: Decodable {
    case seconds(Double)
    case text(String)
    /// What was there instead, for the problem report.
    case other(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self) {
            self = .seconds(seconds)
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let flag = try? container.decode(Bool.self) {
            self = .other("the boolean \(flag)")
        } else {
            self = .other("an object or an array")
        }
    }
}

private struct TrackMetadata: Decodable {
    var artistName: String?
    var trackName: String?
    var releaseName: String?
    var additionalInfo: AdditionalInfo?

    private enum CodingKeys: String, CodingKey {
        case artistName = "artist_name"
        case trackName = "track_name"
        case releaseName = "release_name"
        case additionalInfo = "additional_info"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        artistName = container.lenientString(forKey: .artistName)
        trackName = container.lenientString(forKey: .trackName)
        releaseName = container.lenientString(forKey: .releaseName)
        additionalInfo = try? container.decodeIfPresent(AdditionalInfo.self, forKey: .additionalInfo)
    }
}

/// The free-form part of a listen: what players chose to add. TermPlayer's export puts its extras here.
private struct AdditionalInfo: Decodable {
    var termplayerSongID: String?
    var playedMilliseconds: Double?

    private enum CodingKeys: String, CodingKey {
        case termplayerSongID = "termplayer_song_id"
        case playedMilliseconds = "played_ms"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        termplayerSongID = container.lenientString(forKey: .termplayerSongID)
        playedMilliseconds = container.lenientNumber(forKey: .playedMilliseconds)
    }
}

extension KeyedDecodingContainer {
    fileprivate func lenientString(forKey key: Key) -> String? {
        try? decodeIfPresent(String.self, forKey: key)
    }

    /// A number, or a string holding one ("215000"), as some submitters write them.
    fileprivate func lenientNumber(forKey key: Key) -> Double? {
        if let number = try? decodeIfPresent(Double.self, forKey: key) { return number }
        return (try? decodeIfPresent(String.self, forKey: key)).flatMap { Double($0) }
    }
}
