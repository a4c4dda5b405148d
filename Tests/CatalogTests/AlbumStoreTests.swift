import Foundation
import LibraryModel
@testable import Catalog
import Testing

@Suite("Catalog stores: albums and full songs")
struct AlbumStoreTests {
    static func catalog(_ implementation: String) async throws -> any CatalogStore {
        let catalog = try await CatalogImplementations.make(implementation)
        var noCover = try SongRecord.sample("e", title: "Echo", artist: "ABBA", album: "Arrival", genre: 3, year: 1976)
        noCover.coverKey = nil
        for song in [
            try SongRecord.sample("d", title: "beta", artist: "Beyoncé", album: "Lemonade", genre: 3, year: 2016),
            try SongRecord.sample("c", title: "Alpha", artist: "ABBA", album: "Arrival", genre: 3, year: 1976),
            noCover,
            try SongRecord.sample("b", title: "Éclair", artist: "Fiona", album: "Tidal", genre: 2, year: nil),
            try SongRecord.sample("a", title: "Gamma", artist: "beyonce", album: "LEMONADE", genre: 3, year: 2017),
        ] {
            try await catalog.upsert(song)
        }
        return catalog
    }

    @Test("albums group by folded artist and album, in key order, with counts, durations, years and a cover", arguments: CatalogImplementations.all)
    func albums(implementation: String) async throws {
        let catalog = try await Self.catalog(implementation)
        let albums = try await catalog.albumSummaries()
        #expect(albums.map(\.albumKey) == ["arrival", "lemonade", "tidal"])
        let arrival = try #require(albums.first)
        #expect(arrival.artistKey == "abba")
        #expect(arrival.name == "Arrival")
        #expect(arrival.songCount == 2)
        #expect(arrival.duration == 361)
        #expect(arrival.year == 1976)
        #expect(arrival.genre == "Pop")
        #expect(arrival.coverSongID == "c", "the one song with a cover")
        #expect(albums[1].songCount == 2, "Beyoncé and beyonce are one artist; Lemonade and LEMONADE one album")
        #expect(albums[1].year == 2017)
        #expect(albums[2].year == nil)
    }

    @Test("full songs filter, order and page like listings, and carry their track on their album", arguments: CatalogImplementations.all)
    func songs(implementation: String) async throws {
        let catalog = try await Self.catalog(implementation)
        let album = try await catalog.songRecords(SongSelection(filter: SongFilter(artist: "ABBA", album: "arrival"), limit: 50))
        #expect(album.map(\.song.id.rawValue) == ["c", "e"])
        #expect(album.map(\.track) == [1, 2])
        #expect(album.first?.song.size == 1000)
        #expect(album.first?.song.genreName == "Pop")
        let all = try await catalog.songRecords(SongSelection(limit: 50))
        #expect(all.map(\.song.id.rawValue) == ["c", "d", "e", "b", "a"])
        #expect(all.first { $0.song.id.rawValue == "a" }?.track == 2, "Gamma follows beta on Lemonade")
        #expect(try await catalog.songRecords(SongSelection(offset: 1, limit: 2)).map(\.song.id.rawValue) == ["d", "e"])
        // A page at an offset is found among ids first: each is the same slice of the whole, tracks included.
        for order in [SongSelection.Order.title, .newest] {
            for filter in [SongFilter(), SongFilter(genreID: 3), SongFilter(search: "a")] {
                let whole = try await catalog.songRecords(SongSelection(filter: filter, order: order, limit: 50))
                for offset in 0...whole.count + 1 {
                    let page = try await catalog.songRecords(SongSelection(filter: filter, order: order, offset: offset, limit: 2))
                    #expect(page == Array(whole.dropFirst(offset).prefix(2)), "\(order) \(filter) at \(offset)")
                }
            }
        }
        #expect(all.allSatisfy { $0.artistKey == SearchKey.fold($0.song.artist) && $0.albumKey == SearchKey.fold($0.song.album) })
        #expect(try await catalog.songRecords(SongSelection(years: 2000...2016, limit: 50)).map(\.song.id.rawValue) == ["d"])
        #expect(try await catalog.songRecords(SongSelection(ids: ["b", "a", "zz"], limit: 50)).map(\.song.id.rawValue) == ["b", "a"])
        #expect(try await catalog.songRecords(SongSelection(ids: [], limit: 50)).isEmpty)
        #expect(try await catalog.songRecords(SongSelection(filter: SongFilter(search: "eclair"), limit: 50)).map(\.song.id.rawValue) == ["b"])
        let random = try await catalog.songRecords(SongSelection(filter: SongFilter(genreID: 3), order: .random, limit: 50))
        #expect(Set(random.map(\.song.id.rawValue)) == ["a", "c", "d", "e"])
        #expect(try await catalog.songRecords(SongSelection(order: .newest, limit: 1)).count == 1)
        await #expect(throws: CatalogError.self) {
            _ = try await catalog.songRecords(SongSelection(ids: (0..<501).map { "id\($0)" }, limit: 10))
        }
    }
}
