/// The REST API's paths and query parameters, named once for the server's routes and the client's requests.
public enum APIPath {
    public static let songs = "/songs"
    public static let genres = "/genres"
    public static let status = "/status"
    public static let health = "/healthz"
    public static let openAPI = "/openapi.json"
    public static let mediaPrefix = "/media/"
    public static let bundlesPrefix = "/bundles/"

    public static func song(_ id: BundleID) -> String { "/songs/\(id.rawValue)" }
    public static func media(_ key: ObjectKey) -> String { mediaPrefix + key.name }
    public static func bundle(_ id: BundleID) -> String { bundlesPrefix + id.rawValue }
    public static func bundleObject(_ key: ObjectKey) -> String { "\(bundlesPrefix)\(key.bundle.rawValue)/\(key.name)" }

    // MARK: Listeners

    public static let login = "/login"
    public static let logout = "/logout"
    public static let me = "/me"
    public static let apiKeys = "/me/keys"
    public static let users = "/users"
    public static let likes = "/likes"
    public static let plays = "/plays"
    public static let history = "/history"
    public static let historyImport = "/history/import"
    public static let historyExport = "/history/export"
    public static let playlists = "/playlists"
    public static let playlistImport = "/playlists/import"
    public static let forYou = "/recommendations/for-you"
    public static let discover = "/recommendations/discover"
    public static let radio = "/radio"

    public static func apiKey(_ id: String) -> String { "\(apiKeys)/\(id)" }
    public static func user(_ name: String) -> String { "\(users)/\(PercentEncoding.escape(name))" }
    public static func userPassword(_ name: String) -> String { user(name) + "/password" }
    public static func like(_ song: String) -> String { "/songs/\(PercentEncoding.escape(song))/like" }
    public static func rating(_ song: String) -> String { "/songs/\(PercentEncoding.escape(song))/rating" }
    public static func playlist(_ id: String) -> String { "\(playlists)/\(PercentEncoding.escape(id))" }
    public static func playlistSongs(_ id: String) -> String { playlist(id) + "/songs" }
    public static func playlistRemove(_ id: String) -> String { playlist(id) + "/remove" }
    public static func playlistMove(_ id: String) -> String { playlist(id) + "/move" }
    public static func playlistCopy(_ id: String) -> String { playlist(id) + "/copy" }
    public static func playlistExport(_ id: String) -> String { playlist(id) + "/export" }
    public static func similar(_ song: String) -> String { "/songs/\(PercentEncoding.escape(song))/similar" }
}

/// Percent-escapes a path segment or a query value: unreserved characters stay, every other byte becomes `%XX`.
public enum PercentEncoding {
    public static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                escaped.unicodeScalars.append("%")
                escaped.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                escaped.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 15)]))
            }
        }
        return escaped
    }
}

/// Filters and paging that `GET /songs` understands.
public struct SongQuery: Hashable, Sendable {
    /// A genre name (any case) or id.
    public var genre: String?
    /// Exact artist name, any case.
    public var artist: String?
    /// Exact album name, any case.
    public var album: String?
    /// Words to find in title, artist or album, any case or accent.
    public var search: String?
    public var limit: Int?
    public var offset: Int?

    public init(
        genre: String? = nil,
        artist: String? = nil,
        album: String? = nil,
        search: String? = nil,
        limit: Int? = nil,
        offset: Int? = nil
    ) {
        self.genre = genre
        self.artist = artist
        self.album = album
        self.search = search
        self.limit = limit
        self.offset = offset
    }

    public enum Parameter {
        public static let genre = "genre"
        public static let artist = "artist"
        public static let album = "album"
        public static let search = "q"
        public static let limit = "limit"
        public static let offset = "offset"
    }

    /// The query as `name=value` pairs, unescaped, in a stable order.
    public var parameters: [(name: String, value: String)] {
        var pairs: [(String, String)] = []
        if let genre { pairs.append((Parameter.genre, genre)) }
        if let artist { pairs.append((Parameter.artist, artist)) }
        if let album { pairs.append((Parameter.album, album)) }
        if let search { pairs.append((Parameter.search, search)) }
        if let limit { pairs.append((Parameter.limit, String(limit))) }
        if let offset { pairs.append((Parameter.offset, String(offset))) }
        return pairs
    }
}
