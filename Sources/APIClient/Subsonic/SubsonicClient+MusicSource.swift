public import CurlTransfer
import Foundation
public import LibraryModel

extension SubsonicClient: MusicSource {
    public var label: String { address.description }
    public var hasChangeFeed: Bool { false }
    public func using(_ session: CurlSession) -> SubsonicClient { copy(with: session) }

    // MARK: The library

    /// Every song, read page by page with `search3` and an empty query (what Subsonic apps do to sync),
    /// a few pages at a time; a server that answers an empty query with nothing is read album by album.
    public func wholeLibrary<Row: Sendable, Failure: Error>(
        fromJSON: ([UInt8]) throws(Failure) -> [Row], fromSong: (Song) -> Row
    ) async throws(APIClientError) -> Listing<Row> {
        var songs = try await allSongs()
        if songs.isEmpty { songs = try await songsAlbumByAlbum() }
        return Listing(rows: Self.inTitleOrder(songs).map(fromSong), position: nil)
    }

    /// Pages of `search3` with an empty query. The first says how many songs the server gives at once
    /// (servers cap `songCount`: 500, 5000…); then `inFlight` pages of that size at a time, until one
    /// comes back short.
    private func allSongs(inFlight: Int = 4) async throws(APIClientError) -> [Song] {
        var songs = try await searchPage("", count: listingPageSize, offset: 0)
        let step = songs.count
        guard step > 0 else { return [] }
        while true {
            let pages = try await Self.concurrently((0..<inFlight).map { songs.count + $0 * step }) { (start) throws(APIClientError) in
                try await searchPage("", count: listingPageSize, offset: start)
            }
            for page in pages { songs += page }
            guard pages.allSatisfy({ $0.count == step }) else { return songs }
        }
    }

    private func songsAlbumByAlbum() async throws(APIClientError) -> [Song] {
        var albumIDs: [String] = []
        while true {
            let answer = try await call(
                "getAlbumList2", [("type", "alphabeticalByName"), ("size", "\(Self.pageSize)"), ("offset", "\(albumIDs.count)")])
            let page = answer.child("albumList2")?.all("album").compactMap { $0["id"] } ?? []
            albumIDs += page
            if page.count < Self.pageSize { break }
        }
        var songs: [Song] = []
        for start in stride(from: 0, to: albumIDs.count, by: 8) {
            let batch = Array(albumIDs[start..<min(albumIDs.count, start + 8)])
            for album in try await Self.concurrently(batch, { (id) throws(APIClientError) in try await albumSongs(id) }) { songs += album }
        }
        return songs
    }

    private func albumSongs(_ id: String) async throws(APIClientError) -> [Song] {
        songs(from: try await call("getAlbum", [("id", id)]).child("album")?.all("song") ?? [])
    }

    /// Title order as TermPlayer's service lists songs (folded as its search keys are), each id once. A
    /// list in that order already (TermPlayer's own `/rest`) is only checked, not sorted again.
    static func inTitleOrder(_ songs: [Song]) -> [Song] {
        var seen = Set<String>()
        let unique = songs.filter { seen.insert($0.id).inserted }
        let keys = unique.map { SearchKey.fold($0.title) }
        func before(_ one: Int, _ other: Int) -> Bool { (keys[one], unique[one].id) < (keys[other], unique[other].id) }
        if unique.indices.dropFirst().allSatisfy({ !before($0, $0 - 1) }) { return unique }
        return unique.indices.sorted(by: before).map { unique[$0] }
    }

    public func songs(_ query: SongQuery) async throws(APIClientError) -> [Song] {
        var found: [Song]
        if let words = query.search, !words.isEmpty {
            found = []
            while true {
                let page = try await searchPage(words, count: Self.pageSize, offset: found.count)
                found += page
                if page.count < Self.pageSize { break }
            }
        } else if let genre = query.genre {
            found = try await genreSongs(genre)
        } else {
            found = try await allSongs()
            if found.isEmpty { found = try await songsAlbumByAlbum() }
        }
        if let artist = query.artist { found = found.filter { $0.artist.caseInsensitiveCompare(artist) == .orderedSame } }
        if let album = query.album { found = found.filter { $0.album.caseInsensitiveCompare(album) == .orderedSame } }
        let ordered = Self.inTitleOrder(found)
        let start = min(ordered.count, max(0, query.offset ?? 0))
        let end = query.limit.map { min(ordered.count, start + max(0, $0)) } ?? ordered.count
        return Array(ordered[start..<end])
    }

    /// A genre's songs; the name is matched to the server's own spelling first, since some servers
    /// (supysonic) match it case-sensitively.
    private func genreSongs(_ asked: String) async throws(APIClientError) -> [Song] {
        let known = try await genres().map(\.genre)
        let genre = known.first { $0 == asked } ?? known.first { $0.caseInsensitiveCompare(asked) == .orderedSame } ?? asked
        var songs: [Song] = []
        while true {
            let answer = try await call("getSongsByGenre", [("genre", genre), ("count", "\(Self.pageSize)"), ("offset", "\(songs.count)")])
            let page = self.songs(from: answer.child("songsByGenre")?.all("song") ?? [])
            songs += page
            if page.count < Self.pageSize { return songs }
        }
    }

    public func song(_ id: String) async throws(APIClientError) -> Song {
        let answer = try await call("getSong", [("id", id)])
        guard let song = songs(from: [try element("song", of: answer, from: "getSong")]).first else {
            throw .notSubsonic(url: address.base + "/rest/getSong", reason: "the song has no id")
        }
        return song
    }

    /// Genres by name; Subsonic has no genre ids, so they are numbered in the server's order.
    public func genres() async throws(APIClientError) -> [Genre] {
        let answer = try await call("getGenres")
        let names = answer.child("genres")?.all("genre").compactMap { genre in genre["value"].map { ($0, genre.int("songCount")) } } ?? []
        return names.enumerated().map { Genre(genreid: $0.offset + 1, genre: $0.element.0, songs: $0.element.1) }
    }

    /// Whether the server answers at all, asked with a ping without credentials: an error answer says it
    /// is up as well (a refusal is reported by the call refused), and no wrong password is counted against
    /// the listener every few seconds.
    public func isHealthy() async -> Bool {
        let url = "\(address.base)/rest/ping.view?v=\(Self.protocolVersion)&c=\(Self.clientName)&f=json"
        return (try? await send(TransferRequest(url: url, connectTimeout: .seconds(2)))) != nil
    }

    /// `getCoverArt`, at `size` (servers that scale do; the others send the original).
    public func cover(at url: String, fittingSquare size: Int) async throws(APIClientError) -> [UInt8] {
        let sized = url.hasPrefix(address.base + "/rest/getCoverArt") ? url + "&size=\(min(1024, max(16, size)))" : url
        let response = try await send(TransferRequest(url: playableURL(sized), connectTimeout: .seconds(3), stallTimeout: .seconds(10)))
        // An error comes back as a Subsonic answer instead of an image.
        let kind = response.header("Content-Type")?.lowercased() ?? ""
        if kind.contains("xml") || kind.contains("json") || !(200..<300).contains(response.status) {
            _ = try Self.answer(response, shownAs: address.base + "/rest/getCoverArt")
            throw .http(url: address.base + "/rest/getCoverArt", status: response.status, message: "no picture in the answer")
        }
        return response.body
    }

    // MARK: No change feed

    public func changesAnswer(since: Int, limit: Int, wait: Int) async throws(APIClientError) -> (page: ChangePage, catalog: String?) {
        throw unsupported("change feed")
    }

    public func latestChangePosition() async throws(APIClientError) -> Int {
        throw unsupported("change feed")
    }

    // MARK: The listener

    public func me() async throws(APIClientError) -> Listener {
        let answer = try await call("getUser", [("username", address.user)])
        let user = answer.child("user")
        return Listener(id: address.user, name: user?["username"] ?? address.user, admin: user?.bool("adminRole") ?? false, local: false)
    }

    public func setLiked(_ liked: Bool, song id: String) async throws(APIClientError) -> SongMark {
        do {
            _ = try await call(liked ? "star" : "unstar", [("id", id)])
        } catch .subsonic(_, 0, let message) where message.lowercased().contains(liked ? "already starred" : "not starred") {
            // supysonic refuses to star twice: the song is as asked, which is all a toggle wants.
        }
        return SongMark(id: id, liked: liked)
    }

    public func rate(song id: String, stars: Int) async throws(APIClientError) -> SongMark {
        _ = try await call("setRating", [("id", id), ("rating", "\(min(5, max(0, stars)))")])
        return SongMark(id: id, rating: stars)
    }

    /// Each counted play (half the song or 4 minutes, whichever is less; 30 s when the length is unknown)
    /// as a `scrobble` submission at its start time. Shorter plays are not what a scrobble counts.
    public func reportPlays(_ plays: [PlayReport]) async throws(APIClientError) -> PlaysReceipt {
        var added = 0
        for play in plays {
            let needed = knownDuration(of: play.song).map { min(240, $0 / 2) } ?? 30
            guard play.playedSeconds >= needed else { continue }
            let started = ISOTime.parse(play.startedAt).map { Int(($0.timeIntervalSince1970 * 1000).rounded()) }
            _ = try await call("scrobble", [("id", play.song), ("submission", "true")] + (started.map { [("time", "\($0)")] } ?? []))
            added += 1
        }
        return PlaysReceipt(added: added, duplicates: 0)
    }

    public func history(limit: Int?, before: String?) async throws(APIClientError) -> [HistoryEntry] {
        throw unsupported("play history")
    }

    // MARK: Playlists

    public func playlists() async throws(APIClientError) -> [PlaylistSummary] {
        let answer = try await call("getPlaylists")
        return answer.child("playlists")?.all("playlist").compactMap(playlistSummary) ?? []
    }

    public func playlist(_ id: String) async throws(APIClientError) -> PlaylistDetail {
        let answer = try await call("getPlaylist", [("id", id)])
        let node = try element("playlist", of: answer, from: "getPlaylist")
        guard let summary = playlistSummary(from: node) else { throw .notSubsonic(url: address.base + "/rest/getPlaylist", reason: "the playlist has no id") }
        let entries = node.all("entry").enumerated().compactMap { position, entry in
            entry["id"].map { PlaylistEntry(position: position, songId: $0, song: song(from: entry)) }
        }
        _ = songs(from: node.all("entry"))
        return PlaylistDetail(playlist: summary, entries: entries)
    }

    public func createPlaylist(_ changes: PlaylistChanges) async throws(APIClientError) -> PlaylistSummary {
        let name = changes.name ?? "New playlist"
        let answer = try await call("createPlaylist", [("name", name)] + (changes.songs ?? []).map { ("songId", $0) })
        // 1.14 answers the playlist; older servers answer nothing, so it is found by name, newest first.
        var created = answer.child("playlist").flatMap(playlistSummary)
        if created == nil { created = try await playlists().filter { $0.name == name }.max { $0.createdAt < $1.createdAt } }
        guard var created else { throw .notSubsonic(url: address.base + "/rest/createPlaylist", reason: "the new playlist is not listed") }
        if changes.description != nil || changes.public != nil {
            created = try await updatePlaylist(created.id, PlaylistChanges(description: changes.description, public: changes.public))
        }
        return created
    }

    public func updatePlaylist(_ id: String, _ changes: PlaylistChanges) async throws(APIClientError) -> PlaylistSummary {
        var parameters: [(name: String, value: String)] = [("playlistId", id)]
        if let name = changes.name { parameters.append(("name", name)) }
        if let description = changes.description { parameters.append(("comment", description)) }
        if let isPublic = changes.public { parameters.append(("public", isPublic ? "true" : "false")) }
        _ = try await call("updatePlaylist", parameters)
        if let songs = changes.songs { try await replaceSongs(of: id, with: songs) }
        return try await playlist(id).playlist
    }

    public func deletePlaylist(_ id: String) async throws(APIClientError) {
        _ = try await call("deletePlaylist", [("id", id)])
    }

    public func addToPlaylist(_ id: String, _ addition: PlaylistAddition) async throws(APIClientError) -> PlaylistSummary {
        if let position = addition.position {
            // Subsonic only appends: an insertion rewrites the list.
            var songs = try await playlist(id).entries.map(\.songId)
            songs.insert(contentsOf: addition.songs, at: min(songs.count, max(0, position)))
            try await replaceSongs(of: id, with: songs)
        } else {
            _ = try await call("updatePlaylist", [("playlistId", id)] + addition.songs.map { ("songIdToAdd", $0) })
        }
        return try await playlist(id).playlist
    }

    public func removeFromPlaylist(_ id: String, _ removal: PlaylistRemoval) async throws(APIClientError) -> PlaylistSummary {
        _ = try await call("updatePlaylist", [("playlistId", id)] + removal.positions.map { ("songIndexToRemove", "\($0)") })
        return try await playlist(id).playlist
    }

    public func moveInPlaylist(_ id: String, _ move: PlaylistMove) async throws(APIClientError) -> PlaylistSummary {
        var songs = try await playlist(id).entries.map(\.songId)
        guard songs.indices.contains(move.from) else { throw .http(url: address.base + "/rest/updatePlaylist", status: 400, message: "no entry \(move.from)") }
        let song = songs.remove(at: move.from)
        songs.insert(song, at: min(songs.count, max(0, move.to)))
        try await replaceSongs(of: id, with: songs)
        return try await playlist(id).playlist
    }

    /// `createPlaylist` with `playlistId` replaces a playlist's songs, keeping its name and id.
    private func replaceSongs(of id: String, with songs: [String]) async throws(APIClientError) {
        _ = try await call("createPlaylist", [("playlistId", id)] + songs.map { ("songId", $0) })
    }

    // MARK: Suggestions

    public func forYou(limit: Int?) async throws(APIClientError) -> [Suggestion] { throw unsupported("suggestions") }
    public func discover(limit: Int?) async throws(APIClientError) -> [Suggestion] { throw unsupported("suggestions") }

    /// Radio from the server's similar songs: `getSimilarSongs2` by the seed's artist where the listing
    /// named it, else `getSimilarSongs` by the song. A server without either says so.
    public func radio(_ request: RadioRequest) async throws(APIClientError) -> [Suggestion] {
        guard let seed = request.seeds.first?.song else { throw unsupported("radio from anything but a song") }
        let count = min(100, max(1, request.limit ?? 20))
        let played = Set(request.played ?? [])
        let answer: SubsonicNode
        let list: String
        do {
            if let artist = knownArtist(of: seed) {
                answer = try await call("getSimilarSongs2", [("id", artist), ("count", "\(count + played.count)")])
                list = "similarSongs2"
            } else {
                answer = try await call("getSimilarSongs", [("id", seed), ("count", "\(count + played.count)")])
                list = "similarSongs"
            }
        } catch .subsonic(_, let code, _) where code == 0 || code == 30 || code == 70 {
            throw unsupported("similar songs (getSimilarSongs2)")
        } catch .notSubsonic {
            throw unsupported("similar songs (getSimilarSongs2)")
        }
        let similar = songs(from: answer.child(list)?.all("song") ?? []).filter { $0.id != seed && !played.contains($0.id) }
        return similar.prefix(count).map { Suggestion(song: $0, reason: "similar, says the server", reasonKind: "similar", reasonSongId: seed) }
    }

    /// Runs `body` for each of `inputs` at once, answers in their order.
    static func concurrently<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], _ body: @escaping @Sendable (Input) async throws(APIClientError) -> Output
    ) async throws(APIClientError) -> [Output] {
        do {
            return try await withThrowingTaskGroup(of: (Int, Output).self) { group in
                for (index, input) in inputs.enumerated() { group.addTask { (index, try await body(input)) } }
                var outputs = [Output?](repeating: nil, count: inputs.count)
                for try await (index, output) in group { outputs[index] = output }
                return outputs.compactMap { $0 }
            }
        } catch let error as APIClientError {
            throw error
        } catch {
            throw .transfer(.cancelled(url: "a Subsonic listing"))
        }
    }
}
