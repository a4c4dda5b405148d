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
