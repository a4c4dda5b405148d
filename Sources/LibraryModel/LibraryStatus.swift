/// Where a bundle stands after its last ingest.
public enum BundleState: String, Codable, Hashable, Sendable {
    /// In the catalog and up to date with the bucket.
    case ingested
    /// Waiting for a part that has not arrived (the MP3 after the JSON, or the JSON after the MP3).
    case pending
    /// Something in the bundle is wrong; the reason says what. An earlier good version stays listed.
    case rejected
    /// Nothing of it is in the bucket.
    case absent
}

/// One bundle that is not (or not fully) in the catalog, with the reason in words.
public struct BundleProblem: Codable, Hashable, Sendable {
    /// The bundle id, or the object key when the object is not part of any bundle.
    public var bundle: String
    public var state: BundleState
    public var reason: String
    /// ISO 8601, when this problem was first seen.
    public var since: String

    public init(bundle: String, state: BundleState, reason: String, since: String) {
        self.bundle = bundle
        self.state = state
        self.reason = reason
        self.since = since
    }
}

/// `GET /status`: what the service holds and what it could not ingest.
public struct LibraryStatus: Codable, Hashable, Sendable {
    public var songs: Int
    public var genres: Int
    public var storage: String
    public var catalog: String
    public var problems: [BundleProblem]
    /// The catalog's identity (as in `X-Catalog-Id`); optional, so statuses from older services still decode.
    public var catalogId: String?

    public init(songs: Int, genres: Int, storage: String, catalog: String, problems: [BundleProblem], catalogId: String? = nil) {
        self.songs = songs
        self.genres = genres
        self.storage = storage
        self.catalog = catalog
        self.problems = problems
        self.catalogId = catalogId
    }
}

/// `GET /bundles/{id}` and the body of a `PUT`'s answer: one bundle's objects and ingest state.
public struct BundleReport: Codable, Hashable, Sendable {
    public var id: String
    public var state: BundleState
    public var reason: String?
    /// Keys of the bundle's objects present in the bucket.
    public var objects: [String]
    public var song: Song?

    public init(id: String, state: BundleState, reason: String?, objects: [String], song: Song?) {
        self.id = id
        self.state = state
        self.reason = reason
        self.objects = objects
        self.song = song
    }
}

/// The answer to `PUT /bundles/{id}/{file}`.
public struct UploadReceipt: Codable, Hashable, Sendable {
    public var key: String
    public var bytes: Int
    public var bundle: BundleReport

    public init(key: String, bytes: Int, bundle: BundleReport) {
        self.key = key
        self.bytes = bytes
        self.bundle = bundle
    }
}

/// The body of every error response: `{"error":"…"}`.
public struct ErrorBody: Codable, Hashable, Sendable {
    public var error: String

    public init(error: String) { self.error = error }
}
