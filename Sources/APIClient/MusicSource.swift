public import CurlTransfer
public import LibraryModel

/// Where the terminal UI and the `songs`, `genres` and `play` commands get their music: TermPlayer's own
/// service (`LibraryClient`) or any Subsonic server (`SubsonicClient`). They talk to this seam, never to
/// one server's API, so the same views, queue and player work over both.
///
/// A call a kind of server has no counterpart for (Subsonic has no change feed and no play history)
/// throws `.unsupported`, which callers show as a sentence instead of failing on their own.
public protocol MusicSource: Sendable {
    /// The server as people are shown it: "http://host:8080", "subsonic ann@host".
    var label: String { get }
    /// Whether `changesAnswer(since:limit:wait:)` follows a live change feed.
    var hasChangeFeed: Bool { get }
    /// The same source sending its requests through `session` (a worker with a connection cache of its own).
    func using(_ session: CurlSession) -> Self
    /// A song's `file` as the player fetches it: with the credentials a Subsonic server wants in the URL,
    /// added only now so that they are never kept in the library cache.
    func playableURL(_ url: String) -> String

    // MARK: The library

    /// The whole library, in title order, as the caller's row type. `fromJSON` reads a TermPlayer
    /// `/songs` body in one pass (a million songs are 220 MB of it); `fromSong` turns one song into a
    /// row when a source reads songs another way (a Subsonic server, page by page).
    func wholeLibrary<Row: Sendable, Failure: Error>(
        fromJSON: ([UInt8]) throws(Failure) -> [Row], fromSong: (Song) -> Row
    ) async throws(APIClientError) -> Listing<Row>
    func songs(_ query: SongQuery) async throws(APIClientError) -> [Song]
    func song(_ id: String) async throws(APIClientError) -> Song
    func genres() async throws(APIClientError) -> [Genre]
    /// True when the server answers at all (its health check, or a Subsonic ping).
    func isHealthy() async -> Bool
    /// A cover's bytes, fitting `size` × `size` where the server scales covers.
    func cover(at url: String, fittingSquare size: Int) async throws(APIClientError) -> [UInt8]

    // MARK: The change feed

    func changesAnswer(since: Int, limit: Int, wait: Int) async throws(APIClientError) -> (page: ChangePage, catalog: String?)
    func latestChangePosition() async throws(APIClientError) -> Int

    // MARK: The listener

    func me() async throws(APIClientError) -> Listener
    func setLiked(_ liked: Bool, song id: String) async throws(APIClientError) -> SongMark
    func rate(song id: String, stars: Int) async throws(APIClientError) -> SongMark
    func reportPlays(_ plays: [PlayReport]) async throws(APIClientError) -> PlaysReceipt
    func history(limit: Int?, before: String?) async throws(APIClientError) -> [HistoryEntry]

    func playlists() async throws(APIClientError) -> [PlaylistSummary]
    func playlist(_ id: String) async throws(APIClientError) -> PlaylistDetail
    func createPlaylist(_ changes: PlaylistChanges) async throws(APIClientError) -> PlaylistSummary
    func updatePlaylist(_ id: String, _ changes: PlaylistChanges) async throws(APIClientError) -> PlaylistSummary
    func deletePlaylist(_ id: String) async throws(APIClientError)
    func addToPlaylist(_ id: String, _ addition: PlaylistAddition) async throws(APIClientError) -> PlaylistSummary
    func removeFromPlaylist(_ id: String, _ removal: PlaylistRemoval) async throws(APIClientError) -> PlaylistSummary
    func moveInPlaylist(_ id: String, _ move: PlaylistMove) async throws(APIClientError) -> PlaylistSummary

    // MARK: Suggestions

    func forYou(limit: Int?) async throws(APIClientError) -> [Suggestion]
    func discover(limit: Int?) async throws(APIClientError) -> [Suggestion]
    func radio(_ request: RadioRequest) async throws(APIClientError) -> [Suggestion]
}

extension LibraryClient: MusicSource {
    public var label: String { server }
    public var hasChangeFeed: Bool { true }

    public func using(_ session: CurlSession) -> LibraryClient {
        LibraryClient(server: server, token: token, session: session)
    }

    /// The service's media URLs need no credentials of their own.
    public func playableURL(_ url: String) -> String { url }

    public func wholeLibrary<Row: Sendable, Failure: Error>(
        fromJSON: ([UInt8]) throws(Failure) -> [Row], fromSong: (Song) -> Row
    ) async throws(APIClientError) -> Listing<Row> {
        try await songsListing(decodingRows: fromJSON)
    }

    public func song(_ id: String) async throws(APIClientError) -> Song {
        let bundle: BundleID
        do {
            bundle = try BundleID(validating: id)
        } catch {
            throw .http(url: server + APIPath.songs + "/" + id, status: 404, message: "\(id) is not a song id (\(error))")
        }
        return try await song(bundle)
    }
}
