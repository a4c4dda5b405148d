public import CurlTransfer
import Crypto
import Foundation
import LibraryModel
import Synchronization

/// A client of any Subsonic server (Navidrome, gonic, Airsonic, supysonic, TermPlayer's own `/rest`):
/// the music source the TUI and the commands use when `--server` is `subsonic+https://USER@HOST`.
///
/// It signs in with a token (md5 of password + salt) first and falls back to the password, hex-encoded,
/// when the server says it cannot do tokens (supysonic keeps only password hashes); an API key is sent
/// alone, as the OpenSubsonic extension says. Songs carry stream and cover URLs without credentials —
/// they go into the local cache — and `playableURL(_:)` signs them at the moment they are played.
public struct SubsonicClient: Sendable {
    public let address: SubsonicAddress
    private let secret: Secret
    private let session: CurlSession
    private let shared: Shared
    /// Whether requests leave `f` out and so get XML, Subsonic's default. Tests set it to read every
    /// answer of a real server through the XML reader.
    var asksForXML = false

    /// What a listener signs in with.
    public enum Secret: Sendable, Hashable {
        case password(String)
        case apiKey(String)
    }

    /// The protocol version sent as `v`: servers check only that it is not newer than theirs when they check.
    static let protocolVersion = "1.16.1"
    static let clientName = "TermPlayer"
    /// Songs a request asks for when a list is read page by page (the most the spec allows for album lists
    /// and a genre's songs).
    static let pageSize = 500
    /// Songs asked for at once when the whole library is read with `search3`, which has no maximum; a
    /// server that gives fewer says how many by its first page. (Tests make it small.)
    var listingPageSize = 5000

    public static let sharedSession = CurlSession(name: "termplayer-subsonic")

    public init(address: SubsonicAddress, secret: Secret, session: CurlSession = SubsonicClient.sharedSession) {
        self.init(address: address, secret: secret, session: session, shared: Shared())
    }

    private init(address: SubsonicAddress, secret: Secret, session: CurlSession, shared: Shared) {
        self.address = address
        self.secret = secret
        self.session = session
        self.shared = shared
    }

    /// How requests sign in, learnt from the first answers, and what the listing taught about songs
    /// (their artists' ids, for radio). Shared by every copy of the client.
    private final class Shared: Sendable {
        let state = Mutex(State())

        struct State {
            var usePassword = false
            var artistIDs: [String: String] = [:]
            var durations: [String: Double] = [:]
        }
    }

    enum SignIn: Equatable {
        case token
        case password
        case apiKey
    }

    private var signIn: SignIn {
        if case .apiKey = secret { return .apiKey }
        return shared.state.withLock { $0.usePassword } ? .password : .token
    }

    // MARK: Calls

    /// Calls `method` and returns its `subsonic-response`, signing in the way the server takes.
    func call(_ method: String, _ parameters: [(name: String, value: String)] = []) async throws(APIClientError) -> SubsonicNode {
        let way = signIn
        do {
            return try await attempt(method, parameters, signIn: way)
        } catch .subsonic(_, let code, _) where way == .token && Self.tokenRefusals.contains(code) {
            // 41 says tokens are not supported; older servers say 10 (no `p`), 40 or 42 instead.
            let answer = try await attempt(method, parameters, signIn: .password)
            shared.state.withLock { $0.usePassword = true }
            return answer
        }
    }

    private static let tokenRefusals: Set<Int> = [10, 40, 41, 42]

    private func attempt(_ method: String, _ parameters: [(name: String, value: String)], signIn: SignIn) async throws(APIClientError) -> SubsonicNode {
        let url = methodURL(method, parameters, signIn: signIn)
        let response = try await send(TransferRequest(url: url, headers: Self.headers))
        return try Self.answer(response, shownAs: redacted(method))
    }

    /// The answer's `subsonic-response`, or the error it carries. Servers answer errors with HTTP 200;
    /// some use 404 or 401 with a Subsonic body, which still says more than the status.
    static func answer(_ response: TransferResponse, shownAs url: String) throws(APIClientError) -> SubsonicNode {
        let root: SubsonicNode
        do {
            root = try SubsonicNode.response(from: response.body)
        } catch {
            guard (200..<300).contains(response.status) else {
                let said = String(decoding: response.body.prefix(120), as: UTF8.self)
                throw .notSubsonic(url: url, reason: "HTTP \(response.status)" + (said.isEmpty ? "" : ": \(said)"))
            }
            throw .notSubsonic(url: url, reason: error.reason)
        }
        guard root["status"] == "ok" else {
            let failure = root.child("error")
            throw .subsonic(url: url, code: failure?.int("code") ?? 0, message: failure?["message"] ?? "the server answered status \(root["status"] ?? "none")")
        }
        return root
    }

    /// Sends `request`; a failure names the URL without its query, which holds the credentials.
    func send(_ request: TransferRequest) async throws(APIClientError) -> TransferResponse {
        do {
            return try await session.perform(request)
        } catch {
            let shown = String(request.url.prefix { $0 != "?" })
            if error.isUnreachable { throw .noAnswer(server: address.base, reason: error.description.replacing(request.url, with: shown)) }
            switch error {
            case .curl(_, let code, let message): throw .transfer(.curl(url: shown, code: code, message: message.replacing(request.url, with: shown)))
            case .cancelled: throw .transfer(.cancelled(url: shown))
            default: throw .transfer(error)
            }
        }
    }

    private static let headers: [(name: String, value: String)] = [("User-Agent", "termplayer/\(TermPlayerVersion.current)")]

    func methodURL(_ method: String, _ parameters: [(name: String, value: String)], signIn: SignIn) -> String {
        "\(address.base)/rest/\(method).view?" + query(parameters + credentials(signIn) + common)
    }

    /// The URL as errors show it: the method, never the credentials.
    private func redacted(_ method: String) -> String { "\(address.base)/rest/\(method)" }

    private var common: [(name: String, value: String)] {
        [("v", Self.protocolVersion), ("c", Self.clientName)] + (asksForXML ? [] : [("f", "json")])
    }

    private func credentials(_ signIn: SignIn) -> [(name: String, value: String)] {
        switch (secret, signIn) {
        case (.apiKey(let key), _):
            return [("apiKey", key)]
        case (.password(let password), .password):
            return [("u", address.user), ("p", "enc:" + Hex.lowercase(password.utf8))]
        case (.password(let password), _):
            let salt = Hex.lowercase((0..<8).map { _ in UInt8.random(in: 0...255) })
            return [("u", address.user), ("t", Self.token(password: password, salt: salt)), ("s", salt)]
        }
    }

    /// md5(password + salt) in lower-case hex: Subsonic's `t`.
    static func token(password: String, salt: String) -> String {
        Hex.lowercase(Insecure.MD5.hash(data: Array((password + salt).utf8)))
    }

    private func query(_ parameters: [(name: String, value: String)]) -> String {
        parameters.map { "\($0.name)=\(PercentEncoding.escape($0.value))" }.joined(separator: "&")
    }

    // MARK: URLs kept in songs, signed when used

    /// A song's stream URL as it is kept: no credentials in it.
    func streamURL(_ id: String) -> String { "\(address.base)/rest/stream.view?id=\(PercentEncoding.escape(id))" }
    func coverURL(_ id: String) -> String { "\(address.base)/rest/getCoverArt.view?id=\(PercentEncoding.escape(id))" }

    /// `url` with the credentials and client parameters a request needs, when it is this server's `/rest`.
    public func playableURL(_ url: String) -> String {
        guard url.hasPrefix(address.base + "/rest/") else { return url }
        return url + (url.contains("?") ? "&" : "?") + query(credentials(signIn) + common)
    }

    // MARK: Reading answers

    /// A `child` (a song entry) as TermPlayer's `Song`; nil for a directory or an entry without an id.
    func song(from child: SubsonicNode) -> Song? {
        guard let id = child["id"], !id.isEmpty, child.bool("isDir") != true else { return nil }
        var song = Song(
            id: id, title: child["title"] ?? child["name"] ?? id, album: child["album"] ?? "", artist: child["artist"] ?? "",
            genre: child["genre"] ?? "", year: child.int("year").flatMap { $0 > 0 ? $0 : nil }, file: streamURL(id),
            image: child["coverArt"].flatMap { $0.isEmpty ? nil : coverURL($0) }, duration: child.double("duration"),
            bitrate: child.int("bitRate"))
        song.liked = child["starred"] != nil
        song.rating = child.int("userRating").map { min(5, max(0, $0)) } ?? 0
        song.plays = child.int("playCount")
        song.lastPlayed = child["played"]
        return song
    }

    /// Songs from `children`, remembering what radio and scrobbling need later.
    func songs(from children: [SubsonicNode]) -> [Song] {
        var songs: [Song] = []
        songs.reserveCapacity(children.count)
        var artists: [(String, String)] = []
        var durations: [(String, Double)] = []
        for child in children {
            guard let song = song(from: child) else { continue }
            songs.append(song)
            if let artist = child["artistId"] { artists.append((song.id, artist)) }
            if let duration = song.duration { durations.append((song.id, duration)) }
        }
        shared.state.withLock { state in
            for (song, artist) in artists { state.artistIDs[song] = artist }
            for (song, duration) in durations { state.durations[song] = duration }
        }
        return songs
    }

    func playlistSummary(from node: SubsonicNode) -> PlaylistSummary? {
        guard let id = node["id"] else { return nil }
        return PlaylistSummary(
            id: id, name: node["name"] ?? id, description: node["comment"] ?? "", owner: node["owner"] ?? address.user,
            public: node.bool("public") ?? false, smart: false, songCount: node.int("songCount") ?? 0, duration: node.double("duration") ?? 0,
            version: 0, createdAt: node["created"] ?? "", updatedAt: node["changed"] ?? node["created"] ?? "")
    }

    func unsupported(_ what: String) -> APIClientError { .unsupported(server: address.description, what: what) }

    func element(_ name: String, of answer: SubsonicNode, from method: String) throws(APIClientError) -> SubsonicNode {
        guard let element = answer.child(name) else { throw .notSubsonic(url: redacted(method), reason: "the answer has no \(name)") }
        return element
    }

    /// The songs of one page of `search3` with an empty query: every song, by the server's own order.
    func searchPage(_ text: String, count: Int, offset: Int) async throws(APIClientError) -> [Song] {
        let answer = try await call(
            "search3", [("query", text), ("songCount", "\(count)"), ("songOffset", "\(offset)"), ("artistCount", "0"), ("albumCount", "0")])
        return songs(from: answer.child("searchResult3")?.all("song") ?? [])
    }

    func knownDuration(of song: String) -> Double? { shared.state.withLock { $0.durations[song] } }
    func knownArtist(of song: String) -> String? { shared.state.withLock { $0.artistIDs[song] } }

    func copy(with session: CurlSession) -> SubsonicClient {
        var copy = SubsonicClient(address: address, secret: secret, session: session, shared: shared)
        copy.asksForXML = asksForXML
        copy.listingPageSize = listingPageSize
        return copy
    }
}
