public import Catalog
public import Foundation
import Synchronization

/// Albums and artists, grouped from the catalog's songs, with their derived ids. Kept in memory (a library
/// of 100,000 songs has a few thousand albums) and rebuilt when the change feed shows a song changed, so
/// browsing costs one small query per request instead of a grouping of every song.
public final class AlbumIndex: Sendable {
    public struct Artist: Sendable, Hashable {
        public var id: String
        public var key: String
        public var name: String
        public var albumIDs: [String]
        public var coverSongID: String?
    }

    public struct Album: Sendable, Hashable {
        public var id: String
        public var artistID: String
        public var summary: AlbumSummary
        /// The artist as an index files it ("beatles" for The Beatles), worked out once per build, not per sort.
        public var artistSortKey: String
        /// Album and artist, folded, for search: folded once per build, not per query.
        public var searchText: String
    }

    public struct Snapshot: Sendable {
        /// In folded artist, then album order.
        public var albums: [Album] = []
        public var artists: [Artist] = []
        var albumsByID: [String: Int] = [:]
        var artistsByID: [String: Int] = [:]
        /// When it was built, for `lastModified`.
        public var builtAt = Date()

        public func album(_ id: String) -> Album? { albumsByID[id].map { albums[$0] } }
        public func artist(_ id: String) -> Artist? { artistsByID[id].map { artists[$0] } }

        init() {}

        init(_ summaries: [AlbumSummary]) {
            for summary in summaries {
                let artistID = SubsonicIDs.artist(key: summary.artistKey)
                let album = Album(
                    id: SubsonicIDs.album(artistKey: summary.artistKey, albumKey: summary.albumKey), artistID: artistID, summary: summary,
                    artistSortKey: SubsonicShapes.sortName(summary.artist), searchText: summary.albumKey + "\n" + summary.artistKey)
                albumsByID[album.id] = albums.count
                albums.append(album)
                if let index = artistsByID[artistID] {
                    artists[index].albumIDs.append(album.id)
                    if artists[index].coverSongID == nil { artists[index].coverSongID = summary.coverSongID }
                } else {
                    artistsByID[artistID] = artists.count
                    artists.append(Artist(id: artistID, key: summary.artistKey, name: summary.artist, albumIDs: [album.id], coverSongID: summary.coverSongID))
                }
            }
        }
    }

    private struct State {
        var snapshot: Snapshot?
        /// The change feed's position the snapshot is known to be current at.
        var position = -1
        /// A build under way, and the position it was started at: one build at a time serves every request that
        /// is no newer than it.
        var building: (task: Task<Snapshot, any Error>, position: Int)?
    }

    let catalog: any CatalogStore
    private let state = Mutex(State())

    public init(catalog: any CatalogStore) {
        self.catalog = catalog
    }

    /// The albums as the catalog holds them now.
    public func current() async throws(CatalogError) -> Snapshot {
        let latest = try await catalog.changeBounds()
        let (known, position) = state.withLock { ($0.snapshot, $0.position) }
        if let known, position == latest.latest { return known }
        if let known, try await !songsChanged(after: position, upTo: latest) {
            state.withLock { if $0.position == position { $0.position = latest.latest } }
            return known
        }
        return try await rebuild(at: latest.latest)
    }

    /// Whether a song (or a genre) changed after `position`: listeners' marks and playlists move the feed too, but
    /// leave the albums as they are.
    private func songsChanged(after position: Int, upTo bounds: (oldest: Int?, latest: Int)) async throws(CatalogError) -> Bool {
        // Pruned past what was seen: what changed in between is unknown.
        if let oldest = bounds.oldest, oldest > position + 1 { return true }
        let limit = 500
        let changes = try await catalog.changes(after: position, limit: limit, visibleTo: nil)
        return changes.count == limit || changes.contains { $0.position <= bounds.latest && ($0.kind == .song || $0.kind == .genre) }
    }

    private func rebuild(at position: Int) async throws(CatalogError) -> Snapshot {
        let catalog = self.catalog
        let task = state.withLock { state in
            if let building = state.building, building.position >= position { return building.task }
            let task = Task { Snapshot(try await catalog.albumSummaries()) }
            state.building = (task, position)
            return task
        }
        do {
            let snapshot = try await task.value
            state.withLock { state in
                if state.building?.task == task { state.building = nil }
                if position >= state.position {
                    state.snapshot = snapshot
                    state.position = position
                }
            }
            return snapshot
        } catch {
            state.withLock { if $0.building?.task == task { $0.building = nil } }
            throw (error as? CatalogError) ?? .unavailable(location: catalog.description, reason: "the albums could not be read: \(error)")
        }
    }
}
