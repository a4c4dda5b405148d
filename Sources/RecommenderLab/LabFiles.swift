import Foundation
import Recommender

/// The dataset as plain CSV files, so another tool (the ALS peer in Python) trains and answers on
/// exactly the same plays and questions:
///
/// - `songs.csv`: id,title,artist,album,genre,year,duration
/// - `listeners.csv`: listener,split_time
/// - `train.csv`, `test.csv`: listener,song,started_at,played,counted,skipped (by listener, then time)
/// - `marks.csv`: listener,song,at,kind,stars (kind `like` or `rating`; both sides of the split)
/// - `queries.csv`: query,listener,target,previous,started_at,prefix (the session's songs so far, oldest
///   first, separated by spaces)
/// - `meta.json`: the simulation's settings
///
/// Times are written as Swift prints a `Double`, which reads back to the same value.
public enum LabFiles {
    public struct FormatError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func write(_ dataset: LabDataset, to directory: String) throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func save(_ name: String, _ header: String, _ rows: some Sequence<[String]>) throws {
            var text = header + "\n"
            for row in rows { text += row.map(field).joined(separator: ",") + "\n" }
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        try save("songs.csv", "id,title,artist,album,genre,year,duration", dataset.songs.map {
            [$0.id, $0.title, $0.artist, $0.album, $0.genre, $0.year.map(String.init) ?? "", number($0.duration)]
        })
        try save("listeners.csv", "listener,split_time", dataset.listeners.map { [$0.id, number($0.splitTime)] })
        func plays(_ listens: [Listen]) -> [[String]] {
            listens.map { [$0.listener, $0.song, number($0.startedAt), number($0.played), $0.counted ? "1" : "0", $0.skipped ? "1" : "0"] }
        }
        try save("train.csv", "listener,song,started_at,played,counted,skipped", dataset.listeners.flatMap { plays($0.train) })
        try save("test.csv", "listener,song,started_at,played,counted,skipped", dataset.listeners.flatMap { plays($0.test) })
        try save("marks.csv", "listener,song,at,kind,stars", dataset.listeners.flatMap(\.marks).map { event in
            switch event.kind {
            case .like: [event.listener, event.song, number(event.at), "like", ""]
            case .rating(let stars): [event.listener, event.song, number(event.at), "rating", String(stars)]
            }
        })
        try save("queries.csv", "query,listener,target,previous,started_at,prefix", dataset.queries.map {
            [String($0.id), dataset.listeners[$0.listener].id, $0.target, $0.previous, number($0.startedAt), $0.prefix.map(\.song).joined(separator: " ")]
        })
        let settings = dataset.settings
        let meta = #"{"seed": \#(settings.seed), "songs": \#(settings.songs), "listeners": \#(settings.listeners), "plays": \#(settings.plays)}"#
        try Data((meta + "\n").utf8).write(to: folder.appendingPathComponent("meta.json"))
    }

    public static func read(from directory: String) throws -> LabDataset {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        func load(_ name: String, columns: Int) throws -> [[String]] {
            let url = folder.appendingPathComponent(name)
            let text = try String(contentsOf: url, encoding: .utf8)
            var rows = parseCSV(text)
            guard !rows.isEmpty else { throw FormatError(description: "\(name): empty") }
            rows.removeFirst()
            for (line, row) in rows.enumerated() where row.count != columns {
                throw FormatError(description: "\(name): line \(line + 2) has \(row.count) fields, expected \(columns)")
            }
            return rows
        }
        func double(_ text: String, _ file: String) throws -> Double {
            guard let value = Double(text) else { throw FormatError(description: "\(file): not a number: \(text)") }
            return value
        }
        let songs = try load("songs.csv", columns: 7).map { row in
            SongFacts(id: row[0], title: row[1], artist: row[2], album: row[3], genre: row[4], year: Int(row[5]), duration: try double(row[6], "songs.csv"))
        }
        var listeners: [LabListener] = []
        var number: [String: Int] = [:]
        for row in try load("listeners.csv", columns: 2) {
            number[row[0]] = listeners.count
            listeners.append(LabListener(id: row[0], splitTime: try double(row[1], "listeners.csv"), train: [], test: [], marks: []))
        }
        func owner(_ id: String, _ file: String) throws -> Int {
            guard let index = number[id] else { throw FormatError(description: "\(file): unknown listener \(id)") }
            return index
        }
        for (file, isTrain) in [("train.csv", true), ("test.csv", false)] {
            for row in try load(file, columns: 6) {
                let listen = Listen(
                    listener: row[0], song: row[1], startedAt: try double(row[2], file), played: try double(row[3], file),
                    counted: row[4] == "1", skipped: row[5] == "1")
                let index = try owner(row[0], file)
                if isTrain { listeners[index].train.append(listen) } else { listeners[index].test.append(listen) }
            }
        }
        for row in try load("marks.csv", columns: 5) {
            let kind: MarkEvent.Kind
            switch row[3] {
            case "like": kind = .like
            case "rating":
                guard let stars = Int(row[4]), (0...5).contains(stars) else { throw FormatError(description: "marks.csv: bad stars \(row[4])") }
                kind = .rating(stars)
            default: throw FormatError(description: "marks.csv: unknown kind \(row[3])")
            }
            listeners[try owner(row[0], "marks.csv")].marks.append(MarkEvent(listener: row[0], song: row[1], at: try double(row[2], "marks.csv"), kind: kind))
        }
        var queries: [RadioQuery] = []
        for row in try load("queries.csv", columns: 6) {
            guard let id = Int(row[0]) else { throw FormatError(description: "queries.csv: bad id \(row[0])") }
            let listener = try owner(row[1], "queries.csv")
            let startedAt = try double(row[4], "queries.csv")
            let plays = listeners[listener].train + listeners[listener].test
            guard let position = plays.firstIndex(where: { $0.startedAt == startedAt && $0.song == row[2] }) else {
                throw FormatError(description: "queries.csv: query \(id) matches no play")
            }
            queries.append(LabDataset.query(id: id, listener: listener, plays: plays, position: position))
        }
        var settings = SimulationSettings()
        if let data = try? Data(contentsOf: folder.appendingPathComponent("meta.json")),
           let meta = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            settings.seed = (meta["seed"] as? NSNumber)?.uint64Value ?? settings.seed
            settings.songs = (meta["songs"] as? Int) ?? songs.count
            settings.listeners = (meta["listeners"] as? Int) ?? listeners.count
            settings.plays = (meta["plays"] as? Int) ?? 0
        }
        return LabDataset(settings: settings, songs: songs, listeners: listeners, queries: queries)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// RFC 4180 rows: quoted fields may hold commas, quotes (doubled) and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            case "\r": break
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
