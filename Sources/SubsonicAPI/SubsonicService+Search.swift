import Catalog
import LibraryModel
import WireFormats

/// `search2` and `search3`: artists, albums and songs whose names hold every word of `query`, each list paged on its
/// own. An empty query, `""` or a lone `*` means everything, paged (clients sync whole libraries this way).
extension SubsonicService {
    func search(_ call: SubsonicCall, id3: Bool) async throws -> SubsonicReply {
        let parameters = call.parameters
        let words = Self.searchWords(parameters["query"] ?? "")
        // Songs by up to 5,000: clients read whole libraries this way, and each page costs a pass of the
        // catalog's index up to its offset.
        func page(_ name: String, _ fallback: Int, most: Int = 500) throws(SubsonicError) -> (count: Int, offset: Int) {
            (try parameters.integer("\(name)Count", default: fallback, in: 0...most) ?? fallback,
             try parameters.integer("\(name)Offset", default: 0, in: 0...Int.max) ?? 0)
        }
        let artistPage = try page("artist", 20)
        let albumPage = try page("album", 20)
        let songPage = try page("song", 20, most: 5000)
        // A client syncing songs asks for no artists or albums: then the albums' snapshot is not even checked.
        let snapshot = artistPage.count + albumPage.count > 0 ? try await albums.current() : AlbumIndex.Snapshot()
        let needles = words.map { Array($0.utf8) }
        func matches(_ folded: String) -> Bool { needles.allSatisfy { Self.contains(folded, $0) } }
        // Artist keys are folded names already, and albums carry theirs with their artist's.
        let artists = Array(snapshot.artists.lazy.filter { matches($0.key) }.dropFirst(artistPage.offset).prefix(artistPage.count))
        let albums = Array(snapshot.albums.lazy.filter { matches($0.searchText) }.dropFirst(albumPage.offset).prefix(albumPage.count))
        var songs = SongEntries([], marks: nil)
        if songPage.count > 0 {
            let selection = SongSelection(
                filter: SongFilter(search: words.joined(separator: " ")), offset: songPage.offset, limit: songPage.count)
            songs = try await self.songs(selection, for: call.listener)
        }
        var result = SubsonicElement(id3 ? "searchResult3" : "searchResult2")
        result.add(list: "artist", artists.map { SubsonicShapes.artist($0, id3: id3) })
        result.add(list: "album", albums.map { id3 ? SubsonicShapes.album($0) : SubsonicShapes.albumDirectory($0) })
        result.add(list: "song", songs)
        return .element(result)
    }

    /// Whether `needle`'s bytes occur in `text`'s. Both are folded already, so bytes compare as the
    /// characters do, without `String.contains`' grapheme-by-grapheme search (82% of a word search).
    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        var text = text
        return text.withUTF8 { haystack in
            guard haystack.count >= needle.count, let first = needle.first else { return false }
            var start = 0
            let last = haystack.count - needle.count
            while start <= last {
                if haystack[start] == first {
                    var matched = 1
                    while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                    if matched == needle.count { return true }
                }
                start += 1
            }
            return false
        }
    }

    /// The query's folded words, without the quotes and `*` wildcards clients wrap it in.
    static func searchWords(_ query: String) -> [String] {
        SearchKey.fold(query).split { $0.isWhitespace || $0 == "\"" || $0 == "*" }.map(String.init)
    }
}
