import Catalog
import Foundation
import LibraryModel
@testable import LibraryServer
import Testing

/// The feed's pages are written from bytes, not `Encodable`; they must decode to exactly what encoding the
/// same changes as `ChangePage` gives, for every kind, with and without the caller's marks.
@Suite("The change feed's JSON")
struct ChangeJSONTests {
    static let base = "http://music.example:8080"
    static let listing = SongListing(
        id: "q-1", title: "Quote \"and\" ünïcode / slash", album: "Album\nTwo", artist: "Ärtist", genre: "Jazz", genreID: 5, year: nil,
        audioKey: "q-1.mp3", coverKey: "q-1.jpg", duration: 180.0625, bitrate: 320)

    static func change(_ position: Int, _ kind: Change.Kind, _ id: String) -> Change {
        Change(position: position, at: ISOTime.format(Date(timeIntervalSince1970: 1_780_000_000.125 + Double(position))), kind: kind, id: id)
    }

    @Test("songs (listed, marked, removed) and the other kinds decode as the Encodable page would", arguments: [false, true])
    func sameAsEncodable(signedIn: Bool) throws {
        let links = MediaLinks()
        let marks = signedIn ? SongMarks(likedAt: Date(timeIntervalSince1970: 1_779_000_000), rating: 4, plays: 3, lastPlayed: Date(timeIntervalSince1970: 1_779_500_000)) : nil
        var genre = Self.change(3, .genre, "9")
        genre.genre = Genre(genreid: 9, genre: "Synthwave")
        var marked = Self.change(4, .marks, "q-1")
        marked.marks = SongMark(id: "q-1", liked: true, likedAt: "2026-05-29T08:00:00.000Z", rating: 2)
        let page = FeedPage(
            changes: [
                FeedChange(change: Self.change(1, .song, "q-1"), song: Self.listing, marks: marks),
                FeedChange(change: Self.change(2, .song, "gone")),
                FeedChange(change: genre), FeedChange(change: marked), FeedChange(change: Self.change(5, .playlist, "pl-1")),
            ],
            next: 5, more: true)
        let written = try JSONDecoder().decode(ChangePage.self, from: Data(ChangeJSON(base: Self.base, links: links).page(page)))

        var song = Self.change(1, .song, "q-1")
        song.song = SongJSON.song(Self.listing, base: Self.base, links: links, marks: marks)
        let expected = ChangePage(changes: [song, Self.change(2, .song, "gone"), genre, marked, Self.change(5, .playlist, "pl-1")], next: 5, more: true)
        let encoded = try JSONDecoder().decode(ChangePage.self, from: JSONEncoder().encode(expected))
        #expect(written == encoded)
        #expect(written.changes[1].isRemoval && written.changes[4].isRemoval)
        #expect(written.changes[0].song?.image == "\(Self.base)/media/q-1.jpg")
        #expect((written.changes[0].song?.liked != nil) == signedIn)
    }
}
