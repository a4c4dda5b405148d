import CurlTransfer
import Foundation
public import LibraryModel

/// The listeners' API: every call acts as whoever `token` belongs to.
extension LibraryClient {
    // MARK: Signing in

    public func login(name: String, password: String) async throws(APIClientError) -> LoginToken {
        try await post(APIPath.login, Credentials(name: name, password: password))
    }

    /// Ends the login `token` belongs to.
    public func logout() async throws(APIClientError) {
        try await sendExpectingNothing(.post, APIPath.logout)
    }

    public func me() async throws(APIClientError) -> Listener {
        try await get(APIPath.me)
    }

    // MARK: Accounts and keys

    public func users() async throws(APIClientError) -> [UserSummary] {
        try await get(APIPath.users)
    }

    public func addUser(_ user: NewUser) async throws(APIClientError) -> UserSummary {
        try await post(APIPath.users, user)
    }

    public func setPassword(of name: String, to password: String) async throws(APIClientError) {
        try await sendExpectingNothing(.put, APIPath.userPassword(name), Credentials(password: password))
    }

    public func removeUser(_ name: String) async throws(APIClientError) {
        try await sendExpectingNothing(.delete, APIPath.user(name))
    }

    public func apiKeys() async throws(APIClientError) -> [APIKeyInfo] {
        try await get(APIPath.apiKeys)
    }

    public func createAPIKey(named name: String) async throws(APIClientError) -> APIKeyInfo {
        struct Body: Encodable { var name: String }
        return try await post(APIPath.apiKeys, Body(name: name))
    }

    public func revokeAPIKey(_ id: String) async throws(APIClientError) {
        try await sendExpectingNothing(.delete, APIPath.apiKey(id))
    }

    // MARK: Likes, ratings, plays

    public func setLiked(_ liked: Bool, song id: String) async throws(APIClientError) -> SongMark {
        try await send(liked ? .put : .delete, APIPath.like(id), Optional<SongMark>.none)
    }

    /// 1–5 stars, or 0 to clear.
    public func rate(song id: String, stars: Int) async throws(APIClientError) -> SongMark {
        try await send(.put, APIPath.rating(id), SongMark(rating: stars))
    }

    /// Liked songs, newest first.
    public func likes() async throws(APIClientError) -> [Song] {
        try await get(APIPath.likes)
    }

    public func reportPlays(_ plays: [PlayReport]) async throws(APIClientError) -> PlaysReceipt {
        try await post(APIPath.plays, plays)
    }

    public func history(limit: Int? = nil, before: String? = nil) async throws(APIClientError) -> [HistoryEntry] {
        var parameters: [(name: String, value: String)] = []
        if let limit { parameters.append(("limit", String(limit))) }
        if let before { parameters.append(("before", before)) }
        return try await get(APIPath.history + Self.queryString(parameters))
    }

    public func importHistory(_ listens: [ImportedListen]) async throws(APIClientError) -> PlaysReceipt {
        try await post(APIPath.historyImport, HistoryImport(listens: listens))
    }

    /// JSON Lines, one listen per line.
    public func exportHistory() async throws(APIClientError) -> [UInt8] {
        try await raw(.get, APIPath.historyExport)
    }

    // MARK: Playlists

    /// The smart lists, the listener's own playlists, then other listeners' public ones.
    public func playlists() async throws(APIClientError) -> [PlaylistSummary] {
        try await get(APIPath.playlists)
    }

    public func playlist(_ id: String) async throws(APIClientError) -> PlaylistDetail {
        try await get(APIPath.playlist(id))
    }

    public func createPlaylist(_ changes: PlaylistChanges) async throws(APIClientError) -> PlaylistSummary {
        try await post(APIPath.playlists, changes)
    }

    public func updatePlaylist(_ id: String, _ changes: PlaylistChanges) async throws(APIClientError) -> PlaylistSummary {
        try await send(.patch, APIPath.playlist(id), changes)
    }

    public func deletePlaylist(_ id: String) async throws(APIClientError) {
        try await sendExpectingNothing(.delete, APIPath.playlist(id))
    }

    public func addToPlaylist(_ id: String, _ addition: PlaylistAddition) async throws(APIClientError) -> PlaylistSummary {
        try await post(APIPath.playlistSongs(id), addition)
    }

    public func removeFromPlaylist(_ id: String, _ removal: PlaylistRemoval) async throws(APIClientError) -> PlaylistSummary {
        try await post(APIPath.playlistRemove(id), removal)
    }

    public func moveInPlaylist(_ id: String, _ move: PlaylistMove) async throws(APIClientError) -> PlaylistSummary {
        try await post(APIPath.playlistMove(id), move)
    }

    public func copyPlaylist(_ id: String, name: String? = nil) async throws(APIClientError) -> PlaylistSummary {
        struct Body: Encodable { var name: String? }
        return try await post(APIPath.playlistCopy(id), Body(name: name))
    }

    /// An M3U8 or XSPF file's bytes; the service tells the format from them (and `fileName`).
    public func importPlaylist(_ file: [UInt8], name: String?, fileName: String?) async throws(APIClientError) -> PlaylistImportReceipt {
        var parameters: [(name: String, value: String)] = []
        if let name { parameters.append(("name", name)) }
        if let fileName { parameters.append(("filename", fileName)) }
        var headers = headers()
        headers.append(("Content-Type", "application/octet-stream"))
        let request = TransferRequest(.post, url: server + APIPath.playlistImport + Self.queryString(parameters), headers: headers, body: .bytes(file))
        return try decode(try await send(request), as: PlaylistImportReceipt.self)
    }

    /// `format`: "m3u8" or "xspf".
    public func exportPlaylist(_ id: String, format: String) async throws(APIClientError) -> [UInt8] {
        try await raw(.get, APIPath.playlistExport(id) + Self.queryString([("format", format)]))
    }

    // MARK: Recommendations

    public func forYou(limit: Int? = nil) async throws(APIClientError) -> [Suggestion] {
        try await get(APIPath.forYou + Self.queryString(limit.map { [("limit", "\($0)")] } ?? []))
    }

    public func discover(limit: Int? = nil) async throws(APIClientError) -> [Suggestion] {
        try await get(APIPath.discover + Self.queryString(limit.map { [("limit", "\($0)")] } ?? []))
    }

    public func similar(to song: String, limit: Int? = nil) async throws(APIClientError) -> [Suggestion] {
        try await get(APIPath.similar(song) + Self.queryString(limit.map { [("limit", "\($0)")] } ?? []))
    }

    /// The next songs of a radio; `request.played` is what it played so far, which never comes again.
    public func radio(_ request: RadioRequest) async throws(APIClientError) -> [Suggestion] {
        try await post(APIPath.radio, request)
    }

    public func updateMe(_ settings: ListenerSettings) async throws(APIClientError) -> Listener {
        try await send(.patch, APIPath.me, settings)
    }

    // MARK: Plumbing

    private func post<Body: Encodable, Value: Decodable>(_ path: String, _ body: Body) async throws(APIClientError) -> Value {
        try await send(.post, path, body)
    }

    private func send<Body: Encodable, Value: Decodable>(_ method: TransferRequest.Method, _ path: String, _ body: Body?) async throws(APIClientError) -> Value {
        try decode(try await send(request(method, path, body)), as: Value.self)
    }

    private func sendExpectingNothing(_ method: TransferRequest.Method, _ path: String, _ body: (some Encodable)? = Optional<Credentials>.none) async throws(APIClientError) {
        try checkStatus(try await send(request(method, path, body)))
    }

    private func raw(_ method: TransferRequest.Method, _ path: String) async throws(APIClientError) -> [UInt8] {
        let response = try await send(TransferRequest(method, url: server + path, headers: headers()))
        try checkStatus(response)
        return response.body
    }

    private func request(_ method: TransferRequest.Method, _ path: String, _ body: (some Encodable)?) throws(APIClientError) -> TransferRequest {
        var headers = headers()
        var payload = TransferRequest.Body.none
        if let body {
            do {
                payload = .bytes(Array(try JSONEncoder().encode(body)))
            } catch {
                throw .unencodable(url: server + path, reason: "\(error)")
            }
            headers.append(("Content-Type", "application/json"))
        }
        return TransferRequest(method, url: server + path, headers: headers, body: payload)
    }
}
