import Foundation
import GRDB
@testable import LibraryCache
import LibraryModel
import Testing
import TerminalUI

@Suite struct LibraryCacheTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cache-\(UUID().uuidString)")
    let key = CacheKey(service: "http://music.example:8080", listener: "ann")

    func song(_ id: String, _ title: String, genre: String = "Rock") -> LibrarySong {
        LibrarySong(id: id, title: title, artist: "Artist \(id)", album: "Album", genre: genre, year: 1999, duration: 180.5,
                    file: "http://music.example:8080/media/\(id).mp3", image: "http://music.example:8080/media/\(id).jpg")
    }

    func apiSong(_ id: String, _ title: String) -> Song {
        Song(id: id, title: title, album: "Album", artist: "Artist \(id)", genre: "Rock", year: 2001,
             file: "http://music.example:8080/media/\(id).mp3", image: nil)
    }

    @Test func aNewCacheHoldsNoLibrary() async throws {
        let cache = try LibraryCache(directory: directory, key: key)
        #expect(cache.finding == .fresh)
        #expect(try await cache.load() == nil)
    }

    @Test func aReplacedLibraryLoadsBackInTitleOrderAfterReopening() async throws {
        do {
            let cache = try LibraryCache(directory: directory, key: key)
            try await cache.replace(
                songs: [song("b", "beyoncé"), song("a", "Alpha"), song("c", "Beyonce")], genres: ["Rock", "Jazz"], position: 42, catalog: "cat-1")
        }
        let cache = try LibraryCache(directory: directory, key: key)
        #expect(cache.finding == .reused)
        let loaded = try #require(try await cache.load())
        // Folded titles, then ids: the order the service lists and the UI's library keeps.
        #expect(loaded.songs.map(\.id) == ["a", "b", "c"])
        #expect(loaded.songs.first == song("a", "Alpha"))
        #expect(loaded.genres == ["Rock", "Jazz"])
        #expect(loaded.position == 42)
        #expect(loaded.catalog == "cat-1")
    }

    /// A process that ends without closing the file leaves its WAL behind, and the next start reads it
    /// whole: a library written whole is moved into the file at once, and a run's last writes on the way out.
    @Test func aWholeLibraryIsInTheFileNotLeftInTheWAL() async throws {
        let cache = try LibraryCache(directory: directory, key: key)
        let songs = (0..<2_000).map { song("s\($0)", "Song \($0)") }
        try await cache.replace(songs: songs, genres: ["Rock"], position: 1, catalog: nil)
        let wal = { (try? FileManager.default.attributesOfItem(atPath: cache.path + "-wal")[.size] as? Int) ?? 0 }
        #expect(wal() == 0, "the WAL still holds \(wal()) bytes")
        let file = try #require(try FileManager.default.attributesOfItem(atPath: cache.path)[.size] as? Int)
        #expect(file > 100_000, "the songs are in the file itself: \(file) bytes")
        try await cache.setMarks(songID: "s1", liked: true, rating: nil)
        #expect(wal() > 0)
        cache.settleNow()
        #expect(wal() == 0)
        #expect(try await cache.load()?.songs.first { $0.id == "s1" }?.liked == true)
    }

    @Test func changesApplyAndNeverMoveThePositionBack() async throws {
        let cache = try LibraryCache(directory: directory, key: key)
        try await cache.replace(songs: [song("a", "Alpha"), song("b", "Bravo")], genres: ["Rock"], position: 10, catalog: nil)
        try await cache.apply(ChangePage(changes: [
            Change(position: 11, at: "", kind: .song, id: "c", song: apiSong("c", "Charlie")),
            Change(position: 12, at: "", kind: .song, id: "a"),
            Change(position: 13, at: "", kind: .genre, id: "9", genre: Genre(genreid: 9, genre: "Jazz")),
            Change(position: 14, at: "", kind: .marks, id: "b", marks: SongMark(liked: true, rating: 4)),
        ], next: 14, more: false))
        // A page another TUI read earlier: its older state of c and its older position are not kept.
        try await cache.apply(ChangePage(changes: [Change(position: 10, at: "", kind: .song, id: "c", song: apiSong("c", "Old Charlie"))], next: 10, more: false))
        let loaded = try #require(try await cache.load())
        #expect(loaded.songs.map(\.title) == ["Bravo", "Charlie"])
        #expect(loaded.songs.first?.liked == true)
        #expect(loaded.songs.first?.rating == 4)
        #expect(loaded.genres == ["Rock", "Jazz"])
        #expect(loaded.position == 14)
    }

    @Test func anotherListenerOrServiceHasACacheOfItsOwn() async throws {
        let ann = try LibraryCache(directory: directory, key: key)
        try await ann.replace(songs: [song("a", "Alpha")], genres: [], position: 1, catalog: nil)
        let bob = try LibraryCache(directory: directory, key: CacheKey(service: key.service, listener: "bob"))
        let elsewhere = try LibraryCache(directory: directory, key: CacheKey(service: "http://other.example", listener: "ann"))
        #expect(bob.path != ann.path && elsewhere.path != ann.path)
        #expect(try await bob.load() == nil)
        #expect(try await elsewhere.load() == nil)
    }

    @Test func aFileThatIsNotADatabaseIsSetAsideAndStartedAfresh() async throws {
        let first = try LibraryCache(directory: directory, key: key)
        let path = first.path
        try await first.replace(songs: [song("a", "Alpha")], genres: [], position: 1, catalog: nil)
        try Data("this is not a database, it is garbage. ".utf8.map { $0 }.repeated(200)).write(to: URL(fileURLWithPath: path))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let cache = try LibraryCache(directory: directory, key: key)
        guard case .setAside(_, let movedTo) = cache.finding else {
            Issue.record("expected the file set aside, found \(cache.finding)")
            return
        }
        #expect(FileManager.default.fileExists(atPath: movedTo))
        #expect(try await cache.load() == nil)
        try await cache.replace(songs: [song("b", "Bravo")], genres: [], position: 2, catalog: nil)
        #expect(try await cache.load()?.songs.map(\.id) == ["b"])
    }

    @Test func aFileFromANewerVersionIsSetAsideNotRead() async throws {
        let first = try LibraryCache(directory: directory, key: key)
        try await first.replace(songs: [song("a", "Alpha")], genres: [], position: 1, catalog: nil)
        let path = first.path
        try await DatabaseQueue(path: path).write { db in try db.execute(sql: "PRAGMA user_version = 99") }
        let cache = try LibraryCache(directory: directory, key: key)
        guard case .setAside(let reason, _) = cache.finding else {
            Issue.record("expected the file set aside, found \(cache.finding)")
            return
        }
        #expect(reason.contains("newer"))
        #expect(cache.path == path)
        #expect(try await cache.load() == nil)
    }

    @Test func theFirstSongsAreTheFirstInTitleOrderAndAChangedTitleMovesItsSong() async throws {
        let cache = try LibraryCache(directory: directory, key: key)
        try await cache.replace(songs: [song("d", "delta"), song("b", "Bravo"), song("a", "alpha"), song("c", "Charlie")], genres: ["Rock"],
                                position: 5, catalog: nil)
        let first = try #require(try await cache.load(firstSongs: 2))
        #expect(first.songs.map(\.id) == ["a", "b"])
        #expect(first.position == 5)
        #expect(first.genres == ["Rock"])
        // The table is kept in title order: a new title moves its row there.
        try await cache.apply(ChangePage(changes: [Change(position: 6, at: "", kind: .song, id: "a", song: apiSong("a", "Zulu"))], next: 6, more: false))
        #expect(try await cache.load()?.songs.map(\.id) == ["b", "c", "d", "a"])
        #expect(try await cache.load(firstSongs: 10)?.songs.count == 4)
    }

    @Test func asciiTitlesSortAsFoundationFoldsThem() throws {
        let ascii = String((0x20..<0x7F).map { Character(Unicode.Scalar(UInt8($0))) })
        #expect(SongRow.sortKey(ascii) == SearchKey.fold(ascii))
        #expect(SongRow.sortKey("Beyoncé") == "beyonce")
    }

    @Test func aFileOfTheFirstLayoutIsRebuiltAndFilledAgain() async throws {
        let first = try LibraryCache(directory: directory, key: key)
        try await first.replace(songs: [song("a", "Alpha")], genres: [], position: 1, catalog: nil)
        try await DatabaseQueue(path: first.path).write { db in try db.execute(sql: "PRAGMA user_version = 1") }
        let cache = try LibraryCache(directory: directory, key: key)
        #expect(cache.finding == .rebuiltOlder(version: 1))
        #expect(try await cache.load() == nil)
    }

    @Test func theOutboxKeepsItemsUntilSentAndHandsEachToOneProcess() async throws {
        let cache = try LibraryCache(directory: directory, key: key)
        try await cache.enqueue(.like(songID: "a", liked: true))
        try await cache.enqueue(.play(PlayReport(song: "a", startedAt: "2026-12-02T10:00:00Z", playedSeconds: 31)))
        try await cache.enqueue(.addToPlaylist(id: "p1", PlaylistAddition(songs: ["a"], version: 3)))
        let reopened = try LibraryCache(directory: directory, key: key)
        let claimed = try await reopened.claimOutbox()
        #expect(claimed.map(\.item) == [
            .like(songID: "a", liked: true), .play(PlayReport(song: "a", startedAt: "2026-12-02T10:00:00Z", playedSeconds: 31)),
            .addToPlaylist(id: "p1", PlaylistAddition(songs: ["a"], version: 3)),
        ])
        try await reopened.sent(claimed[0].id)
        #expect(await reopened.outboxCount() == 2)
        #expect(try await reopened.claimOutbox().map(\.id) == claimed.dropFirst().map(\.id))
    }

    @Test func twoCachesOnOneFileWriteSideBySide() async throws {
        let one = try LibraryCache(directory: directory, key: key)
        let two = try LibraryCache(directory: directory, key: key)
        try await one.replace(songs: [], genres: [], position: 0, catalog: nil)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, cache) in [one, two].enumerated() {
                group.addTask {
                    for step in 1...50 {
                        let id = "\(index)-\(step)"
                        try await cache.apply(ChangePage(changes: [Change(position: step, at: "", kind: .song, id: id, song: apiSong(id, "Song \(id)"))], next: step, more: false))
                        try await cache.enqueue(.like(songID: id, liked: true))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await one.load()?.songs.count == 100)
        #expect(await two.outboxCount() == 100)
    }
}

extension Array {
    func repeated(_ times: Int) -> [Element] { (0..<times).flatMap { _ in self } }
}
