import Catalog
import Foundation
import LibraryModel
import WireFormats

/// Stars, ratings and plays, as the listener's likes, ratings and play history: the same marks the service's own
/// API and the TUI show.
extension SubsonicService {
    /// `id` (songs), `albumId` and `artistId`, each repeatable. The catalog keeps likes per song, so starring an
    /// album or an artist stars each of its songs, and it reads as starred while all of them are.
    func star(_ call: SubsonicCall, liked: Bool) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let parameters = call.parameters
        var songIDs = parameters.all("id").filter { !$0.isEmpty }
        let albumIDs = parameters.all("albumId").filter { !$0.isEmpty }
        let artistIDs = parameters.all("artistId").filter { !$0.isEmpty }
        guard !songIDs.isEmpty || !albumIDs.isEmpty || !artistIDs.isEmpty else { throw SubsonicError.missing("id, albumId or artistId") }
        if !albumIDs.isEmpty || !artistIDs.isEmpty || songIDs.contains(where: { SubsonicIDs.kind(of: $0) != .song }) {
            let snapshot = try await albums.current()
            var chosen: [AlbumIndex.Album] = []
            // Older clients send albums and artists as `id` too, as folders.
            for id in songIDs where SubsonicIDs.kind(of: id) != .song {
                if let album = snapshot.album(id) { chosen.append(album) }
                if let artist = snapshot.artist(id) { chosen += artist.albumIDs.compactMap(snapshot.album) }
            }
            songIDs.removeAll { snapshot.album($0) != nil || snapshot.artist($0) != nil }
            for id in albumIDs {
                guard let album = snapshot.album(id) else { throw SubsonicError.notFound("Album \(id.prefix(140))") }
                chosen.append(album)
            }
            for id in artistIDs {
                guard let artist = snapshot.artist(id) else { throw SubsonicError.notFound("Artist \(id.prefix(140))") }
                chosen += artist.albumIDs.compactMap(snapshot.album)
            }
            for album in chosen {
                var filter = SongFilter()
                filter.artistKey = album.summary.artistKey
                filter.albumKey = album.summary.albumKey
                let tracks = try await catalogCall { () async throws(CatalogError) in
                    try await catalog.songRecords(SongSelection(filter: filter, limit: album.summary.songCount + 100))
                }
                songIDs += tracks.map(\.song.id.rawValue)
            }
        }
        let known = try await catalogCall { () async throws(CatalogError) in try await catalog.existingSongIDs(songIDs) }
        if let missing = songIDs.first(where: { !known.contains($0) }) { throw SubsonicError.notFound("Song \(missing.prefix(140))") }
        let now = Date()
        for id in songIDs {
            try await catalogCall { () async throws(CatalogError) in _ = try await catalog.setLiked(liked, songID: id, userID: listener.id, at: now) }
        }
        return .element(nil)
    }

    /// `id` of a song and `rating` 0 (none) to 5.
    func setRating(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let id = try call.parameters.required("id")
        guard let rating = try call.parameters.integer("rating") else { throw SubsonicError.missing("rating") }
        guard (0...5).contains(rating) else { throw SubsonicError(.generic, "rating must be from 0 to 5, not \(rating)") }
        let known = try await catalogCall { () async throws(CatalogError) in try await catalog.existingSongIDs([id]) }
        guard known.contains(id) else { throw SubsonicError.notFound("Song \(id.prefix(140)) (ratings are kept for songs)") }
        try await catalogCall { () async throws(CatalogError) in try await catalog.setRating(rating, songID: id, userID: listener.id, at: Date()) }
        return .element(nil)
    }

    /// `id` (repeatable) with `time` (ms since 1970, one per id) and `submission`: true records a play of the whole
    /// song, false says the listener is playing it now.
    func scrobble(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let parameters = call.parameters
        let ids = parameters.all("id").filter { !$0.isEmpty }
        guard !ids.isEmpty else { throw SubsonicError.missing("id") }
        let times = parameters.all("time")
        let tracks = try await tracks(ids: ids)
        let byID = Dictionary(tracks.map { ($0.song.id.rawValue, $0.song) }, uniquingKeysWith: { first, _ in first })
        if let missing = ids.first(where: { byID[$0] == nil }) { throw SubsonicError.notFound("Song \(missing.prefix(140))") }
        let client = String((parameters["c"] ?? "subsonic").prefix(100))
        if parameters.flag("submission") == false {
            for id in ids { nowPlaying.playing(id, by: listener, player: client) }
            return .element(nil)
        }
        var plays: [PlayRecord] = []
        for (index, id) in ids.enumerated() {
            guard let song = byID[id] else { continue }
            let now = Date()
            var started = now - song.duration
            if index < times.count, let milliseconds = Double(times[index]), milliseconds > 0 {
                let given = Date(timeIntervalSince1970: milliseconds / 1000)
                // After 2000 and at most a day ahead: a client's clock is trusted that far.
                if given > Date(timeIntervalSince1970: 946_684_800), given < now + 86_400 { started = given }
            }
            let judged = PlayRecord.judge(played: song.duration, duration: song.duration)
            plays.append(
                PlayRecord(
                    userID: listener.id, songID: id, startedAt: started, playedSeconds: song.duration, counted: judged.counted,
                    skipped: judged.skipped, client: client))
        }
        _ = try await catalogCall { () async throws(CatalogError) in try await catalog.recordPlays(plays) }
        nowPlaying.finished(ids, by: listener)
        return .element(nil)
    }
}
