import Catalog
import LibraryModel

/// A song's bytes and covers, as `/media` serves them: untranscoded, so Range works, and `maxBitRate`, `format`
/// and `estimateContentLength` change nothing (there is no transcoder to ask).
extension SubsonicService {
    func stream(_ call: SubsonicCall) async throws -> SubsonicReply {
        let id = try call.parameters.required("id")
        guard let bundle = try? BundleID(validating: id),
            let song = try await catalogCall({ () async throws(CatalogError) in try await catalog.song(bundle) })
        else { throw SubsonicError.notFound("Song \(id.prefix(140))") }
        return .raw(try await backend.media(song.audioKey, request: call.request))
    }

    /// A cover by its `coverArt` id (a song's id; an album's or artist's is taken too), fitted to `size` when given.
    func getCoverArt(_ call: SubsonicCall) async throws -> SubsonicReply {
        let id = try call.parameters.required("id")
        let size = try call.parameters.integer("size", in: 1...Int.max)
        var songID = id
        if SubsonicIDs.kind(of: id) != .song {
            let snapshot = try await albums.current()
            if let cover = snapshot.album(id)?.summary.coverSongID ?? snapshot.artist(id)?.coverSongID { songID = cover }
        }
        guard let bundle = try? BundleID(validating: songID),
            let song = try await catalogCall({ () async throws(CatalogError) in try await catalog.song(bundle) }),
            let cover = song.coverKey
        else { throw SubsonicError.notFound("Cover art \(id.prefix(140))") }
        return .raw(try await backend.cover(cover, size: size, request: call.request))
    }
}
