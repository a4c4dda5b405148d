import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import LibraryModel
import NIOCore
import WireFormats

/// The listeners' API: signing in, accounts and keys, likes and ratings, plays and history, playlists.
/// Every route acts as the caller's own listener; nothing here reads another listener's marks or plays.
struct ListenerRoutes: Sendable {
    let library: LibraryService
    let accounts: Accounts
    let links: MediaLinks
    let fallbackHost: String
    /// The library as a matcher for imports, shared by their batches.
    let matchers = SongMatchers()

    var catalog: any CatalogStore { library.catalog }

    /// Bodies of most listener requests are small; playlists and imports get more room.
    static let smallBody = 64 << 10
    /// Smart lists show this many songs (liked songs show all).
    static let smartListLength = 200
    static let maximumPlaysPerReport = 1000
    static let maximumListensPerImport = 5000

    func add(to router: Router<LibraryRequestContext>) {
        router.post(RouterPath(APIPath.login), use: login)
        router.post(RouterPath(APIPath.logout), use: logout)
        router.get(RouterPath(APIPath.me), use: me)
        router.get(RouterPath(APIPath.apiKeys), use: listKeys)
        router.post(RouterPath(APIPath.apiKeys), use: createKey)
        router.delete("/me/keys/:id", use: revokeKey)
        router.get(RouterPath(APIPath.users), use: listUsers)
        router.post(RouterPath(APIPath.users), use: addUser)
        router.put("/users/:name/password", use: setPassword)
        router.delete("/users/:name", use: removeUser)

        router.put("/songs/:id/like", use: like)
        router.delete("/songs/:id/like", use: unlike)
        router.put("/songs/:id/rating", use: rate)
        router.get(RouterPath(APIPath.likes), use: likes)
        router.post(RouterPath(APIPath.plays), use: reportPlays)
        addRecommendations(to: router)
        router.get(RouterPath(APIPath.history), use: history)
        router.post(RouterPath(APIPath.historyImport), use: importHistory)
        router.get(RouterPath(APIPath.historyExport), use: exportHistory)

        router.get(RouterPath(APIPath.playlists), use: listPlaylists)
        router.post(RouterPath(APIPath.playlists), use: createPlaylist)
        router.post(RouterPath(APIPath.playlistImport), use: importPlaylist)
        router.get("/playlists/:id", use: showPlaylist)
        router.patch("/playlists/:id", use: updatePlaylist)
        router.delete("/playlists/:id", use: deletePlaylist)
        router.post("/playlists/:id/songs", use: addToPlaylist)
        router.post("/playlists/:id/remove", use: removeFromPlaylist)
        router.post("/playlists/:id/move", use: moveInPlaylist)
        router.post("/playlists/:id/copy", use: copyPlaylist)
        router.get("/playlists/:id/export", use: exportPlaylist)
    }

    // MARK: Signing in

    /// `{"name","password"}` in the body, or HTTP Basic; answers a token for every later request.
    @Sendable func login(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user: UserRecord
        if case .listener(let basic) = context.caller, request.headers[.authorization]?.lowercased().hasPrefix("basic") == true {
            user = basic
        } else {
            guard request.headers[.contentLength] != "0", request.headers[.contentLength] != nil || request.headers[.transferEncoding] != nil else {
                throw APIError(.unauthorized, "log in with {\"name\",\"password\"} in the body, or HTTP Basic", headers: [.wwwAuthenticate: "Basic"])
            }
            let credentials = try await decode(Credentials.self, from: request, limit: Self.smallBody)
            guard let name = credentials.name, !name.isEmpty else { throw APIError.badRequest("a login needs a name") }
            user = try await accounts.login(name: name, password: credentials.password, from: context.address)
        }
        return try JSONResponse.encoding(try await accounts.startSession(for: user))
    }

    @Sendable func logout(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        guard request.headers[.authorization] != nil else {
            throw APIError(.unauthorized, "logging out needs the login's token in Authorization: Bearer", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let credential = context.credentialID, case .listener(let user) = context.caller else {
            throw APIError(.forbidden, "only a login token can be logged out; API keys are revoked with DELETE /me/keys/{id}")
        }
        _ = try await catalogCall { try await catalog.removeCredential(id: credential, userID: user.id) }
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        // The local listener's record is cached; its settings may have changed since, here or elsewhere.
        let current = try await catalogCall { try await catalog.user(id: user.id) } ?? user
        return try JSONResponse.encoding(Accounts.listener(current))
    }

    // MARK: API keys

    @Sendable func listKeys(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let keys = try await catalogCall { try await catalog.credentials(userID: user.id, kind: .apiKey) }
        return try JSONResponse.encoding(keys.map { APIKeyInfo(id: $0.id, name: $0.name, createdAt: ISOTime.format($0.createdAt)) })
    }

    @Sendable func createKey(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        struct Body: Decodable { var name: String }
        let name = try ListenerText.name(try await decode(Body.self, from: request, limit: Self.smallBody).name, of: "a key's name")
        return try JSONResponse.encoding(try await accounts.createAPIKey(for: user, name: name), status: .created)
    }

    @Sendable func revokeKey(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = context.parameters.get("id") ?? ""
        guard try await catalogCall({ try await catalog.removeCredential(id: id, userID: user.id) }) else {
            throw APIError.notFound("you have no API key \(id)")
        }
        return Response(status: .noContent)
    }

    // MARK: Accounts

    @Sendable func listUsers(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        try accounts.requireAdmin(context)
        let users = try await catalogCall { try await catalog.users() }
        return try JSONResponse.encoding(users.map(Self.summary))
    }

    @Sendable func addUser(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        try accounts.requireAdmin(context)
        let user = try await accounts.createUser(try await decode(NewUser.self, from: request, limit: Self.smallBody))
        return try JSONResponse.encoding(Self.summary(user), status: .created)
    }

    /// Listeners change their own password; admins anyone's.
    @Sendable func setPassword(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let target = try await accounts.user(named: context.parameters.get("name") ?? "")
        if case .listener(let caller) = context.caller, caller.id == target.id {
            // their own
        } else {
            try accounts.requireAdmin(context)
        }
        let credentials = try await decode(Credentials.self, from: request, limit: Self.smallBody)
        try await accounts.setPassword(of: target, to: credentials.password)
        return Response(status: .noContent)
    }

    @Sendable func removeUser(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        try accounts.requireAdmin(context)
        try await accounts.removeUser(try await accounts.user(named: context.parameters.get("name") ?? ""))
        return Response(status: .noContent)
    }

    static func summary(_ user: UserRecord) -> UserSummary {
        UserSummary(name: user.name, admin: user.isAdmin, local: user.isLocal, createdAt: ISOTime.format(user.createdAt))
    }

    // MARK: Likes and ratings

    @Sendable func like(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = try await existingSong(context)
        let likedAt = try await catalogCall { try await catalog.setLiked(true, songID: id, userID: user.id, at: Date()) }
        return try JSONResponse.encoding(SongMark(id: id, liked: true, likedAt: likedAt.map(ISOTime.format)))
    }

    /// Unliking needs no song: marks of a deleted song can still be cleared.
    @Sendable func unlike(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = try songID(context)
        _ = try await catalogCall { try await catalog.setLiked(false, songID: id, userID: user.id, at: Date()) }
        return try JSONResponse.encoding(SongMark(id: id, liked: false))
    }

    @Sendable func rate(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = try await existingSong(context)
        guard let rating = try await decode(SongMark.self, from: request, limit: Self.smallBody).rating else {
            throw APIError.badRequest(#"a rating needs {"rating": 0…5} (0 clears it)"#)
        }
        guard (0...5).contains(rating) else { throw APIError.badRequest("a rating is 0 to 5 stars (0 clears it), not \(rating)") }
        try await catalogCall { try await catalog.setRating(rating, songID: id, userID: user.id, at: Date()) }
        return try JSONResponse.encoding(SongMark(id: id, rating: rating))
    }

    @Sendable func likes(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let liked = try await catalogCall { try await catalog.smartList(.liked, userID: user.id, limit: ListenerLimits.playlistSize) }
        let marks = try await marks(of: user, for: liked.map(\.songID))
        let base = baseURL(of: request)
        // Deleted songs stay liked (and come back with their bundle) but are not listed meanwhile.
        let songs = liked.compactMap { entry -> Song? in
            guard let listing = entry.song else { return nil }
            var song = SongJSON.song(listing, base: base, links: links, marks: marks[entry.songID] ?? .empty)
            song.likedAt = entry.at.map(ISOTime.format)
            return song
        }
        return try JSONResponse.encoding(songs)
    }

    // MARK: Plays

    /// One `PlayReport` or an array of them. Either every report is good and they are stored (each at
    /// most once), or none is and the answer says which was wrong.
    @Sendable func reportPlays(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let body = try await request.body.collect(upTo: 1 << 20)
        let bytes = Data(body.readableBytesView)
        let reports: [PlayReport]
        if let many = try? JSONDecoder().decode([PlayReport].self, from: bytes) {
            reports = many
        } else {
            reports = [try JSONBody.decode(PlayReport.self, from: bytes)]
        }
        guard reports.count <= Self.maximumPlaysPerReport else {
            throw APIError(.contentTooLarge, "at most \(Self.maximumPlaysPerReport) plays per request, not \(reports.count)")
        }
        var plays: [PlayRecord] = []
        var durations: [String: Double] = [:]
        for report in reports {
            guard let started = ISOTime.parse(report.startedAt), Self.isPlausible(started) else {
                throw APIError.badRequest("startedAt \(report.startedAt.prefix(40).debugDescription) is not an ISO 8601 time of a plausible play")
            }
            guard report.playedSeconds.isFinite, report.playedSeconds >= 0 else {
                throw APIError.badRequest("playedSeconds must be a number of seconds ≥ 0")
            }
            if durations[report.song] == nil {
                guard let bundle = try? BundleID(validating: report.song), let song = try await catalogCall({ try await catalog.song(bundle) }) else {
                    throw APIError.badRequest("no song with id \(report.song.prefix(140))")
                }
                durations[report.song] = song.duration
            }
            let duration = durations[report.song] ?? 0
            // A client's clock cannot make a play longer than its song.
            let played = min(report.playedSeconds, duration)
            let judged = PlayRecord.judge(played: played, duration: duration)
            plays.append(
                PlayRecord(
                    userID: user.id, songID: report.song, startedAt: started, playedSeconds: played, counted: judged.counted,
                    skipped: judged.skipped, client: String((report.client ?? "").prefix(100))))
        }
        let added = try await catalogCall { try await catalog.recordPlays(plays) }
        return try JSONResponse.encoding(PlaysReceipt(added: added, duplicates: plays.count - added))
    }

    /// After 2000 and not more than a day ahead (clocks differ a little; listens from the future do not exist).
    static func isPlausible(_ date: Date) -> Bool {
        date > Date(timeIntervalSince1970: 946_684_800) && date < Date() + 86_400
    }

    @Sendable func history(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let query = FormQuery.parse(request.uri.query)
        let limit = try FormQuery.number("limit", in: query, range: 1...1000) ?? 50
        var before: Date?
        if let raw = query["before"] {
            guard let date = ISOTime.parse(raw) else { throw APIError.badRequest("before must be an ISO 8601 time") }
            before = date
        }
        let plays = try await catalogCall { try await catalog.history(userID: user.id, before: before, limit: limit) }
        let marks = try await marks(of: user, for: plays.map(\.play.songID))
        let base = baseURL(of: request)
        return try JSONResponse.encoding(
            plays.map { entry in
                HistoryEntry(
                    songId: entry.play.songID, startedAt: ISOTime.format(entry.play.startedAt), playedSeconds: entry.play.playedSeconds,
                    counted: entry.play.counted, skipped: entry.play.skipped,
                    song: entry.song.map { SongJSON.song($0, base: base, links: links, marks: marks[$0.id] ?? .empty) })
            })
    }

    // MARK: Playlists

    @Sendable func listPlaylists(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        var summaries: [PlaylistSummary] = []
        for smart in SmartPlaylist.allCases {
            let entries = try await smartList(smart, for: user)
            summaries.append(Self.summary(smart, entries: entries, owner: user))
        }
        let playlists = try await catalogCall { try await catalog.playlists(visibleTo: user.id) }
        return try JSONResponse.encoding(summaries + playlists.map(Self.summary))
    }

    @Sendable func showPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = context.parameters.get("id") ?? ""
        let summary: PlaylistSummary
        var entries: [ListedSong]
        if let smart = SmartPlaylist(rawValue: id) {
            entries = try await smartList(smart, for: user)
            summary = Self.summary(smart, entries: entries, owner: user)
            let marks = try await marks(of: user, for: entries.map(\.songID))
            for index in entries.indices { entries[index].marks = marks[entries[index].songID] ?? .empty }
        } else {
            // The caller's marks come with the entries, read in the same query.
            guard let (playlist, listed) = try await catalogCall({ try await catalog.playlistWithEntries(id: id, marksOf: user.id) }),
                playlist.ownerID == user.id || playlist.isPublic
            else { throw APIError.notFound("no playlist \(id.prefix(140))") }
            (summary, entries) = (Self.summary(playlist), listed)
        }
        let body = try PlaylistJSON.body(summary, entries: entries, songs: SongJSON(base: baseURL(of: request), links: links))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// The listener's marks of these songs: for a long list, every mark of theirs in one read (a listener
    /// has marked fewer songs than a long list holds); for a short one, only those songs'.
    func marks(of user: UserRecord, for songIDs: [String]) async throws(APIError) -> [String: SongMarks] {
        let unique = Array(Set(songIDs))
        return try await catalogCall { try await catalog.marks(userID: user.id, songIDs: unique.count > 1000 ? nil : unique) }
    }

    @Sendable func createPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let changes = try await decode(PlaylistChanges.self, from: request, limit: 4 << 20)
        guard let rawName = changes.name else { throw APIError.badRequest("a new playlist needs a name") }
        let songs = try await checkedSongs(changes.songs ?? [])
        let playlist = try await newPlaylist(
            named: rawName, description: changes.description ?? "", isPublic: changes.public ?? false, songs: songs, owner: user)
        return try JSONResponse.encoding(Self.summary(playlist), status: .created)
    }

    @Sendable func updatePlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let playlist = try await ownPlaylist(context)
        let changes = try await decode(PlaylistChanges.self, from: request, limit: Self.smallBody)
        guard changes.songs == nil else { throw APIError.badRequest("songs are added with POST /playlists/{id}/songs, not PATCH") }
        let details = PlaylistDetails(
            name: try changes.name.map { raw throws(APIError) in try ListenerText.name(raw, of: "a playlist's name") },
            description: try changes.description.map { raw throws(APIError) in try ListenerText.description(raw) },
            isPublic: changes.public)
        let updated = try await catalogCall { try await catalog.updatePlaylist(id: playlist.id, details, expectedVersion: changes.version) }
        return try JSONResponse.encoding(Self.summary(updated))
    }

    @Sendable func deletePlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let playlist = try await ownPlaylist(context)
        try await catalogCall { try await catalog.deletePlaylist(id: playlist.id) }
        return Response(status: .noContent)
    }

    @Sendable func addToPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let playlist = try await ownPlaylist(context)
        let addition = try await decode(PlaylistAddition.self, from: request, limit: 4 << 20)
        guard !addition.songs.isEmpty else { throw APIError.badRequest("no songs to add") }
        let songs = try await checkedSongs(addition.songs)
        return try await edit(playlist, .insert(songs, at: addition.position), version: addition.version)
    }

    @Sendable func removeFromPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let playlist = try await ownPlaylist(context)
        let removal = try await decode(PlaylistRemoval.self, from: request, limit: 1 << 20)
        return try await edit(playlist, .remove(positions: removal.positions), version: removal.version)
    }

    @Sendable func moveInPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let playlist = try await ownPlaylist(context)
        let move = try await decode(PlaylistMove.self, from: request, limit: Self.smallBody)
        return try await edit(playlist, .move(from: move.from, to: move.to), version: move.version)
    }

    /// Copies a playlist the caller may see (their own, a public one, a smart list) into a new one of theirs.
    @Sendable func copyPlaylist(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = context.parameters.get("id") ?? ""
        struct Body: Decodable { var name: String? }
        let body = try await request.body.collect(upTo: Self.smallBody)
        let requested = body.readableBytes == 0 ? nil : try JSONBody.decode(Body.self, from: Data(body.readableBytesView)).name
        let name: String
        let description: String
        let songs: [String]
        if let smart = SmartPlaylist(rawValue: id) {
            (name, description) = (smart.title, "")
            songs = try await smartList(smart, for: user).filter { $0.song != nil }.map(\.songID)
        } else {
            let source = try await visiblePlaylist(id, to: user)
            // A copy of one's own is told apart by " (copy)", within the name's limit.
            let suffix = " (copy)"
            let kept = source.name.unicodeScalars.prefix(ListenerLimits.nameLength - suffix.unicodeScalars.count)
            let own = String(String.UnicodeScalarView(kept)) + suffix
            (name, description) = (source.ownerID == user.id ? own : source.name, source.description)
            songs = try await catalogCall { try await catalog.playlistEntries(id: source.id) }.map(\.songID)
        }
        let copy = try await newPlaylist(named: requested ?? name, description: description, isPublic: false, songs: songs, owner: user)
        return try JSONResponse.encoding(Self.summary(copy), status: .created)
    }

    private func edit(_ playlist: PlaylistRecord, _ edit: PlaylistEdit, version: Int?) async throws -> Response {
        let edited = try await catalogCall { try await catalog.editPlaylist(id: playlist.id, edit, expectedVersion: version) }
        return try JSONResponse.encoding(Self.summary(edited))
    }

    func newPlaylist(named rawName: String, description: String, isPublic: Bool, songs: [String], owner: UserRecord) async throws(APIError) -> PlaylistRecord {
        let name = try ListenerText.name(rawName, of: "a playlist's name")
        let description = try ListenerText.description(description)
        guard songs.count <= ListenerLimits.playlistSize else {
            throw APIError(.contentTooLarge, "a playlist holds at most \(ListenerLimits.playlistSize) songs, not \(songs.count)")
        }
        let record = PlaylistRecord(
            id: "pl-" + ListenerToken.randomText(bytes: 9), ownerID: owner.id, name: name, description: description, isPublic: isPublic)
        return try await catalogCall { try await catalog.createPlaylist(record, songIDs: songs) }
    }

    // MARK: Helpers

    func smartList(_ smart: SmartPlaylist, for user: UserRecord) async throws(APIError) -> [ListedSong] {
        let limit = smart == .liked ? ListenerLimits.playlistSize : Self.smartListLength
        return try await catalogCall { try await catalog.smartList(smart, userID: user.id, limit: limit) }
    }

    /// The caller's own playlist; someone else's they may see is 403, one they may not is 404.
    private func ownPlaylist(_ context: LibraryRequestContext) async throws(APIError) -> PlaylistRecord {
        let user = try await accounts.listener(context)
        let id = context.parameters.get("id") ?? ""
        if SmartPlaylist(rawValue: id) != nil { throw APIError(.forbidden, "\(id) is a smart list: it fills itself and cannot be edited") }
        let playlist = try await visiblePlaylist(id, to: user)
        guard playlist.ownerID == user.id else { throw APIError(.forbidden, "\(playlist.name) is \(playlist.ownerName)'s; copy it to change it") }
        return playlist
    }

    /// A playlist that is the caller's own or public; a private one of someone else's is "not found", so
    /// its existence is not given away.
    func visiblePlaylist(_ id: String, to user: UserRecord) async throws(APIError) -> PlaylistRecord {
        guard let playlist = try await catalogCall({ try await catalog.playlist(id: id) }), playlist.ownerID == user.id || playlist.isPublic
        else { throw APIError.notFound("no playlist \(id.prefix(140))") }
        return playlist
    }

    /// The ids as given, once every one is known to be a song.
    private func checkedSongs(_ ids: [String]) async throws(APIError) -> [String] {
        guard ids.count <= ListenerLimits.playlistSize else {
            throw APIError(.contentTooLarge, "a playlist holds at most \(ListenerLimits.playlistSize) songs, not \(ids.count)")
        }
        let known = try await catalogCall { try await catalog.existingSongIDs(ids) }
        if let unknown = ids.first(where: { !known.contains($0) }) { throw APIError(.unprocessableContent, "no song with id \(unknown.prefix(140))") }
        return ids
    }

    private func songID(_ context: LibraryRequestContext) throws(APIError) -> String {
        let raw = context.parameters.get("id") ?? ""
        do {
            return try BundleID(validating: raw).rawValue
        } catch {
            throw APIError.badRequest("not a song id: \(error)")
        }
    }

    private func existingSong(_ context: LibraryRequestContext) async throws(APIError) -> String {
        let id = try songID(context)
        guard try await catalogCall({ try await catalog.existingSongIDs([id]) }).contains(id) else { throw APIError.notFound("no song with id \(id)") }
        return id
    }

    func baseURL(of request: Request) -> String {
        links.baseURL(host: request.head.authority, fallbackHost: fallbackHost)
    }

    func decode<Value: Decodable>(_ type: Value.Type, from request: Request, limit: Int) async throws -> Value {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "the body is over \(limit / 1024) KiB, the most this request takes")
        }
        return try JSONBody.decode(Value.self, from: Data(body.readableBytesView))
    }

    static func summary(_ playlist: PlaylistRecord) -> PlaylistSummary {
        PlaylistSummary(
            id: playlist.id, name: playlist.name, description: playlist.description, owner: playlist.ownerName, public: playlist.isPublic,
            smart: false, songCount: playlist.songCount, duration: (playlist.duration * 1000).rounded() / 1000, version: playlist.version,
            createdAt: ISOTime.format(playlist.createdAt), updatedAt: ISOTime.format(playlist.updatedAt))
    }

    static func summary(_ smart: SmartPlaylist, entries: [ListedSong], owner: UserRecord) -> PlaylistSummary {
        let now = ISOTime.format(Date())
        let duration = entries.compactMap(\.song?.duration).reduce(0, +)
        return PlaylistSummary(
            id: smart.rawValue, name: smart.title, description: "", owner: owner.name, public: false, smart: true, songCount: entries.count,
            duration: (duration * 1000).rounded() / 1000, version: 0, createdAt: now, updatedAt: now)
    }
}

/// JSON request bodies, with decoding errors a person can act on instead of Swift's.
enum JSONBody {
    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(APIError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest("the body is not the JSON this request takes: \(Self.describe(error))")
        } catch {
            throw APIError.badRequest("the body is not JSON: \(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the body" : names.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)) lacks \"\(key.stringValue)\""
        case .typeMismatch(let type, let context): return "\(path(context)) should be \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)) should be \(type), not null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// `GET /playlists/{id}` written by hand, as `/songs` is, from the listings and precomputed bytes: a
/// 50,000-song playlist is a few megabytes of JSON, too much for `Encodable` to build in time. It is sent
/// in chunks of about 64 KiB from one reused buffer, as `/songs` sends its pages: built whole, a
/// 10,000-entry playlist's 3.3 MB and their copy into a `ByteBuffer` were fresh memory on every request,
/// and faulting it in and giving it back cost a tenth of the request.
enum PlaylistJSON {
    private static let playlistField = Array(#"{"playlist":"#.utf8)
    private static let entriesField = Array(#","entries":["#.utf8)
    private static let positionField = Array(#"{"position":"#.utf8)
    private static let songIDField = Array(#","songId":"#.utf8)
    private static let songField = Array(#","song":"#.utf8)
    static let chunkSize = 64 << 10

    /// Entries without `marks` are written as unmarked.
    static func body(_ summary: PlaylistSummary, entries: [ListedSong], songs: SongJSON) throws -> ResponseBody {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let head = Self.playlistField + (try encoder.encode(summary)) + Self.entriesField
        return ResponseBody { writer in
            var output = head
            output.reserveCapacity(Self.chunkSize + 4096)
            for (index, entry) in entries.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output += Self.positionField
                JSONText.appendInteger(index + 1, to: &output)
                output += Self.songIDField
                JSONText.appendString(entry.songID, to: &output)
                if let song = entry.song {
                    output += Self.songField
                    songs.append(song, marks: entry.marks ?? .empty, to: &output)
                }
                output.append(UInt8(ascii: "}"))
                if output.count >= Self.chunkSize {
                    try await writer.write(ByteBuffer(bytes: output))
                    output.removeAll(keepingCapacity: true)
                }
            }
            output += Array("]}\n".utf8)
            try await writer.write(ByteBuffer(bytes: output))
            try await writer.finish(nil)
        }
    }
}

/// JSON responses, written the same way by every route.
enum JSONResponse {
    static func encoding(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]  // key order is not guaranteed: clients read fields by name
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
