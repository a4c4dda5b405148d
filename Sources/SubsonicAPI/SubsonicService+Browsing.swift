import Catalog
import Foundation
import LibraryModel
import WireFormats

/// The library as folders (`getIndexes`, `getMusicDirectory`: DSub's default, stmps, Sublime) and as ID3 tags
/// (`getArtists`, `getArtist`, `getAlbum`). One music folder holds everything.
extension SubsonicService {
    static let musicFolderID = 1

    func getMusicFolders(_ call: SubsonicCall) async throws -> SubsonicReply {
        var folder = SubsonicElement("musicFolder")
        folder.set("id", Self.musicFolderID)
        folder.set("name", "Music")
        var folders = SubsonicElement("musicFolders")
        folders.add(list: "musicFolder", [folder])
        return .element(folders)
    }

    func getIndexes(_ call: SubsonicCall) async throws -> SubsonicReply {
        let snapshot = try await albums.current()
        var indexes = SubsonicElement("indexes")
        indexes.set("ignoredArticles", SubsonicShapes.ignoredArticles.joined(separator: " "))
        indexes.set("lastModified", Self.lastModified(snapshot))
        indexes.add(list: "shortcut", [])
        indexes.add(list: "index", Self.inFolder(call) ? SubsonicShapes.indexes(snapshot.artists, id3: false) : [])
        indexes.add(list: "child", [])
        return .element(indexes)
    }

    func getArtists(_ call: SubsonicCall) async throws -> SubsonicReply {
        let snapshot = try await albums.current()
        var artists = SubsonicElement("artists")
        artists.set("ignoredArticles", SubsonicShapes.ignoredArticles.joined(separator: " "))
        artists.add(list: "index", Self.inFolder(call) ? SubsonicShapes.indexes(snapshot.artists, id3: true) : [])
        return .element(artists)
    }

    func getMusicDirectory(_ call: SubsonicCall) async throws -> SubsonicReply {
        let id = try call.parameters.required("id")
        let snapshot = try await albums.current()
        var directory = SubsonicElement("directory")
        directory.set("id", id)
        if let artist = snapshot.artist(id) {
            directory.set("name", artist.name)
            directory.set("parent", String(Self.musicFolderID))
            let albums = artist.albumIDs.compactMap(snapshot.album)
            directory.add(list: "child", albums.map { SubsonicShapes.albumDirectory($0, name: "child") })
        } else if let album = snapshot.album(id) {
            directory.set("name", album.summary.name)
            directory.set("parent", album.artistID)
            directory.add(list: "child", try await albumSongs(album, for: call.listener, name: "child"))
        } else {
            throw SubsonicError.notFound("Directory \(id.prefix(140))")
        }
        return .element(directory)
    }

    func getArtist(_ call: SubsonicCall) async throws -> SubsonicReply {
        let id = try call.parameters.required("id")
        let snapshot = try await albums.current()
        guard let artist = snapshot.artist(id) else { throw SubsonicError.notFound("Artist \(id.prefix(140))") }
        var element = SubsonicShapes.artist(artist)
        element.add(list: "album", artist.albumIDs.compactMap(snapshot.album).map { SubsonicShapes.album($0) })
        return .element(element)
    }

    func getAlbum(_ call: SubsonicCall) async throws -> SubsonicReply {
        let id = try call.parameters.required("id")
        guard let album = try await albums.current().album(id) else { throw SubsonicError.notFound("Album \(id.prefix(140))") }
        var element = SubsonicShapes.album(album)
        element.add(list: "song", try await albumSongs(album, for: call.listener))
        return .element(element)
    }

    func getSong(_ call: SubsonicCall) async throws -> SubsonicReply {
        let id = try call.parameters.required("id")
        guard let song = try await songs(SongSelection(ids: [id], limit: 1), for: call.listener).elements.first else {
            throw SubsonicError.notFound("Song \(id.prefix(140))")
        }
        return .element(song)
    }

    /// Genres that hold songs, with how many songs and albums; the name goes in `value` in JSON.
    func getGenres(_ call: SubsonicCall) async throws -> SubsonicReply {
        let snapshot = try await albums.current()
        var albumCounts: [Int: Int] = [:]
        for album in snapshot.albums { albumCounts[album.summary.genreID, default: 0] += 1 }
        let genres = try await catalogCall { () async throws(CatalogError) in try await catalog.genres() }
        var element = SubsonicElement("genres")
        element.add(
            list: "genre",
            genres.filter { ($0.songs ?? 0) > 0 }.map { genre in
                var item = SubsonicElement("genre")
                item.set("songCount", genre.songs ?? 0)
                item.set("albumCount", albumCounts[genre.genreid] ?? 0)
                item.text = genre.genre
                return item
            })
        return .element(element)
    }

    /// The recommender has no artist or album biographies; empty answers keep Feishin and Sublime going.
    func emptyInfo(_ call: SubsonicCall, name: String) throws -> SubsonicReply {
        _ = try call.parameters.required("id")
        return .element(SubsonicElement(name))
    }

    // MARK: Helpers

    /// Whether `musicFolderId`, when given, is the one folder there is.
    static func inFolder(_ call: SubsonicCall) -> Bool {
        guard let folder = call.parameters["musicFolderId"], !folder.isEmpty else { return true }
        return Int(folder) == musicFolderID
    }

    /// When the newest album last changed, in milliseconds since 1970 (0 for an empty library).
    static func lastModified(_ snapshot: AlbumIndex.Snapshot) -> Int {
        let latest = snapshot.albums.map(\.summary.latestAt).max() ?? Date(timeIntervalSince1970: 0)
        return Int(latest.timeIntervalSince1970 * 1000)
    }

    /// An album's songs, in title order (the order its tracks are numbered in).
    func albumSongs(_ album: AlbumIndex.Album, for listener: UserRecord?, name: String = "song") async throws(SubsonicError) -> SongEntries {
        var filter = SongFilter()
        filter.artistKey = album.summary.artistKey
        filter.albumKey = album.summary.albumKey
        return try await songs(SongSelection(filter: filter, limit: max(album.summary.songCount, 1) + 100), for: listener, name: name)
    }

    /// Songs as `Child` elements, with the listener's marks.
    func songs(_ selection: SongSelection, for listener: UserRecord?, name: String = "song") async throws(SubsonicError) -> SongEntries {
        let tracks = try await catalogCall { () async throws(CatalogError) in try await catalog.songRecords(selection) }
        return try await elements(tracks, for: listener, name: name)
    }

    func elements(_ tracks: [TrackRecord], for listener: UserRecord?, name: String = "song") async throws(SubsonicError) -> SongEntries {
        guard let listener else { return SongEntries(tracks, marks: nil, name: name) }
        var marks: [String: SongMarks] = [:]
        if !tracks.isEmpty {
            marks = try await catalogCall { () async throws(CatalogError) in
                try await catalog.marks(userID: listener.id, songIDs: tracks.map(\.song.id.rawValue))
            }
        }
        return SongEntries(tracks, marks: marks, name: name)
    }

    /// Songs by id, in the order given, read in batches the catalog takes.
    func tracks(ids: [String]) async throws(SubsonicError) -> [TrackRecord] {
        var found: [String: TrackRecord] = [:]
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for track in try await catalogCall({ () async throws(CatalogError) in try await catalog.songRecords(SongSelection(ids: chunk, limit: chunk.count)) }) {
                found[track.song.id.rawValue] = track
            }
            start += 500
        }
        return ids.compactMap { found[$0] }
    }
}
