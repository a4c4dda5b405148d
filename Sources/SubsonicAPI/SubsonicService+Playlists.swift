import Catalog
import Foundation
import LibraryModel
import WireFormats

/// The listeners' playlists: their own and others' public ones to read, only their own to change.
extension SubsonicService {
    func getPlaylists(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        var owner = listener
        if let name = call.parameters["username"], !name.isEmpty, SearchKey.fold(name) != SearchKey.fold(listener.name) {
            guard listener.isAdmin else { throw SubsonicError(.notAuthorized, "only an admin may list another listener's playlists") }
            guard let other = try await backend.account(named: name)?.user else { throw SubsonicError.notFound("User \(name.prefix(100))") }
            owner = other
        }
        var playlists = try await catalogCall { () async throws(CatalogError) in try await catalog.playlists(visibleTo: owner.id) }
        if owner.id != listener.id { playlists = playlists.filter { $0.ownerID == owner.id } }
        var list = SubsonicElement("playlists")
        list.add(list: "playlist", playlists.map { Self.playlist($0) })
        return .element(list)
    }

    func getPlaylist(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let id = try call.parameters.required("id")
        return .element(try await playlistWithEntries(id, for: listener))
    }

    /// With `name`, a new playlist of the `songId`s; with `playlistId`, that playlist's songs replaced by them.
    func createPlaylist(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let parameters = call.parameters
        let songIDs = parameters.all("songId").filter { !$0.isEmpty }
        try await requireSongs(songIDs)
        if let id = parameters["playlistId"], !id.isEmpty {
            let current = try await ownPlaylist(id, of: listener)
            if current.songCount > 0 {
                _ = try await catalogCall { () async throws(CatalogError) in
                    try await catalog.editPlaylist(id: id, .remove(positions: Array(1...current.songCount)), expectedVersion: nil)
                }
            }
            if !songIDs.isEmpty {
                _ = try await catalogCall { () async throws(CatalogError) in try await catalog.editPlaylist(id: id, .insert(songIDs, at: nil), expectedVersion: nil) }
            }
            if let given = parameters["name"], !given.isEmpty {
                let name = try Self.playlistName(given)
                _ = try await catalogCall { () async throws(CatalogError) in
                    try await catalog.updatePlaylist(id: id, PlaylistDetails(name: name), expectedVersion: nil)
                }
            }
            return .element(try await playlistWithEntries(id, for: listener))
        }
        let name = try Self.playlistName(try parameters.required("name"))
        let record = PlaylistRecord(id: "pl-" + Self.randomID(), ownerID: listener.id, name: name)
        let created = try await catalogCall { () async throws(CatalogError) in try await catalog.createPlaylist(record, songIDs: songIDs) }
        return .element(try await playlistWithEntries(created.id, for: listener))
    }

    /// `name`, `comment`, `public`, then `songIndexToRemove` (0-based, of the playlist as it was) and `songIdToAdd`
    /// (at the end), each repeatable.
    func updatePlaylist(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let parameters = call.parameters
        let id = try parameters.required("playlistId")
        let current = try await ownPlaylist(id, of: listener)
        let details = PlaylistDetails(
            name: try parameters["name"].flatMap { $0.isEmpty ? nil : $0 }.map(Self.playlistName), description: parameters["comment"],
            isPublic: parameters.flag("public"))
        if details != PlaylistDetails() {
            _ = try await catalogCall { () async throws(CatalogError) in try await catalog.updatePlaylist(id: id, details, expectedVersion: nil) }
        }
        var positions: [Int] = []
        for raw in parameters.all("songIndexToRemove") where !raw.isEmpty {
            guard let index = Int(raw), (0..<current.songCount).contains(index) else {
                throw SubsonicError(.generic, "songIndexToRemove \(raw.prefix(20)) is outside the playlist's \(current.songCount) songs")
            }
            positions.append(index + 1)
        }
        if !positions.isEmpty {
            _ = try await catalogCall { () async throws(CatalogError) in
                try await catalog.editPlaylist(id: id, .remove(positions: Array(Set(positions)).sorted()), expectedVersion: nil)
            }
        }
        let added = parameters.all("songIdToAdd").filter { !$0.isEmpty }
        try await requireSongs(added)
        if !added.isEmpty {
            _ = try await catalogCall { () async throws(CatalogError) in try await catalog.editPlaylist(id: id, .insert(added, at: nil), expectedVersion: nil) }
        }
        return .element(nil)
    }

    func deletePlaylist(_ call: SubsonicCall) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let id = try call.parameters.required("id")
        _ = try await ownPlaylist(id, of: listener)
        try await catalogCall { () async throws(CatalogError) in try await catalog.deletePlaylist(id: id) }
        return .element(nil)
    }

    // MARK: Helpers

    static func playlist(_ record: PlaylistRecord, name: String = "playlist") -> SubsonicElement {
        var element = SubsonicElement(name)
        element.set("id", record.id)
        element.set("name", record.name)
        element.set("comment", record.description)
        element.set("owner", record.ownerName)
        element.set("public", record.isPublic)
        element.set("songCount", record.songCount)
        element.set("duration", Int(record.duration.rounded()))
        element.set("created", record.createdAt)
        element.set("changed", record.updatedAt)
        return element
    }

    private func playlistWithEntries(_ id: String, for listener: UserRecord) async throws(SubsonicError) -> SubsonicElement {
        guard let found = try await catalogCall({ () async throws(CatalogError) in try await catalog.playlistWithEntries(id: id, marksOf: nil) }),
            found.playlist.ownerID == listener.id || found.playlist.isPublic
        else { throw SubsonicError.notFound("Playlist \(id.prefix(140))") }
        let entries = found.entries
        var element = Self.playlist(found.playlist)
        // Entries whose songs left the library are left out, as clients cannot play them.
        element.add(list: "entry", try await elements(try await tracks(ids: entries.map(\.songID)), for: listener, name: "entry"))
        return element
    }

    private func ownPlaylist(_ id: String, of listener: UserRecord) async throws(SubsonicError) -> PlaylistRecord {
        guard let playlist = try await catalogCall({ () async throws(CatalogError) in try await catalog.playlist(id: id) }),
            playlist.ownerID == listener.id || playlist.isPublic
        else { throw SubsonicError.notFound("Playlist \(id.prefix(140))") }
        guard playlist.ownerID == listener.id else { throw SubsonicError(.notAuthorized, "only \(playlist.ownerName) may change \(playlist.name)") }
        return playlist
    }

    private func requireSongs(_ ids: [String]) async throws(SubsonicError) {
        guard !ids.isEmpty else { return }
        let known = try await catalogCall { () async throws(CatalogError) in try await catalog.existingSongIDs(ids) }
        if let missing = ids.first(where: { !known.contains($0) }) { throw SubsonicError.notFound("Song \(missing.prefix(140))") }
    }

    static func playlistName(_ raw: String) throws(SubsonicError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw SubsonicError.missing("name") }
        guard name.count <= ListenerLimits.nameLength else { throw SubsonicError(.generic, "a playlist's name is at most \(ListenerLimits.nameLength) characters") }
        return name
    }

    /// 72 random bits, URL-safe.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String((0..<12).map { _ in alphabet[Int(generator.next() % 64)] })
    }
}
