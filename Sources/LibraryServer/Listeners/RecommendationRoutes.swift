import Catalog
import Foundation
import Hummingbird
import LibraryModel
import Recommender
import WireFormats

/// For you, Discover, similar songs and radio: the model's answers for the caller, with reasons, in
/// the `/songs` shape (with the caller's marks) so a client shows them like any list.
extension ListenerRoutes {
    /// At most this many songs per answer (Navidrome's and Subsonic's cap for similar songs too).
    static let maximumSuggestions = 500
    static let defaultSuggestions = 20
    static let maximumStation = 5000
    static let maximumSeeds = 20

    func addRecommendations(to router: Router<LibraryRequestContext>) {
        router.get(RouterPath(APIPath.forYou)) { request, context in try await self.forYou(request, context: context, discover: false) }
        router.get(RouterPath(APIPath.discover)) { request, context in try await self.forYou(request, context: context, discover: true) }
        router.get("/songs/:id/similar", use: similar)
        router.post(RouterPath(APIPath.radio), use: radio)
        router.patch(RouterPath(APIPath.me), use: updateMe)
    }

    var recommendations: Recommendations { library.recommendations }

    func forYou(_ request: Request, context: LibraryRequestContext, discover: Bool) async throws -> Response {
        let user = try await accounts.listener(context)
        let limit = try FormQuery.number("limit", in: FormQuery.parse(request.uri.query), range: 1...Self.maximumSuggestions) ?? Self.defaultSuggestions
        let (model, taste) = try await modelAndTaste(of: user)
        let picks = model.forYou(taste, limit: limit, now: Date().timeIntervalSince1970, discover: discover)
        return try await suggestions(picks, for: user, request: request)
    }

    @Sendable func similar(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let id = context.parameters.get("id") ?? ""
        let limit = try FormQuery.number("limit", in: FormQuery.parse(request.uri.query), range: 1...Self.maximumSuggestions) ?? Self.defaultSuggestions
        let (model, taste) = try await modelAndTaste(of: user)
        do {
            return try await suggestions(try model.similar(to: id, taste: taste, limit: limit), for: user, request: request)
        } catch let error as RecommenderError {
            throw Self.apiError(error)
        }
    }

    @Sendable func radio(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        let user = try await accounts.listener(context)
        let body = try await decode(RadioRequest.self, from: request, limit: 1 << 20)
        let limit = try Self.limit(body.limit)
        guard (1...Self.maximumSeeds).contains(body.seeds.count) else {
            throw APIError.badRequest("a radio takes 1 to \(Self.maximumSeeds) seeds, not \(body.seeds.count)")
        }
        let played = body.played ?? []
        guard played.count <= Self.maximumStation else {
            throw APIError.badRequest("a radio remembers at most \(Self.maximumStation) played songs; send the latest ones")
        }
        var seeds: [RadioSeed] = []
        for spec in body.seeds { seeds.append(try await seed(spec, for: user)) }
        let (model, taste) = try await modelAndTaste(of: user)
        do {
            return try await suggestions(try model.radio(seeds: seeds, station: played, taste: taste, limit: limit), for: user, request: request)
        } catch let error as RecommenderError {
            throw Self.apiError(error)
        }
    }

    /// The caller's own settings: today whether they share their listening.
    @Sendable func updateMe(_ request: Request, context: LibraryRequestContext) async throws -> Response {
        var user = try await accounts.listener(context)
        let settings = try await decode(ListenerSettings.self, from: request, limit: Self.smallBody)
        if let shares = settings.sharesListening {
            try await catalogCall { try await catalog.setSharesListening(shares, userID: user.id) }
            user.sharesListening = shares
        }
        return try JSONResponse.encoding(Accounts.listener(user))
    }

    private func modelAndTaste(of user: UserRecord) async throws(APIError) -> (RecommendationModel, ListenerTaste) {
        (try await catalogCall { try await recommendations.model() }, try await catalogCall { try await recommendations.taste(of: user) })
    }

    /// One seed as the model takes it; a playlist is read here (the caller must be able to see it).
    private func seed(_ spec: RadioSeedSpec, for user: UserRecord) async throws(APIError) -> RadioSeed {
        let given = [spec.song, spec.genre, spec.playlist, spec.album ?? spec.artist].compactMap { $0 }
        guard given.count == 1, let value = given.first, !value.isEmpty else {
            throw APIError.badRequest("each seed names exactly one of song, artist, album (with its artist), genre or playlist")
        }
        if let song = spec.song { return .song(song) }
        if let genre = spec.genre { return .genre(genre) }
        if let album = spec.album {
            guard let artist = spec.artist, !artist.isEmpty else { throw APIError.badRequest("an album seed needs its artist too") }
            return .album(artist: artist, album: album)
        }
        if let artist = spec.artist { return .artist(artist) }
        let id = spec.playlist ?? ""
        if let smart = SmartPlaylist(rawValue: id) {
            return .songs(try await smartList(smart, for: user).map(\.songID), label: smart.rawValue)
        }
        let playlist = try await visiblePlaylist(id, to: user)
        let entries = try await catalogCall { try await catalog.playlistEntries(id: playlist.id) }
        return .songs(entries.map(\.songID), label: playlist.name)
    }

    /// Suggestions in order, as songs with the caller's marks; songs deleted since the model was built
    /// are left out.
    private func suggestions(_ picks: [Recommendation], for user: UserRecord, request: Request) async throws(APIError) -> Response {
        let ids = picks.map(\.songID)
        let listings = try await catalogCall { try await catalog.songListings(ids: ids) }
        let byID = Dictionary(listings.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let marks = try await marks(of: user, for: ids)
        let base = baseURL(of: request)
        let items = picks.compactMap { pick -> Suggestion? in
            guard let listing = byID[pick.songID] else { return nil }
            return Suggestion(
                song: SongJSON.song(listing, base: base, links: links, marks: marks[pick.songID] ?? .empty), reason: pick.reason.text,
                reasonKind: pick.reason.kind, reasonSongId: pick.reason.songID)
        }
        do {
            return try JSONResponse.encoding(items)
        } catch {
            throw APIError(.internalServerError, "could not write the suggestions")
        }
    }

    static func limit(_ given: Int?) throws(APIError) -> Int {
        guard let given else { return defaultSuggestions }
        guard (1...maximumSuggestions).contains(given) else {
            throw APIError.badRequest("limit must be a whole number from 1 to \(maximumSuggestions), not \(given)")
        }
        return given
    }

    static func apiError(_ error: RecommenderError) -> APIError {
        switch error {
        case .emptySeed: APIError(.unprocessableContent, error.description)
        default: APIError.notFound(error.description)
        }
    }
}
