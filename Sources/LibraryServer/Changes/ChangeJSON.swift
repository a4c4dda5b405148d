import Catalog
import Foundation
import LibraryModel

/// A page of the feed before it is written: `ChangePage`'s shape, with each song kept as the catalog listed it.
struct FeedPage {
    var changes: [FeedChange]
    var next: Int
    var more: Bool
}

/// One change of the feed. A song change (nearly every change a library sees) keeps the catalog's listing
/// and the caller's marks, and is written by `SongJSON` as `/songs` writes it; the other kinds are `Change`s.
struct FeedChange {
    /// For a song change, everything but `song`.
    var change: Change
    /// The song as it is now; nil when it is gone (or the change is not a song's).
    var song: SongListing?
    /// The caller's marks of the song, when the caller said who they are.
    var marks: SongMarks?
}

/// Writes the feed's JSON (`ChangePage`, one `Change` per event) without `Encodable` for songs: a page of
/// 100 song changes spent most of its time in `JSONEncoder` (p50 4.2 ms at 100,000 songs, one connection).
/// The rarer genre, marks and playlist changes are encoded one at a time as before.
struct ChangeJSON {
    private let songs: SongJSON
    private let encoder: JSONEncoder

    init(base: String, links: MediaLinks) {
        songs = SongJSON(base: base, links: links)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
    }

    func page(_ page: FeedPage) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256 + page.changes.count * 420)
        output.append(contentsOf: #"{"changes":["#.utf8)
        for (index, change) in page.changes.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            try append(change, to: &output)
        }
        output.append(contentsOf: #"],"next":"#.utf8)
        JSONText.appendInteger(page.next, to: &output)
        output.append(contentsOf: #","more":"#.utf8)
        output.append(contentsOf: (page.more ? "true" : "false").utf8)
        output.append(contentsOf: "}\n".utf8)
        return output
    }

    func append(_ feedChange: FeedChange, to output: inout [UInt8]) throws {
        let change = feedChange.change
        guard change.kind == .song else { return output.append(contentsOf: try encoder.encode(change)) }
        output.append(contentsOf: #"{"position":"#.utf8)
        JSONText.appendInteger(change.position, to: &output)
        output.append(contentsOf: #","at":"#.utf8)
        JSONText.appendString(change.at, to: &output)
        output.append(contentsOf: #","kind":"song","id":"#.utf8)
        JSONText.appendString(change.id, to: &output)
        if let song = feedChange.song {
            output.append(contentsOf: #","song":"#.utf8)
            songs.append(song, marks: feedChange.marks, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }
}
