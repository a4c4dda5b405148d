public import Catalog
public import Hummingbird
public import LibraryModel

/// What the Subsonic API needs of the service it is part of, beyond the catalog: accounts, the bucket's bytes,
/// scans and recommendations. The bundled service implements it; the API itself knows nothing of buckets.
public protocol SubsonicBackend: Sendable {
    var catalog: any CatalogStore { get }
    /// The service's version, reported as `serverVersion`.
    var serverVersion: String { get }

    /// The account of that name (any case), with its password when it can be recovered (sealed with the
    /// service's key); nil when there is no such account.
    func account(named name: String) async throws(SubsonicError) -> (user: UserRecord, password: String?)?
    /// Checks a password against the account's slow hash, for accounts whose password cannot be recovered.
    func verify(_ password: String, of user: UserRecord) async -> Bool
    /// The listener an API key stands for; nil when it stands for no one.
    func listener(apiKey: String) async throws(SubsonicError) -> UserRecord?
    /// Who a request without credentials acts as: the local listener while there are no accounts and the
    /// service only listens on loopback, as in the service's own API; nil otherwise.
    func implicitListener() async throws(SubsonicError) -> UserRecord?
    /// Whether a name or an address has guessed wrong too often lately, and how long to wait; nil: go ahead.
    func loginDelay(name: String, address: String) -> Duration?
    func recordFailedLogin(name: String, address: String)

    /// An object's bytes as `/media` serves them: Range, conditional requests, HEAD.
    func media(_ key: ObjectKey, request: Request) async throws -> Response
    /// A cover, scaled to fit `size` × `size` when given.
    func cover(_ key: ObjectKey, size: Int?, request: Request) async throws -> Response

    /// Starts walking the bucket for changes, unless a walk is under way.
    func startScan()
    var isScanning: Bool { get }

    /// Songs like `songID` for this listener, best first; empty when the recommender has nothing.
    func similarSongs(to songID: String, for listener: UserRecord, count: Int) async -> [String]
}

/// A request context that can say where the request came from, for limiting wrong guesses per address.
public protocol SubsonicRequestContext: RequestContext {
    var clientAddress: String { get }
}
