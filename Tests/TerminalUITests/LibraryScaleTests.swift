import Foundation
import LibraryModel
import Testing
import TerminalUI

/// The library's indexes built in passes over groups (not by sorting every song) and the listing read by
/// the UI's own JSON decoder: the same results as the straightforward ways they replace.
@Suite struct LibraryScaleTests {
    /// Songs in title order whose artists and albums differ only in case, with years missing and genres the
    /// API does not list: where grouping could part from sorting.
    static let songs: [LibrarySong] = {
        let artists = ["abba", "ABBA", "Zed", "zed", "Ärzte", "Beta"]
        let albums = ["Gold", "gold", "Ärger", "Blue", ""]
        let unsorted = (0..<300).map { index in
            LibrarySong(
                id: "s\(index)", title: "Title \(index * 7919 % 300)", artist: artists[index % artists.count], album: albums[index / 3 % albums.count],
                genre: ["Rock", "Jazz", "Polka", "Ska"][index % 4], year: index % 11 == 0 ? nil : 1990 + index % 17,
                file: "http://s/media/s\(index).mp3")
        }
        return unsorted.sorted { (SearchKey.fold($0.title), $0.id) < (SearchKey.fold($1.title), $1.id) }
    }()

    static func sortedSlots(_ key: (LibrarySong) -> [UInt8]) -> [Int] {
        let keys = songs.map(key)
        return songs.indices.sorted { keys[$0] != keys[$1] ? keys[$0].lexicographicallyPrecedes(keys[$1]) : $0 < $1 }
    }

    @Test("every order is the sort of every song by its key, ties in title order")
    func ordersMatchSortingEverySong() {
        let library = Library(songs: Self.songs, genreNames: ["Rock", "Jazz"])
        #expect(library.order(.title) == Array(Self.songs.indices))
        #expect(library.order(.artist) == Self.sortedSlots { Array(SearchKey.fold("\($0.artist)\u{1}\($0.album)").utf8) })
        #expect(library.order(.album) == Self.sortedSlots { Array(SearchKey.fold("\($0.album)\u{1}\($0.artist)").utf8) })
        let years = Self.songs.map { $0.year ?? Int.max }
        #expect(library.order(.year) == Self.songs.indices.sorted { (years[$0], $0) < (years[$1], $1) })
    }

    @Test("genres, artists and albums hold their songs in title order; unlisted genres come after, by name")
    func groupsHoldTheirSongsInTitleOrder() {
        let library = Library(songs: Self.songs, genreNames: ["Rock", "Jazz"])
        #expect(library.genres.map(\.name) == ["Rock", "Jazz", "Polka", "Ska"])
        for genre in library.genres {
            #expect(genre.songs == Self.songs.indices.filter { Self.songs[$0].genre == genre.name })
        }
        let names = library.artists.map { Array(SearchKey.fold($0.name).utf8) }
        #expect(names == names.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Set(library.artists.map(\.name)) == Set(Self.songs.map(\.artist)))
        for artist in library.artists {
            let albums = artist.albums.map { Array(SearchKey.fold($0.name).utf8) }
            #expect(albums == albums.sorted { $0.lexicographicallyPrecedes($1) })
            for album in artist.albums {
                #expect(album.songs == Self.songs.indices.filter { Self.songs[$0].artist == artist.name && Self.songs[$0].album == album.name })
            }
        }
    }

    @Test("search folds case and accents as the service's ?q= does: arzte finds Ärzte")
    func searchFoldsAsTheService() {
        let library = Library(songs: Self.songs, genreNames: [])
        for query in ["title 1", "ÄRZTE", "arzte", "abba gold", "ärger 7", "arger 7", "zz"] {
            let words = SearchKey.fold(query).split(separator: " ")
            let expected = Self.songs.indices.filter { slot in
                let text = SearchKey.fold("\(Self.songs[slot].title)\n\(Self.songs[slot].artist)\n\(Self.songs[slot].album)")
                return words.allSatisfy { text.contains($0) }
            }
            #expect(library.search(query) == expected, "\(query)")
        }
        #expect(!library.search("arzte").isEmpty)
        #expect(library.search("arzte") == library.search("ÄRZTE"))
        #expect(library.search("arger 7") == library.search("Ärger 7"))
    }

    // MARK: The listing's decoder

    @Test("the listing decodes as Foundation's decoder decodes it: escapes, nulls, missing and unknown fields")
    func decoderMatchesFoundation() throws {
        let json = #"""
            [ {"id":"a","title":"Caf\u00e9 \"Noir\" \\ \/ \ud83c\udfb5","artist":"Ärzte","album":"","genre":"Rock","year":1999,
               "duration":181.25,"file":"http://s/media/a.mp3","image":"http://s/media/a.jpg","liked":true,"rating":4,"plays":12,
               "lastPlayed":"2026-01-02T03:04:05Z","size":2880991,"extra":{"nested":[1,2,{"x":"]}"}],"n":null},"tags":["a","b"]},
              {"id":"b","title":"Tab\there","file":"http://s/media/b.mp3","year":null,"duration":null,"image":null,"liked":false,
               "rating":null,"artist":null, "bitrate": -1.5e3 } ,
              {"file":"f","title":"t","id":"c","duration":200}
            ]
            """#
        let bytes = Array(json.utf8)
        let ours = try SongListDecoder.decode(bytes)
        let theirs = try JSONDecoder().decode([LibrarySong].self, from: Data(bytes))
        #expect(ours == theirs)
        #expect(ours.first?.title == "Café \"Noir\" \\ / 🎵")
        #expect(try SongListDecoder.decode(Array("[]".utf8)).isEmpty)
        #expect(try SongListDecoder.decode(Array(" [ ] \n".utf8)).isEmpty)
    }

    @Test("a listing that is not one is an error saying where, never a trap", arguments: [
        "", "{}", "[", "[{}]", #"[{"id":"a","title":"t"}]"#, #"[{"id":"a","title":"t","file":"f"}"#, #"[{"id":"a","title":"t","file":"f"},]"#,
        #"[{"id":"a","title":"t","file":"f","year":"1999"}]"#, #"[{"id":"a","title":"t","file":"f","year":1e300}]"#,
        #"[{"id":"a","title":"t\u12"}]"#, #"[{"id":"a","title":"t"#, #"[{"id":"a","title":"t","file":"f"}] x"#, "[{\"id\":\"a\u{1}\"}]",
    ])
    func malformedListingsFail(json: String) {
        #expect(throws: SongListDecoder.Failure.self) { try SongListDecoder.decode(Array(json.utf8)) }
    }
}
