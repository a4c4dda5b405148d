import Catalog
import Foundation
import LibraryModel
import TestSupport
import Testing

/// The change feed in the catalog, on every engine: written with the changes, in commit order, each
/// listener's own kept to them.
@Suite("The change feed in the catalog")
struct ChangeFeedStoreTests {
    typealias Listeners = ListenerStoreTests

    static func summary(_ records: [ChangeRecord]) -> [String] {
        records.map { "\($0.kind.rawValue):\($0.subject)\($0.userID.map { "@\($0)" } ?? "")" }
    }

    @Test("songs, genres, marks and playlists each add a change, in order; a listener sees only their own", arguments: CatalogImplementations.all)
    func order(implementation: String) async throws {
        let catalog = try await Listeners.catalogWithListeners(implementation)
        defer { catalog.close() }
        let start = try await catalog.changeBounds().latest
        try await catalog.upsert(try SongRecord.sample("f", title: "Song f"))
        _ = try await catalog.genre(for: .name("Chiptune"), create: true)
        try await catalog.setLiked(true, songID: "f", userID: "u-ann", at: Listeners.start)
        try await catalog.setRating(4, songID: "a", userID: "u-bob", at: Listeners.start)
        _ = try await catalog.createPlaylist(PlaylistRecord(id: "p-private", ownerID: "u-ann", name: "Mine"), songIDs: ["a"])
        _ = try await catalog.createPlaylist(PlaylistRecord(id: "p-public", ownerID: "u-bob", name: "Ours", isPublic: true), songIDs: [])
        _ = try await catalog.editPlaylist(id: "p-private", .insert(["b"], at: nil), expectedVersion: nil)
        try await catalog.deletePlaylist(id: "p-public")
        try await catalog.removeSong(try BundleID(validating: "f"))

        let everyone = Self.summary(try await catalog.changes(after: start, limit: 100, visibleTo: nil))
        #expect(everyone == ["song:f", "genre:chiptune", "playlist:p-public", "playlist:p-public", "song:f"])
        let ann = try await catalog.changes(after: start, limit: 100, visibleTo: "u-ann")
        #expect(Self.summary(ann) == [
            "song:f", "genre:chiptune", "marks:f@u-ann", "playlist:p-private@u-ann", "playlist:p-public", "playlist:p-private@u-ann",
            "playlist:p-public", "song:f",
        ])
        #expect(ann.map(\.position) == ann.map(\.position).sorted() && Set(ann.map(\.position)).count == ann.count, "strictly increasing")
        let bob = Self.summary(try await catalog.changes(after: start, limit: 100, visibleTo: "u-bob"))
        #expect(bob.contains("marks:a@u-bob") && !bob.contains { $0.contains("u-ann") }, "\(bob)")

        // Paging: after any position, only what came later.
        let second = try #require(ann.dropFirst().first)
        #expect(try await catalog.changes(after: second.position, limit: 2, visibleTo: "u-ann").map(\.position) == ann.dropFirst(2).prefix(2).map(\.position))
        let bounds = try await catalog.changeBounds()
        #expect(bounds.latest == ann.last?.position)
    }

    @Test("pruning keeps the latest changes and moves the oldest position on", arguments: CatalogImplementations.all)
    func pruning(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        defer { catalog.close() }
        #expect(try await catalog.changeBounds().latest == 0, "a new catalog's feed is empty")
        for index in 0..<6 { try await catalog.upsert(try SongRecord.sample("s\(index)", title: "Song \(index)")) }
        let before = try await catalog.changeBounds()
        try await catalog.pruneChanges(keepingLatest: 2)
        let after = try await catalog.changeBounds()
        #expect(after.latest == before.latest)
        #expect(after.oldest == before.latest - 1)
        #expect(try await catalog.changes(after: 0, limit: 10, visibleTo: nil).map(\.subject) == ["s4", "s5"])
        // Positions never go back, even after pruning.
        try await catalog.upsert(try SongRecord.sample("s6", title: "Song 6"))
        #expect(try await catalog.changeBounds().latest == before.latest + 1)
    }
}
