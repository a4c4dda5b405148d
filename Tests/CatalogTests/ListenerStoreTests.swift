import Catalog
import Foundation
import LibraryModel
import TestSupport
import Testing

/// The listeners' part of the store suite: accounts, credentials, marks, plays and playlists, on every engine.
@Suite("Listener stores")
struct ListenerStoreTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    /// A migrated catalog with songs a…e (titles in that order) and two listeners, ann and bob.
    static func catalogWithListeners(_ implementation: String) async throws -> any CatalogStore {
        let catalog = try await CatalogImplementations.make(implementation)
        for (index, id) in ["a", "b", "c", "d", "e"].enumerated() {
            var song = try SongRecord.sample(id, title: "Song \(id)", artist: "Artist \(index % 2)", genre: 1 + index % 3)
            song.duration = 200
            song.createdAt = start + Double(index)
            try await catalog.upsert(song)
        }
        try await catalog.createUser(UserRecord(id: "u-ann", name: "Ann", passwordHash: "hash-ann"))
        try await catalog.createUser(UserRecord(id: "u-bob", name: "Bob", isAdmin: true, passwordHash: "hash-bob"))
        return catalog
    }

    static func play(_ user: String, _ song: String, at offset: Double, played: Double = 200) -> PlayRecord {
        let judged = PlayRecord.judge(played: played, duration: 200)
        return PlayRecord(userID: user, songID: song, startedAt: start + offset, playedSeconds: played, counted: judged.counted, skipped: judged.skipped, client: "test")
    }

    // MARK: Accounts

    @Test("the local listener exists from the start; names are unique in any case or accent", arguments: CatalogImplementations.all)
    func accounts(implementation: String) async throws {
        let catalog = try await CatalogImplementations.make(implementation)
        defer { catalog.close() }
        let local = try #require(try await catalog.user(id: UserRecord.localID))
        #expect(local.isLocal)
        #expect(local.passwordHash == nil)
        #expect(try await catalog.accountCount() == 0)
        try await catalog.createUser(UserRecord(id: "u-1", name: "Zoë", passwordHash: "h", sealedPassword: "s"))
        #expect(try await catalog.accountCount() == 1)
        #expect(try await catalog.user(named: "ZOE")?.id == "u-1")
        #expect(try await catalog.user(named: "zoë")?.sealedPassword == "s")
        let taken = try await #require(throws: CatalogError.self) { try await catalog.createUser(UserRecord(id: "u-2", name: "zoe")) }
        guard case .conflict = taken else {
            Issue.record("expected .conflict, got \(taken)")
            return
        }
        let reserved = try await #require(throws: CatalogError.self) { try await catalog.createUser(UserRecord(id: "u-3", name: "Local")) }
        #expect(reserved == .conflict("there is already a listener named Local"))
        #expect(try await catalog.users().map(\.name) == ["local", "Zoë"])
        let removeLocal = try await #require(throws: CatalogError.self) { try await catalog.removeUser(id: UserRecord.localID) }
        #expect(removeLocal == .notFound("no listener with id local"))
    }

    @Test("a new password ends the listener's sessions and keeps their API keys", arguments: CatalogImplementations.all)
    func credentials(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        try await catalog.addCredential(CredentialRecord(id: "s1", userID: "u-ann", kind: .session, name: "login", secretHash: "x", expiresAt: Self.start + 60))
        try await catalog.addCredential(CredentialRecord(id: "s2", userID: "u-ann", kind: .session, name: "login", secretHash: "y", expiresAt: Self.start + 3600))
        try await catalog.addCredential(CredentialRecord(id: "k1", userID: "u-ann", kind: .apiKey, name: "phone", secretHash: "z"))
        try await catalog.addCredential(CredentialRecord(id: "s3", userID: "u-bob", kind: .session, name: "login", secretHash: "w", expiresAt: Self.start + 60))
        #expect(try await catalog.credential(id: "k1")?.name == "phone")
        #expect(try await catalog.credentials(userID: "u-ann", kind: .session).map(\.id) == ["s1", "s2"])
        #expect(try await catalog.removeCredential(id: "k1", userID: "u-bob") == false, "one listener cannot revoke another's key")
        try await catalog.removeExpiredCredentials(before: Self.start + 120)
        #expect(try await catalog.credential(id: "s1") == nil)
        #expect(try await catalog.credential(id: "s2") != nil)
        #expect(try await catalog.credential(id: "k1") != nil, "API keys do not expire")
        try await catalog.setPassword(userID: "u-ann", hash: "new", sealed: "sealed")
        #expect(try await catalog.user(id: "u-ann")?.passwordHash == "new")
        #expect(try await catalog.credentials(userID: "u-ann", kind: .session).isEmpty)
        #expect(try await catalog.credentials(userID: "u-ann", kind: .apiKey).map(\.id) == ["k1"])
        #expect(try await catalog.removeCredential(id: "k1", userID: "u-ann"))
        let missing = try await #require(throws: CatalogError.self) { try await catalog.setPassword(userID: "nobody", hash: "h", sealed: nil) }
        #expect(missing == .notFound("no listener with id nobody"))
    }

    // MARK: Marks

    @Test("likes keep their first time, ratings go from 0 to 5, and each listener sees only their own", arguments: CatalogImplementations.all)
    func marks(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        #expect(try await catalog.setLiked(true, songID: "a", userID: "u-ann", at: Self.start) == Self.start)
        #expect(try await catalog.setLiked(true, songID: "a", userID: "u-ann", at: Self.start + 50) == Self.start, "liking again keeps the first time")
        #expect(try await catalog.setLiked(true, songID: "b", userID: "u-ann", at: Self.start + 10) == Self.start + 10)
        try await catalog.setRating(4, songID: "b", userID: "u-ann", at: Self.start)
        try await catalog.setRating(1, songID: "c", userID: "u-bob", at: Self.start)
        let ann = try await catalog.marks(userID: "u-ann", songIDs: nil)
        #expect(ann.keys.sorted() == ["a", "b"])
        #expect(ann["b"] == SongMarks(likedAt: Self.start + 10, rating: 4))
        #expect(try await catalog.marks(userID: "u-ann", songIDs: ["b", "c", "zzz"]).keys.sorted() == ["b"])
        #expect(try await catalog.marks(userID: "u-bob", songIDs: nil) == ["c": SongMarks(rating: 1)])
        #expect(try await catalog.setLiked(false, songID: "a", userID: "u-ann", at: Self.start + 60) == nil)
        try await catalog.setRating(0, songID: "b", userID: "u-ann", at: Self.start)
        #expect(try await catalog.marks(userID: "u-ann", songIDs: ["a", "b"]) == ["a": .empty, "b": SongMarks(likedAt: Self.start + 10)])
        let bad = try await #require(throws: CatalogError.self) { try await catalog.setRating(7, songID: "a", userID: "u-ann", at: Self.start) }
        #expect(bad == .invalid("a rating is 0 to 5 stars, not 7"))
        // Marks are kept by song id, so they outlive the song and apply again when it comes back.
        try await catalog.setLiked(true, songID: "d", userID: "u-ann", at: Self.start)
        try await catalog.removeSong(try BundleID(validating: "d"))
        #expect(try await catalog.smartList(.liked, userID: "u-ann", limit: 10).map { [$0.songID, $0.song?.id ?? "gone"] } == [["b", "b"], ["d", "gone"]])
        try await catalog.upsert(try SongRecord.sample("d", title: "Song d"))
        #expect(try await catalog.smartList(.liked, userID: "u-ann", limit: 10).last?.song?.title == "Song d")
    }

    // MARK: Plays

    @Test("plays are stored once, counted by the scrobblers' rule, and listed newest first", arguments: CatalogImplementations.all)
    func plays(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        let plays = [
            Self.play("u-ann", "a", at: 0), Self.play("u-ann", "a", at: 300), Self.play("u-ann", "b", at: 600, played: 20),
            Self.play("u-ann", "c", at: 900, played: 60), Self.play("u-bob", "a", at: 100),
        ]
        #expect(try await catalog.recordPlays(plays) == 5)
        #expect(try await catalog.recordPlays(Array(plays.prefix(2))) == 0, "a report sent again is stored once")
        let marks = try await catalog.marks(userID: "u-ann", songIDs: nil)
        #expect(marks["a"] == SongMarks(plays: 2, lastPlayed: Self.start + 300))
        #expect(marks["b"] == SongMarks(plays: 0, skips: 1, lastPlayed: Self.start + 600), "20 s of 200 is a skip")
        #expect(marks["c"] == SongMarks(plays: 0, skips: 0, lastPlayed: Self.start + 900), "60 s of 200 is neither")
        let history = try await catalog.history(userID: "u-ann", before: nil, limit: 10)
        #expect(history.map(\.play.songID) == ["c", "b", "a", "a"])
        #expect(history.first?.song?.title == "Song c")
        #expect(history.first?.song?.genre == "Pop")
        #expect(history[1].play.skipped)
        #expect(try await catalog.history(userID: "u-ann", before: Self.start + 600, limit: 1).map(\.play.startedAt) == [Self.start + 300])
        #expect(try await catalog.history(userID: "u-bob", before: nil, limit: 10).map(\.play.songID) == ["a"])
        try await catalog.removeSong(try BundleID(validating: "c"))
        #expect(try await catalog.history(userID: "u-ann", before: nil, limit: 1).first?.song == nil, "a deleted song stays in the history")
    }

    @Test("smart lists fill themselves from marks and plays", arguments: CatalogImplementations.all)
    func smartLists(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        _ = try await catalog.recordPlays([
            Self.play("u-ann", "b", at: 0), Self.play("u-ann", "b", at: 300), Self.play("u-ann", "c", at: 600),
            Self.play("u-bob", "e", at: 900),
        ])
        _ = try await catalog.setLiked(true, songID: "e", userID: "u-ann", at: Self.start)
        _ = try await catalog.setLiked(true, songID: "a", userID: "u-ann", at: Self.start + 1)
        try await catalog.setRating(5, songID: "d", userID: "u-ann", at: Self.start)
        try await catalog.setRating(4, songID: "a", userID: "u-ann", at: Self.start + 1)
        try await catalog.setRating(2, songID: "e", userID: "u-ann", at: Self.start)
        func ids(_ list: SmartPlaylist) async throws -> [String] {
            try await catalog.smartList(list, userID: "u-ann", limit: 10).map(\.songID)
        }
        #expect(try await ids(.liked) == ["a", "e"])
        #expect(try await ids(.mostPlayed) == ["b", "c"])
        #expect(try await ids(.recentlyPlayed) == ["c", "b"])
        #expect(try await ids(.topRated) == ["d", "a"])
        #expect(try await ids(.recentlyAdded) == ["e", "d", "c", "b", "a"])
        #expect(try await ids(.neverPlayed) == ["a", "d", "e"], "bob's play of e is his own")
        #expect(try await catalog.smartList(.recentlyAdded, userID: "u-ann", limit: 2).map(\.songID) == ["e", "d"])
    }

    // MARK: Playlists

    @Test("playlists: songs in order (twice allowed), names unique per owner, private ones private", arguments: CatalogImplementations.all)
    func playlists(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        let mix = try await catalog.createPlaylist(
            PlaylistRecord(id: "p-mix", ownerID: "u-ann", name: "Mix", description: "for the road"), songIDs: ["c", "a", "c"])
        #expect(mix.songCount == 3)
        #expect(mix.duration == 200 * 3)
        #expect(mix.version == 1)
        #expect(mix.ownerName == "Ann")
        #expect(try await catalog.playlistEntries(id: "p-mix").map(\.songID) == ["c", "a", "c"])
        let read = try #require(try await catalog.playlistWithEntries(id: "p-mix", marksOf: nil))
        #expect(read.playlist == mix, "the totals counted from the entries are the catalog's")
        #expect(read.entries.map(\.songID) == ["c", "a", "c"])
        #expect(read.entries.allSatisfy { $0.marks == nil })
        // Read with a listener's marks, joined in the same query: every entry has them, an unmarked song's empty.
        try await catalog.setLiked(true, songID: "c", userID: "u-ann", at: Self.start)
        try await catalog.setRating(3, songID: "c", userID: "u-ann", at: Self.start)
        try await catalog.setRating(5, songID: "a", userID: "u-bob", at: Self.start)
        let marked = try #require(try await catalog.playlistWithEntries(id: "p-mix", marksOf: "u-ann"))
        #expect(marked.entries.map(\.marks) == [SongMarks(likedAt: Self.start, rating: 3), .empty, SongMarks(likedAt: Self.start, rating: 3)])
        let separately = try await catalog.marks(userID: "u-ann", songIDs: ["c", "a"])
        #expect(marked.entries.map(\.marks) == marked.entries.map { separately[$0.songID] ?? .empty }, "the same marks as read apart")
        let taken = try await #require(throws: CatalogError.self) {
            _ = try await catalog.createPlaylist(PlaylistRecord(id: "p-2", ownerID: "u-ann", name: "MIX"), songIDs: [])
        }
        #expect(taken == .conflict("there is already a playlist named MIX"))
        _ = try await catalog.createPlaylist(PlaylistRecord(id: "p-bob", ownerID: "u-bob", name: "Mix", isPublic: true), songIDs: ["e"])
        _ = try await catalog.createPlaylist(PlaylistRecord(id: "p-secret", ownerID: "u-bob", name: "Secret"), songIDs: ["d"])
        #expect(try await catalog.playlists(visibleTo: "u-ann").map(\.id) == ["p-mix", "p-bob"], "own first, then others' public ones")
        #expect(try await catalog.playlists(visibleTo: "u-bob").map(\.id) == ["p-bob", "p-secret"])
        #expect(try await catalog.playlist(named: "mix", ownerID: "u-bob")?.id == "p-bob")
        // A deleted song leaves its entries marked unavailable, and comes back in them.
        try await catalog.removeSong(try BundleID(validating: "c"))
        #expect(try await catalog.playlistEntries(id: "p-mix").map { $0.song == nil } == [true, false, true])
        #expect(try await catalog.playlist(id: "p-mix")?.duration == 200, "only songs still there count")
        try await catalog.upsert(try SongRecord.sample("c", title: "Song c"))
        #expect(try await catalog.playlistEntries(id: "p-mix").allSatisfy { $0.song != nil })
        try await catalog.deletePlaylist(id: "p-mix")
        #expect(try await catalog.playlist(id: "p-mix") == nil)
        #expect(try await catalog.playlistEntries(id: "p-mix").isEmpty)
        let gone = try await #require(throws: CatalogError.self) { try await catalog.deletePlaylist(id: "p-mix") }
        #expect(gone == .notFound("no playlist p-mix"))
    }

    @Test("inserting, removing and moving entries keeps positions dense and the order right", arguments: CatalogImplementations.all)
    func edits(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        _ = try await catalog.createPlaylist(PlaylistRecord(id: "p", ownerID: "u-ann", name: "Edits"), songIDs: ["a", "b", "c", "d", "e"])
        func order() async throws -> [String] { try await catalog.playlistEntries(id: "p").map(\.songID) }
        var edited = try await catalog.editPlaylist(id: "p", .move(from: 1, to: 4), expectedVersion: 1)
        #expect(try await order() == ["b", "c", "d", "a", "e"])
        #expect(edited.version == 2)
        edited = try await catalog.editPlaylist(id: "p", .move(from: 5, to: 2), expectedVersion: 2)
        #expect(try await order() == ["b", "e", "c", "d", "a"])
        edited = try await catalog.editPlaylist(id: "p", .remove(positions: [4, 1, 4]), expectedVersion: nil)
        #expect(try await order() == ["e", "c", "a"])
        #expect(edited.songCount == 3)
        edited = try await catalog.editPlaylist(id: "p", .insert(["d", "d"], at: 2), expectedVersion: nil)
        #expect(try await order() == ["e", "d", "d", "c", "a"])
        edited = try await catalog.editPlaylist(id: "p", .insert(["b"], at: nil), expectedVersion: nil)
        #expect(try await order() == ["e", "d", "d", "c", "a", "b"])
        edited = try await catalog.editPlaylist(id: "p", .remove(positions: [1, 2, 3, 4, 5, 6]), expectedVersion: nil)
        #expect(try await order().isEmpty)
        #expect(edited.version == 7)
        for (edit, message) in [
            (PlaylistEdit.remove(positions: [1]), "there is no entry at position 1 (the playlist has 0)"),
            (.insert(["a"], at: 3), "position 3 is outside the playlist (1 to 1)"),
            (.move(from: 1, to: 1), "there is no entry at position 1 (the playlist has 0)"),
        ] {
            let error = try await #require(throws: CatalogError.self) { _ = try await catalog.editPlaylist(id: "p", edit, expectedVersion: nil) }
            // The playlist as it is now has no such position: a conflict with its state (409), not a bad request.
            #expect(error == .conflict(message))
        }
        #expect(try await catalog.playlist(id: "p")?.version == 7, "a refused edit changes nothing")
    }

    @Test("an edit against a stale version is refused and loses nothing; edits without one all apply", arguments: CatalogImplementations.all)
    func concurrentEdits(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        _ = try await catalog.createPlaylist(PlaylistRecord(id: "p", ownerID: "u-ann", name: "Shared"), songIDs: ["a"])
        // Two clients both read version 1 and edit: one wins, the other is told, and nothing is half done.
        let outcomes = await withTaskGroup(of: Result<Int, CatalogError>.self) { group in
            for song in ["b", "c"] {
                group.addTask {
                    do throws(CatalogError) {
                        return .success(try await catalog.editPlaylist(id: "p", .insert([song], at: nil), expectedVersion: 1).version)
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { if case .success(2) = $0 { true } else { false } }.count == 1)
        let refused = outcomes.compactMap { if case .failure(let error) = $0 { error } else { nil } }
        #expect(refused.count == 1)
        #expect("\(refused.first.map { "\($0)" } ?? "")".contains("has changed since version 1"))
        #expect(try await catalog.playlistEntries(id: "p").count == 2)
        let renamed = try await #require(throws: CatalogError.self) {
            _ = try await catalog.updatePlaylist(id: "p", PlaylistDetails(name: "Renamed"), expectedVersion: 1)
        }
        guard case .conflict = renamed else {
            Issue.record("expected .conflict, got \(renamed)")
            return
        }
        #expect(try await catalog.playlist(id: "p")?.name == "Shared")
        // Twenty appends at once with no version named: every one applies, each on the state before it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask { _ = try await catalog.editPlaylist(id: "p", .insert(["e"], at: index % 2 == 0 ? 1 : nil), expectedVersion: nil) }
            }
            try await group.waitForAll()
        }
        let final = try #require(try await catalog.playlist(id: "p"))
        #expect(final.songCount == 22)
        #expect(final.version == 22)
        let entries = try await catalog.playlistEntries(id: "p")
        #expect(entries.filter { $0.songID == "e" }.count == 20)
        let details = try await catalog.updatePlaylist(id: "p", PlaylistDetails(name: "Shared 2", description: "d", isPublic: true), expectedVersion: 22)
        #expect([details.name, details.description] == ["Shared 2", "d"])
        #expect(details.isPublic)
        #expect(details.version == 23)
    }

    @Test("removing a listener takes their marks, plays, playlists and credentials, and nobody else's", arguments: CatalogImplementations.all)
    func removal(implementation: String) async throws {
        let catalog = try await Self.catalogWithListeners(implementation)
        defer { catalog.close() }
        for user in ["u-ann", "u-bob"] {
            _ = try await catalog.setLiked(true, songID: "a", userID: user, at: Self.start)
            _ = try await catalog.recordPlays([Self.play(user, "b", at: 0)])
            _ = try await catalog.createPlaylist(PlaylistRecord(id: "p-\(user)", ownerID: user, name: "Mine"), songIDs: ["a", "b"])
            try await catalog.addCredential(CredentialRecord(id: "k-\(user)", userID: user, kind: .apiKey, name: "k", secretHash: "h"))
        }
        try await catalog.removeUser(id: "u-ann")
        #expect(try await catalog.user(id: "u-ann") == nil)
        #expect(try await catalog.marks(userID: "u-ann", songIDs: nil).isEmpty)
        #expect(try await catalog.history(userID: "u-ann", before: nil, limit: 10).isEmpty)
        #expect(try await catalog.playlist(id: "p-u-ann") == nil)
        #expect(try await catalog.playlistEntries(id: "p-u-ann").isEmpty)
        #expect(try await catalog.credential(id: "k-u-ann") == nil)
        #expect(try await catalog.marks(userID: "u-bob", songIDs: nil).count == 2)
        #expect(try await catalog.playlistEntries(id: "p-u-bob").count == 2)
        #expect(try await catalog.credential(id: "k-u-bob") != nil)
        #expect(try await catalog.accountCount() == 1)
    }
}
