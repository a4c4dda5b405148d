import Catalog
import Foundation
import LibraryModel
import WireFormats

/// Album lists of every type, random songs, songs of a genre, what is starred and what is playing.
extension SubsonicService {
    /// What one listener has done with each album's songs, summed.
    struct AlbumMarks {
        var liked = 0
        var latestLike: Date?
        var plays = 0
        var lastPlayed: Date?
        var ratingSum = 0
        var rated = 0
    }

    /// `type` is required; `size` (10, at most 500) and `offset` page; byYear takes `fromYear` and `toYear` (reversed: newest
    /// first), byGenre takes `genre`.
    func getAlbumList(_ call: SubsonicCall, id3: Bool) async throws -> SubsonicReply {
        let parameters = call.parameters
        let type = try parameters.required("type")
        let size = try parameters.integer("size", default: 10, in: 0...500) ?? 10
        let offset = try parameters.integer("offset", default: 0, in: 0...Int.max) ?? 0
        let snapshot = try await albums.current()
        var chosen = snapshot.albums
        var starred: [String: Date] = [:]
        switch type {
        case "random":
            // `size` drawn among indexes: shuffling every album (8,000 structs) cost most of the request.
            var order = Array(chosen.indices)
            let count = min(size, order.count)
            for index in 0..<count { order.swapAt(index, Int.random(in: index..<order.count)) }
            chosen = order.prefix(count).map { chosen[$0] }
        case "newest":
            chosen.sort { ($0.summary.createdAt, $1.id) > ($1.summary.createdAt, $0.id) }
        case "alphabeticalByName":
            chosen.sort { ($0.summary.albumKey, $0.artistSortKey, $0.id) < ($1.summary.albumKey, $1.artistSortKey, $1.id) }
        case "alphabeticalByArtist":
            chosen.sort { ($0.artistSortKey, $0.summary.albumKey, $0.id) < ($1.artistSortKey, $1.summary.albumKey, $1.id) }
        case "byYear":
            let from = try parameters.integer("fromYear") ?? 0
            let to = try parameters.integer("toYear") ?? 9999
            guard parameters["fromYear"] != nil || parameters["toYear"] != nil else { throw SubsonicError.missing("fromYear and toYear") }
            let range = min(from, to)...max(from, to)
            chosen = chosen.filter { album in album.summary.year.map { range.contains($0) } ?? false }
            chosen.sort { ($0.summary.year ?? 0, $0.summary.albumKey, $0.id) < ($1.summary.year ?? 0, $1.summary.albumKey, $1.id) }
            if from > to { chosen.reverse() }
        case "byGenre":
            let genre = SearchKey.fold(try parameters.required("genre"))
            chosen = chosen.filter { SearchKey.fold($0.summary.genre) == genre }
            chosen.sort { ($0.summary.albumKey, $0.id) < ($1.summary.albumKey, $1.id) }
        case "highest", "frequent", "recent", "starred":
            let listener = try call.requireListener()
            let marks = try await albumMarks(of: listener, in: snapshot)
            switch type {
            case "highest":
                chosen = chosen.filter { (marks[$0.id]?.rated ?? 0) > 0 }
                func average(_ album: AlbumIndex.Album) -> Double {
                    guard let mark = marks[album.id], mark.rated > 0 else { return 0 }
                    return Double(mark.ratingSum) / Double(mark.rated)
                }
                chosen.sort { (average($0), $1.id) > (average($1), $0.id) }
            case "frequent":
                chosen = chosen.filter { (marks[$0.id]?.plays ?? 0) > 0 }
                chosen.sort { (marks[$0.id]?.plays ?? 0, $1.id) > (marks[$1.id]?.plays ?? 0, $0.id) }
            case "recent":
                chosen = chosen.filter { marks[$0.id]?.lastPlayed != nil }
                let never = Date(timeIntervalSince1970: 0)
                chosen.sort { (marks[$0.id]?.lastPlayed ?? never, $1.id) > (marks[$1.id]?.lastPlayed ?? never, $0.id) }
            default:
                starred = Self.starredAlbums(snapshot.albums, marks: marks)
                chosen = chosen.filter { starred[$0.id] != nil }
                chosen.sort { ($0.summary.albumKey, $0.id) < ($1.summary.albumKey, $1.id) }
            }
        default:
            throw SubsonicError(.generic, "Unknown album list type \(type.prefix(40))")
        }
        let page = type == "random" ? Array(chosen.prefix(size)) : Array(chosen.dropFirst(offset).prefix(size))
        var list = SubsonicElement(id3 ? "albumList2" : "albumList")
        list.add(
            list: "album",
            page.map { id3 ? SubsonicShapes.album($0, starred: starred[$0.id]) : SubsonicShapes.albumDirectory($0, starred: starred[$0.id]) })
        return .element(list)
    }

    /// `size` (10, at most 500) random songs, of a `genre` and between `fromYear` and `toYear` when given.
    func getRandomSongs(_ call: SubsonicCall) async throws -> SubsonicReply {
        let parameters = call.parameters
        let size = try parameters.integer("size", default: 10, in: 0...500) ?? 10
        var filter = SongFilter()
        if let name = parameters["genre"], !name.isEmpty {
            guard let genre = try await genre(named: name) else { return .element(SubsonicElement.emptyList("randomSongs", of: "song")) }
            filter.genreID = genre
        }
        var years: ClosedRange<Int>?
        if parameters["fromYear"] != nil || parameters["toYear"] != nil {
            let from = try parameters.integer("fromYear") ?? 0
            let to = try parameters.integer("toYear") ?? 9999
            years = min(from, to)...max(from, to)
        }
        var list = SubsonicElement("randomSongs")
        list.add(list: "song", try await songs(SongSelection(filter: filter, years: years, order: .random, limit: size), for: call.listener))
        return .element(list)
    }

    /// `genre` by name (any case); `count` (10, at most 500) and `offset` page.
    func getSongsByGenre(_ call: SubsonicCall) async throws -> SubsonicReply {
        let parameters = call.parameters
        let name = try parameters.required("genre")
        let count = try parameters.integer("count", default: 10, in: 0...500) ?? 10
        let offset = try parameters.integer("offset", default: 0, in: 0...Int.max) ?? 0
        var list = SubsonicElement("songsByGenre")
        guard let genre = try await genre(named: name) else {
            list.add(list: "song", [])
            return .element(list)
        }
        list.add(list: "song", try await songs(SongSelection(filter: SongFilter(genreID: genre), offset: offset, limit: count), for: call.listener))
        return .element(list)
    }

    /// Starred songs, and the albums and artists all of whose songs are starred (starring an album stars its songs).
    func getStarred(_ call: SubsonicCall, id3: Bool) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let snapshot = try await albums.current()
        let allMarks = try await catalogCall { () async throws(CatalogError) in try await catalog.marks(userID: listener.id, songIDs: nil) }
        let likedIDs = allMarks.filter { $0.value.likedAt != nil }.sorted { ($0.value.likedAt ?? .distantPast, $0.key) > ($1.value.likedAt ?? .distantPast, $1.key) }
            .map(\.key)
        let marks = try await albumMarks(of: listener, in: snapshot, marks: allMarks)
        let starredAlbums = Self.starredAlbums(snapshot.albums, marks: marks)
        var element = SubsonicElement(id3 ? "starred2" : "starred")
        element.add(
            list: "artist",
            snapshot.artists.compactMap { artist in
                let albums = artist.albumIDs
                guard !albums.isEmpty, albums.allSatisfy({ starredAlbums[$0] != nil }) else { return nil }
                return SubsonicShapes.artist(artist, starred: albums.compactMap { starredAlbums[$0] }.max(), id3: id3)
            })
        element.add(
            list: "album",
            snapshot.albums.compactMap { album in
                guard let date = starredAlbums[album.id] else { return nil }
                return id3 ? SubsonicShapes.album(album, starred: date) : SubsonicShapes.albumDirectory(album, starred: date)
            })
        element.add(list: "song", try await elements(try await tracks(ids: likedIDs), for: listener))
        return .element(element)
    }

    func getNowPlaying(_ call: SubsonicCall) async throws -> SubsonicReply {
        let entries = nowPlaying.current()
        let tracks = try await tracks(ids: entries.map(\.songID))
        let byID = Dictionary(tracks.map { ($0.song.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        var list = SubsonicElement("nowPlaying")
        list.add(
            list: "entry",
            entries.compactMap { entry in
                guard let track = byID[entry.songID] else { return nil }
                var element = SubsonicShapes.song(track, marks: nil, name: "entry")
                element.set("username", entry.userName)
                element.set("minutesAgo", max(0, Int(Date().timeIntervalSince(entry.since) / 60)))
                element.set("playerId", entry.playerID)
                element.set("playerName", entry.playerName)
                return element
            })
        return .element(list)
    }

    /// Songs like `id` (a song, or an album's or artist's first song) from the recommender, `count` of them (50).
    func getSimilarSongs(_ call: SubsonicCall, name: String) async throws -> SubsonicReply {
        let listener = try call.requireListener()
        let id = try call.parameters.required("id")
        let count = try call.parameters.integer("count", default: 50, in: 1...500) ?? 50
        var seed = id
        let snapshot = try await albums.current()
        let album = snapshot.album(id) ?? snapshot.artist(id).flatMap { $0.albumIDs.first }.flatMap(snapshot.album)
        if let album { seed = try await albumSongs(album, for: nil).tracks.first?.song.id.rawValue ?? id }
        var list = SubsonicElement(name)
        let ids = await backend.similarSongs(to: seed, for: listener, count: count)
        list.add(list: "song", try await elements(try await tracks(ids: ids), for: listener))
        return .element(list)
    }

    /// An artist's songs (`artist` by name), those listeners who share their listening liked and rated best first.
    func getTopSongs(_ call: SubsonicCall) async throws -> SubsonicReply {
        let artist = try call.parameters.required("artist")
        let count = try call.parameters.integer("count", default: 50, in: 1...500) ?? 50
        let tracks = try await catalogCall { () async throws(CatalogError) in
            try await catalog.songRecords(SongSelection(filter: SongFilter(artist: artist), limit: 5000))
        }
        let appeal = try await catalogCall { () async throws(CatalogError) in try await catalog.sharedAppeal() }
        let score = Dictionary(appeal.map { ($0.songID, $0.likes + $0.goodRatings - $0.poorRatings) }, uniquingKeysWith: +)
        let ranked = tracks.enumerated().sorted { (score[$0.element.song.id.rawValue] ?? 0, -$0.offset) > (score[$1.element.song.id.rawValue] ?? 0, -$1.offset) }
            .map(\.element)
        var list = SubsonicElement("topSongs")
        list.add(list: "song", try await elements(Array(ranked.prefix(count)), for: call.listener))
        return .element(list)
    }

    // MARK: Helpers

    func genre(named name: String) async throws(SubsonicError) -> Int? {
        try await catalogCall { () async throws(CatalogError) in try await catalog.genre(for: .name(name), create: false) }?.genreid
    }

    /// Albums all of whose songs the listener starred, with when the last of them was.
    static func starredAlbums(_ albums: [AlbumIndex.Album], marks: [String: AlbumMarks]) -> [String: Date] {
        var starred: [String: Date] = [:]
        for album in albums {
            guard let mark = marks[album.id], mark.liked >= album.summary.songCount, let date = mark.latestLike else { continue }
            starred[album.id] = date
        }
        return starred
    }

    /// The listener's marks summed per album, from every song they marked or played.
    func albumMarks(of listener: UserRecord, in snapshot: AlbumIndex.Snapshot, marks given: [String: SongMarks]? = nil) async throws(SubsonicError) -> [String: AlbumMarks] {
        let marks: [String: SongMarks]
        if let given {
            marks = given
        } else {
            marks = try await catalogCall { () async throws(CatalogError) in try await catalog.marks(userID: listener.id, songIDs: nil) }
        }
        guard !marks.isEmpty else { return [:] }
        let listings = try await catalogCall { () async throws(CatalogError) in try await catalog.songListings(ids: Array(marks.keys)) }
        var albums: [String: AlbumMarks] = [:]
        for listing in listings {
            guard let mark = marks[listing.id] else { continue }
            let id = SubsonicIDs.album(artistKey: SearchKey.fold(listing.artist), albumKey: SearchKey.fold(listing.album))
            var album = albums[id] ?? AlbumMarks()
            if let liked = mark.likedAt {
                album.liked += 1
                album.latestLike = max(album.latestLike ?? liked, liked)
            }
            album.plays += mark.plays
            if let played = mark.lastPlayed { album.lastPlayed = max(album.lastPlayed ?? played, played) }
            if mark.rating > 0 {
                album.ratingSum += mark.rating
                album.rated += 1
            }
            albums[id] = album
        }
        return albums
    }
}
