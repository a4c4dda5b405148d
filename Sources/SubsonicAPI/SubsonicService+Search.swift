import Catalog
import LibraryModel

/// `search2` and `search3`: artists, albums and songs whose names hold every word of `query`, each list paged on its
/// own. An empty query, `""` or a lone `*` means everything, paged (clients sync whole libraries this way).
extension SubsonicService {
    func search(_ call: SubsonicCall, id3: Bool) async throws -> SubsonicReply {
        let parameters = call.parameters
        let words = Self.searchWords(parameters["query"] ?? "")
        func page(_ name: String, _ fallback: Int) throws(SubsonicError) -> (count: Int, offset: Int) {
            (try parameters.integer("\(name)Count", default: fallback, in: 0...500) ?? fallback,
             try parameters.integer("\(name)Offset", default: 0, in: 0...Int.max) ?? 0)
        }
        let artistPage = try page("artist", 20)
        let albumPage = try page("album", 20)
        let songPage = try page("song", 20)
        let snapshot = try await albums.current()
        func matches(_ folded: String) -> Bool { words.allSatisfy { folded.contains($0) } }
        // Artist keys are folded names already, and albums carry theirs with their artist's.
        let artists = Array(snapshot.artists.lazy.filter { matches($0.key) }.dropFirst(artistPage.offset).prefix(artistPage.count))
        let albums = Array(snapshot.albums.lazy.filter { matches($0.searchText) }.dropFirst(albumPage.offset).prefix(albumPage.count))
        var songs: [SubsonicElement] = []
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

    /// The query's folded words, without the quotes and `*` wildcards clients wrap it in.
    static func searchWords(_ query: String) -> [String] {
        SearchKey.fold(query).split { $0.isWhitespace || $0 == "\"" || $0 == "*" }.map(String.init)
    }
}
