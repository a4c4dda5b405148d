import Catalog
import Foundation
import LibraryModel
import TestSupport
import Testing

/// The reads recommendations are built from, on every engine.
@Suite("Recommendation reads")
struct RecommendationStoreTests {
    typealias Listeners = ListenerStoreTests

    @Test("shared plays page in order of listener, start and song, and leave out listeners who stopped sharing", arguments: CatalogImplementations.all)
    func sharedPlays(implementation: String) async throws {
        let catalog = try await Listeners.catalogWithListeners(implementation)
        defer { catalog.close() }
        // Two plays at the same moment tell the song apart in the cursor.
        let plays = [
            Listeners.play("u-bob", "b", at: 10), Listeners.play("u-ann", "c", at: 30), Listeners.play("u-ann", "a", at: 20),
            Listeners.play("u-ann", "b", at: 20), Listeners.play("u-bob", "a", at: 5, played: 3), Listeners.play(UserRecord.localID, "e", at: 1),
        ]
        #expect(try await catalog.recordPlays(plays) == 6)
        var read: [PlayRecord] = []
        var cursor: PlayRecord?
        repeat {
            let page = try await catalog.sharedPlays(after: cursor, limit: 2)
            read += page
            cursor = page.count == 2 ? page.last : nil
        } while cursor != nil
        #expect(read.map { "\($0.userID):\($0.songID)" } == ["local:e", "u-ann:a", "u-ann:b", "u-ann:c", "u-bob:a", "u-bob:b"])
        #expect(read.first { $0.userID == "u-bob" && $0.songID == "a" }?.skipped == true)
        #expect(read.first { $0.songID == "c" }?.playedSeconds == 200)

        let before = try await catalog.listeningStamp()
        try await catalog.setSharesListening(false, userID: "u-ann")
        #expect(try await catalog.user(id: "u-ann")?.sharesListening == false)
        #expect(try await catalog.sharedPlays(after: nil, limit: 100).map(\.userID) == ["local", "u-bob", "u-bob"])
        #expect(try await catalog.listeningStamp() != before, "a listener who stops sharing changes what the model is built from")
        await #expect(throws: CatalogError.notFound("no listener with id nobody")) { try await catalog.setSharesListening(true, userID: "nobody") }
    }

    @Test("appeal sums likes and ratings of sharing listeners; the stamp moves with plays, marks and songs", arguments: CatalogImplementations.all)
    func appealAndStamp(implementation: String) async throws {
        let catalog = try await Listeners.catalogWithListeners(implementation)
        defer { catalog.close() }
        let empty = try await catalog.listeningStamp()
        #expect(empty.plays == 0 && empty.marks == 0 && empty.songs == 5 && empty.sharingListeners == 3)
        try await catalog.setLiked(true, songID: "a", userID: "u-ann", at: Listeners.start)
        try await catalog.setLiked(true, songID: "a", userID: "u-bob", at: Listeners.start)
        try await catalog.setRating(5, songID: "a", userID: "u-bob", at: Listeners.start)
        try await catalog.setRating(1, songID: "b", userID: "u-ann", at: Listeners.start)
        let liked = try await catalog.listeningStamp()
        #expect(liked != empty && liked.marks == 3)
        #expect(try await catalog.sharedAppeal() == [
            SongAppealRecord(songID: "a", likes: 2, goodRatings: 1, poorRatings: 0), SongAppealRecord(songID: "b", likes: 0, goodRatings: 0, poorRatings: 1),
        ])
        try await catalog.setSharesListening(false, userID: "u-bob")
        #expect(try await catalog.sharedAppeal().first == SongAppealRecord(songID: "a", likes: 1, goodRatings: 0, poorRatings: 0))
        _ = try await catalog.recordPlays([Listeners.play("u-ann", "c", at: 1)])
        let played = try await catalog.listeningStamp()
        #expect(played.plays == 1 && played != liked)
        try await catalog.removeSong(try BundleID(validating: "e"))
        #expect(try await catalog.listeningStamp().songs == 4)
    }

    @Test("songs read whole in id order, or by id", arguments: CatalogImplementations.all)
    func listings(implementation: String) async throws {
        let catalog = try await Listeners.catalogWithListeners(implementation)
        defer { catalog.close() }
        let first = try await catalog.songListings(after: nil, limit: 3)
        #expect(first.map(\.id) == ["a", "b", "c"])
        #expect(try await catalog.songListings(after: "c", limit: 3).map(\.id) == ["d", "e"])
        #expect(first.allSatisfy { !$0.genre.isEmpty }, "genres are named")
        let some = try await catalog.songListings(ids: ["e", "a", "missing", "a"])
        #expect(Set(some.map(\.id)) == ["a", "e"])
    }
}
