public import CurlTransfer
import Foundation
public import LibraryModel

/// A typed client of the library service's REST API, over libcurl.
public struct LibraryClient: Sendable {
    /// Base URL without a trailing slash, e.g. "http://127.0.0.1:8080".
    public let server: String
    /// The bearer token: the service's own (the machine's owner), a login's, or an API key. Sent with
    /// every request, so listings carry the listener's marks.
    public var token: String?
    private let session: CurlSession

    /// One session (one thread, one connection cache) for every client in the process.
    public static let sharedSession = CurlSession(name: "termplayer-api")

    public init(server: String, token: String? = nil, session: CurlSession = LibraryClient.sharedSession) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        self.session = session
    }

    // MARK: Reads

    public func songs(_ query: SongQuery = SongQuery()) async throws(APIClientError) -> [Song] {
        try await get(APIPath.songs + Self.queryString(query.parameters))
    }

    /// The listing decoded straight into the caller's own row type, which may keep fewer fields than
    /// `Song`: a UI holding 100,000 songs never holds them twice.
    public func songs<Row: Decodable & Sendable>(_ query: SongQuery = SongQuery(), as row: Row.Type) async throws(APIClientError) -> [Row] {
        try await songsListing(query, as: row).rows
    }

    /// The listing as `songs(_:as:)` decodes it, with the change feed's position it was read at
    /// (`X-Changes-Position`), from the same response: follow the feed from there and nothing is missed.
    /// The position is nil from a service without the feed.
    public func songsListing<Row: Decodable & Sendable>(_ query: SongQuery = SongQuery(), as row: Row.Type) async throws(APIClientError) -> Listing<Row> {
        try await listing(query) { (response) throws(APIClientError) in try decode(response, as: [Row].self) }
    }

    /// The listing with its rows read from the body's bytes by `rows` (the UI's own decoder of the whole
    /// library, which skips Foundation's: a million songs are 220 MB of JSON). A failure of `rows` is
    /// `.undecodable`, with its cause.
    public func songsListing<Row: Sendable, Failure: Error>(
        _ query: SongQuery = SongQuery(), decodingRows rows: ([UInt8]) throws(Failure) -> [Row]
    ) async throws(APIClientError) -> Listing<Row> {
        try await listing(query) { (response) throws(APIClientError) in
            try checkStatus(response)
            do {
                return try rows(response.body)
            } catch {
                throw .undecodable(url: response.url, reason: "\(error)")
            }
        }
    }

    private func listing<Row: Sendable>(
        _ query: SongQuery, rows: (TransferResponse) throws(APIClientError) -> [Row]
    ) async throws(APIClientError) -> Listing<Row> {
        // A whole library is the one answer past the default limit: 220 MB at a million songs.
        let response = try await send(
            TransferRequest(url: server + APIPath.songs + Self.queryString(query.parameters), headers: headers(), maximumBodyBytes: Self.largestListing))
        return Listing(
            rows: try rows(response), position: response.header(APIPath.changesPositionHeader).flatMap { Int($0) },
            catalog: response.header(APIPath.catalogIdentityHeader))
    }

    public func song(_ id: BundleID) async throws(APIClientError) -> Song {
        try await get(APIPath.song(id))
    }

    public func genres() async throws(APIClientError) -> [Genre] {
        try await get(APIPath.genres)
    }

    public func status() async throws(APIClientError) -> LibraryStatus {
        try await get(APIPath.status)
    }

    public func bundle(_ id: BundleID) async throws(APIClientError) -> BundleReport {
        try await get(APIPath.bundle(id))
    }

    /// True when the service answers its health check.
    public func isHealthy() async -> Bool {
        guard let response = try? await send(TransferRequest(url: server + APIPath.health, connectTimeout: .seconds(2))) else {
            return false
        }
        return response.status == 200
    }

    // MARK: The change feed

    /// `GET /changes`: the changes after `since`, at most `limit`, waiting up to `wait` seconds (the
    /// service allows 60) for one when there are none yet. A cursor older than the feed keeps throws
    /// `.feedExpired`: fetch the library again and follow from its position.
    public func changes(since: Int, limit: Int = 500, wait: Int = 0) async throws(APIClientError) -> ChangePage {
        try await changes(since: String(since), limit: limit, wait: wait).page
    }

    /// `changes(since:limit:wait:)` with the catalog that answered (`X-Catalog-Id`), so that a cache
    /// filled from one catalog is never brought up to date from another's feed.
    public func changesAnswer(since: Int, limit: Int = 500, wait: Int = 0) async throws(APIClientError) -> (page: ChangePage, catalog: String?) {
        try await changes(since: String(since), limit: limit, wait: wait)
    }

    /// The feed's current position, with no changes and no wait (`since=latest`).
    public func latestChangePosition() async throws(APIClientError) -> Int {
        try await changes(since: "latest", limit: 1, wait: 0).page.next
    }

    private func changes(since: String, limit: Int, wait: Int) async throws(APIClientError) -> (page: ChangePage, catalog: String?) {
        let wait = min(60, max(0, wait))
        let path = APIPath.changes + Self.queryString([("since", since), ("limit", String(limit)), ("wait", String(wait))])
        // The service sends nothing while it waits: a stall is only one that outlasts the wait.
        let request = TransferRequest(url: server + path, headers: headers(), stallTimeout: .seconds(wait + 15))
        let response = try await send(request)
        if response.status == 410 {
            throw .feedExpired(url: response.url)
        }
        return (try decode(response, as: ChangePage.self), response.header(APIPath.catalogIdentityHeader))
    }

    // MARK: Writes

    /// Uploads one object of a bundle from a file; the receipt says how ingest went.
    public func upload(_ key: ObjectKey, fromFile path: String) async throws(APIClientError) -> UploadReceipt {
        try await upload(key, body: .file(path: path))
    }

    public func upload(_ key: ObjectKey, bytes: [UInt8]) async throws(APIClientError) -> UploadReceipt {
        try await upload(key, body: .bytes(bytes))
    }

    public func deleteBundle(_ id: BundleID) async throws(APIClientError) -> BundleReport {
        let request = TransferRequest(.delete, url: server + APIPath.bundle(id), headers: headers())
        return try decode(try await send(request), as: BundleReport.self)
    }

    private func upload(_ key: ObjectKey, body: TransferRequest.Body) async throws(APIClientError) -> UploadReceipt {
        var headers = headers()
        headers.append(("Content-Type", key.part.contentType))
        let request = TransferRequest(.put, url: server + APIPath.bundleObject(key), headers: headers, body: body, stallTimeout: .seconds(60))
        return try decode(try await send(request), as: UploadReceipt.self)
    }

    /// A cover's bytes. A service's `/media/…` URL (this one's, or the same service's public URL) is asked
    /// for at `size`: it answers a JPEG that fits size × size. A presigned or public bucket URL is fetched
    /// as it is: a query would break its signature. The token goes to this client's server only.
    public func cover(at url: String, fittingSquare size: Int) async throws(APIClientError) -> [UInt8] {
        var request = TransferRequest(url: url, headers: [("User-Agent", "termplayer/\(TermPlayerVersion.current)")],
                                      connectTimeout: .seconds(3), stallTimeout: .seconds(10))
        if url.contains(APIPath.mediaPrefix) { request.url += (url.contains("?") ? "&" : "?") + "size=\(min(1024, max(16, size)))" }
        if let token, url.hasPrefix(server + "/") { request.headers.append(("Authorization", "Bearer \(token)")) }
        let response = try await send(request)
        try checkStatus(response)
        return response.body
    }

    // MARK: Plumbing

    /// 2 GiB: ten million songs' listing, and a bound on what a server can make the player hold.
    static let largestListing = 2 << 30

    func headers() -> [(name: String, value: String)] {
        var headers = Self.commonHeaders
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return headers
    }

    private static let commonHeaders: [(name: String, value: String)] = [
        ("User-Agent", "termplayer/\(TermPlayerVersion.current)"),
        ("Accept", "application/json"),
    ]

    func get<Value: Decodable>(_ path: String) async throws(APIClientError) -> Value {
        let request = TransferRequest(url: server + path, headers: headers())
        return try decode(try await send(request), as: Value.self)
    }

    func send(_ request: TransferRequest) async throws(APIClientError) -> TransferResponse {
        do {
            return try await session.perform(request)
        } catch where error.isUnreachable {
            throw .unreachable(server: server, reason: error.description)
        } catch {
            throw .transfer(error)
        }
    }

    func decode<Value: Decodable>(_ response: TransferResponse, as type: Value.Type) throws(APIClientError) -> Value {
        try checkStatus(response)
        let body = Data(response.body)
        do {
            return try JSONDecoder().decode(Value.self, from: body)
        } catch {
            throw .undecodable(url: response.url, reason: "\(error)")
        }
    }

    /// An error status becomes `.http` with the service's own message.
    func checkStatus(_ response: TransferResponse) throws(APIClientError) {
        guard (200..<300).contains(response.status) else {
            let message = (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body)))?.error
                ?? String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .http(url: response.url, status: response.status, message: message)
        }
    }

    /// `?a=b&c=d` with values percent-encoded; empty when there are no parameters.
    static func queryString(_ parameters: [(name: String, value: String)]) -> String {
        guard !parameters.isEmpty else { return "" }
        return "?" + parameters.map { "\($0.name)=\(PercentEncoding.escape($0.value))" }.joined(separator: "&")
    }
}

/// Why an API call failed, in words that say what to do.
public enum APIClientError: Error, Sendable, CustomStringConvertible {
    /// Nothing answered at the server's address.
    case unreachable(server: String, reason: String)
    /// The transfer failed after connecting (reset, stalled, TLS, …).
    case transfer(TransferError)
    /// The service answered with an error status and `{"error":…}`.
    case http(url: String, status: Int, message: String)
    /// The answer was not the JSON this client expects (a different server on that port?).
    case undecodable(url: String, reason: String)
    /// The request itself could not be written.
    case unencodable(url: String, reason: String)
    /// `GET /changes` was asked from a position older than the feed keeps (410): the changes since are
    /// gone, so the whole library is fetched again and followed from its new position.
    case feedExpired(url: String)
    /// Nothing answered at a Subsonic server's address.
    case noAnswer(server: String, reason: String)
    /// A Subsonic server refused the call, with its error code (40 a wrong password, 70 not found…).
    case subsonic(url: String, code: Int, message: String)
    /// Something answered, but not as a Subsonic server does.
    case notSubsonic(url: String, reason: String)
    /// The server has nothing like this (a Subsonic server has no change feed, no play history).
    case unsupported(server: String, what: String)

    public var description: String {
        switch self {
        case .unreachable(let server, let reason):
            "no TermPlayer service answers at \(server) (\(reason)). Start one with `termplayer serve`, or point at one with --server URL or TERMPLAYER_SERVER."
        case .transfer(let error):
            error.description
        case .http(let url, let status, let message):
            "\(url) answered \(status): \(message)"
        case .undecodable(let url, let reason):
            "\(url) did not answer like a TermPlayer service: \(reason)"
        case .unencodable(let url, let reason):
            "cannot send \(url): \(reason)"
        case .feedExpired(let url):
            "\(url): the change feed no longer reaches back that far"
        case .noAnswer(let server, let reason):
            "nothing answers at \(server) (\(reason)): is the server running, and is the address right?"
        case .subsonic(let url, let code, let message):
            "\(url) refused: \(message) (Subsonic error \(code)\(Self.subsonicHint(code)))"
        case .notSubsonic(let url, let reason):
            "\(url) did not answer like a Subsonic server: \(reason)"
        case .unsupported(let server, let what):
            "\(server) has no \(what)"
        }
    }

    private static func subsonicHint(_ code: Int) -> String {
        switch code {
        case 40: ": check the user name and password"
        case 41, 42: ": this server does not take this way of signing in"
        case 44: ": check the API key"
        case 50: ": this user may not do that"
        default: ""
        }
    }

    /// The HTTP status, when the service answered with one.
    public var status: Int? {
        switch self {
        case .http(_, let status, _): status
        case .feedExpired: 410
        // Subsonic answers errors with 200; its codes say what HTTP would have.
        case .subsonic(_, let code, _) where (40...44).contains(code): 401
        case .subsonic(_, 50, _): 403
        case .subsonic(_, 70, _): 404
        case .subsonic: 400
        default: nil
        }
    }

    /// The server answered and will not serve this client as it is (its credentials are refused, or it
    /// is not the kind of server asked for): asking again changes nothing until the listener does.
    public var isRefusal: Bool {
        if case .notSubsonic = self { return true }
        return status == 401 || status == 403
    }

    /// No answer, or a gateway's or a restarting service's: the service is away, not refusing, so the
    /// call is worth making again later (and what was kept from before is worth showing meanwhile).
    public var isOutage: Bool {
        switch self {
        case .subsonic, .notSubsonic, .unsupported: return false
        default:
            guard let status else { return true }
            return status == 502 || status == 503 || status == 504
        }
    }
}

/// A listing with the change feed's position it was read at.
public struct Listing<Row: Sendable>: Sendable {
    public var rows: [Row]
    /// `X-Changes-Position`; nil from a service without the feed.
    public var position: Int?
    /// `X-Catalog-Id`: which catalog the rows are from, so a cache of another is never applied; nil from an older service.
    public var catalog: String?

    public init(rows: [Row], position: Int?, catalog: String? = nil) {
        self.rows = rows
        self.position = position
        self.catalog = catalog
    }
}
