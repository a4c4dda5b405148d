import Catalog
import Hummingbird
import LibraryModel
import Recommender
import SubsonicAPI
import Synchronization

/// What `/rest` needs of the service: the listeners' accounts, the bucket's bytes as `/media` serves them, scans,
/// and the recommender.
final class SubsonicBridge: SubsonicBackend {
    let routes: LibraryRoutes
    private let walking = Mutex(false)

    init(routes: LibraryRoutes) {
        self.routes = routes
    }

    var catalog: any CatalogStore { routes.library.catalog }
    var serverVersion: String { TermPlayerVersion.current }
    private var accounts: Accounts { routes.accounts }

    func account(named name: String) async throws(SubsonicError) -> (user: UserRecord, password: String?)? {
        let user = try await subsonic { () async throws(APIError) in try await catalogCall { try await self.catalog.user(named: name) } }
        guard let user, !user.isLocal else { return nil }
        return (user, user.sealedPassword.flatMap(accounts.sealer.open))
    }

    func verify(_ password: String, of user: UserRecord) async -> Bool {
        guard let hash = user.passwordHash else { return false }
        return await PasswordHasher.verify(password, against: hash)
    }

    func listener(apiKey: String) async throws(SubsonicError) -> UserRecord? {
        try await subsonic { () async throws(APIError) in try await accounts.listener(apiKey: apiKey) }
    }

    func implicitListener() async throws(SubsonicError) -> UserRecord? {
        try await subsonic { () async throws(APIError) in try await accounts.implicitListener() }
    }

    func loginDelay(name: String, address: String) -> Duration? {
        accounts.limiter.retryAfter(address: address, name: name)
    }

    func recordFailedLogin(name: String, address: String) {
        accounts.limiter.recordFailure(address: address, name: name)
    }

    func media(_ key: ObjectKey, request: Request) async throws -> Response {
        guard let info = try await routes.library.bucket.info(key) else { throw APIError.notFound("no object \(key) in the bucket") }
        return try await routes.object(key, info: info, request: request)
    }

    func cover(_ key: ObjectKey, size: Int?, request: Request) async throws -> Response {
        guard let info = try await routes.library.bucket.info(key) else { throw APIError.notFound("no object \(key) in the bucket") }
        guard let size else { return try await routes.object(key, info: info, request: request) }
        return try await routes.scaledCover(key, info: info, size: size, request: request)
    }

    func startScan() {
        let started = walking.withLock { walking in
            defer { walking = true }
            return !walking
        }
        guard started else { return }
        let library = routes.library
        Task {
            await library.reconcileEverything()
            self.walking.withLock { $0 = false }
        }
    }

    /// While the bucket is walked, and while what the walk queued is ingested.
    var isScanning: Bool { walking.withLock { $0 } || routes.library.queue.backlog > 0 }

    func similarSongs(to songID: String, for listener: UserRecord, count: Int) async -> [String] {
        let recommendations = routes.library.recommendations
        guard let model = try? await recommendations.model(), let taste = try? await recommendations.taste(of: listener),
            let picks = try? model.similar(to: songID, taste: taste, limit: count)
        else { return [] }
        return picks.map(\.songID)
    }

    /// The service's own errors, told to a Subsonic client.
    private func subsonic<Value>(_ body: () async throws(APIError) -> Value) async throws(SubsonicError) -> Value {
        do {
            return try await body()
        } catch {
            throw SubsonicError(.generic, error.message)
        }
    }
}
