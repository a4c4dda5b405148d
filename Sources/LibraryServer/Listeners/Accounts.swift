import Catalog
import Foundation
import HTTPTypes
import LibraryModel
import Synchronization

/// Who may do what: logins, sessions, API keys and accounts, over the catalog's listener tables.
///
/// With no accounts, a service that only listens on loopback treats every request as the machine
/// owner's local listener, so the zero-set-up library needs no login. Once accounts exist, requests
/// with the service's token still act as that listener; everyone else signs in.
public final class Accounts: Sendable {
    let catalog: any CatalogStore
    private let serviceToken: String
    let sealer: PasswordSealer
    let limiter: LoginLimiter
    /// The service answers on loopback only, so an anonymous request comes from this machine.
    let isLoopbackOnly: Bool
    /// How long a login lasts.
    static let sessionLifetime: TimeInterval = 30 * 24 * 3600
    /// Whether accounts exist, read at most once a second (replicas may add the first one).
    private let accountsExist = Mutex<(exist: Bool, checked: ContinuousClock.Instant)?>(nil)
    /// The local listener's row, read once: it is made by the migration and never changes.
    private let local = Mutex<UserRecord?>(nil)

    static let challenge: HTTPFields = [.wwwAuthenticate: #"Bearer realm="termplayer", Basic realm="termplayer""#]

    init(catalog: any CatalogStore, serviceToken: String, sealer: PasswordSealer, isLoopbackOnly: Bool, limiter: LoginLimiter = LoginLimiter()) {
        self.catalog = catalog
        self.serviceToken = serviceToken
        self.sealer = sealer
        self.isLoopbackOnly = isLoopbackOnly
        self.limiter = limiter
    }

    // MARK: Who is asking

    /// The service token, a login token or an API key; anything else is a 401 that says what to do.
    func caller(bearer token: String) async throws(APIError) -> (caller: Caller, credentialID: String?) {
        if ConstantTime.equal(token, serviceToken) { return (.owner, nil) }
        guard let parts = ListenerToken.parse(token) else {
            throw APIError(.unauthorized, "the bearer token is neither this service's token nor a login (termplayer login NAME)", headers: Self.challenge)
        }
        let expired = APIError(.unauthorized, "this login has expired or was revoked; sign in again (termplayer login NAME)", headers: Self.challenge)
        guard let credential = try await catalogCall({ try await catalog.credential(id: parts.id) }),
            ConstantTime.equal(ListenerToken.hash(parts.secret), credential.secretHash)
        else { throw expired }
        if let expiry = credential.expiresAt, expiry < Date() { throw expired }
        guard let user = try await catalogCall({ try await catalog.user(id: credential.userID) }) else { throw expired }
        return (.listener(user), credential.kind == .session ? credential.id : nil)
    }

    /// Checks a name and password, at most a few wrong guesses a minute per name and per address.
    func login(name: String, password: String, from address: String) async throws(APIError) -> UserRecord {
        if let wait = limiter.retryAfter(address: address, name: name) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            throw APIError(.tooManyRequests, "too many failed logins; try again in \(seconds) s", headers: [.retryAfter: String(seconds)])
        }
        let user = try await catalogCall({ try await catalog.user(named: name) })
        // A name that does not exist costs the same hash as a wrong password, so timing tells no names.
        let stored = user?.passwordHash ?? Self.decoyHash
        guard await PasswordHasher.verify(password, against: stored), let user, user.passwordHash != nil else {
            limiter.recordFailure(address: address, name: name)
            throw APIError(.unauthorized, "wrong name or password", headers: Self.challenge)
        }
        return user
    }

    /// A hash of nothing anyone knows, verified when a name does not exist.
    private static let decoyHash = "pbkdf2-sha256$\(PasswordHasher.rounds)$\(Data(count: 16).base64EncodedString())$\(Data(count: 32).base64EncodedString())"

    /// The listener a request acts as, or a 401 saying how to sign in.
    func listener(_ context: LibraryRequestContext) async throws(APIError) -> UserRecord {
        if let listener = try await optionalListener(context) { return listener }
        throw APIError(.unauthorized, "sign in first: termplayer login NAME, or POST /login", headers: Self.challenge)
    }

    /// nil for an anonymous request once it cannot be the local listener.
    func optionalListener(_ context: LibraryRequestContext) async throws(APIError) -> UserRecord? {
        switch context.caller {
        case .listener(let user): return user
        case .owner: return try await localListener()
        case .anonymous:
            guard isLoopbackOnly, try await !haveAccounts() else { return nil }
            return try await localListener()
        }
    }

    /// Who a request without credentials is: the local listener while no accounts exist on a loopback-only
    /// service (as `optionalListener` decides for anonymous requests), else nil.
    func implicitListener() async throws(APIError) -> UserRecord? {
        guard isLoopbackOnly, try await !haveAccounts() else { return nil }
        return try await localListener()
    }

    /// The listener an API key (or the service's own token, for the local listener) stands for; nil for a key
    /// that stands for no one, a login token included: those expire, and a Subsonic client keeps its key for good.
    func listener(apiKey token: String) async throws(APIError) -> UserRecord? {
        if ConstantTime.equal(token, serviceToken) { return try await localListener() }
        guard let parts = ListenerToken.parse(token),
            let credential = try await catalogCall({ try await catalog.credential(id: parts.id) }), credential.kind == .apiKey,
            ConstantTime.equal(ListenerToken.hash(parts.secret), credential.secretHash)
        else { return nil }
        return try await catalogCall { try await catalog.user(id: credential.userID) }
    }

    /// The owner, or an admin listener: who may manage accounts and the library.
    func requireAdmin(_ context: LibraryRequestContext) throws(APIError) {
        switch context.caller {
        case .owner: return
        case .listener(let user) where user.isAdmin: return
        case .listener: throw APIError(.forbidden, "only an admin (or the service's token) may do this")
        case .anonymous: throw APIError(.unauthorized, "this needs the service's token or an admin's login", headers: Self.challenge)
        }
    }

    private func localListener() async throws(APIError) -> UserRecord {
        if let known = local.withLock({ $0 }) { return known }
        guard let found = try await catalogCall({ try await catalog.user(id: UserRecord.localID) }) else {
            throw APIError(.internalServerError, "the catalog has no local listener; was it migrated?")
        }
        local.withLock { $0 = found }
        return found
    }

    private func haveAccounts() async throws(APIError) -> Bool {
        let now = ContinuousClock.now
        if let known = accountsExist.withLock({ $0 }), now - known.checked < .seconds(1) { return known.exist }
        let exist = try await catalogCall({ try await catalog.accountCount() }) > 0
        accountsExist.withLock { $0 = (exist, now) }
        return exist
    }

    // MARK: Sessions and keys

    func startSession(for user: UserRecord) async throws(APIError) -> LoginToken {
        let (id, secret, token) = ListenerToken.make()
        let now = Date()
        let expiry = now + Self.sessionLifetime
        try await catalogCall {
            try await catalog.addCredential(
                CredentialRecord(id: id, userID: user.id, kind: .session, name: "login", secretHash: ListenerToken.hash(secret), createdAt: now, expiresAt: expiry))
            // Logins are rare; they are when expired ones are swept.
            try await catalog.removeExpiredCredentials(before: now)
        }
        return LoginToken(token: token, expiresAt: ISOTime.format(expiry), listener: Self.listener(user))
    }

    func createAPIKey(for user: UserRecord, name: String) async throws(APIError) -> APIKeyInfo {
        let (id, secret, token) = ListenerToken.make()
        let now = Date()
        try await catalogCall {
            try await catalog.addCredential(CredentialRecord(id: id, userID: user.id, kind: .apiKey, name: name, secretHash: ListenerToken.hash(secret), createdAt: now))
        }
        return APIKeyInfo(id: id, name: name, createdAt: ISOTime.format(now), key: token)
    }

    // MARK: Accounts

    func createUser(_ new: NewUser) async throws(APIError) -> UserRecord {
        let name = try ListenerText.name(new.name, of: "a listener's name")
        try ListenerText.password(new.password)
        let user = UserRecord(
            id: "u-" + ListenerToken.randomText(bytes: 9), name: name, isAdmin: new.admin ?? false,
            passwordHash: try await hash(new.password), sealedPassword: try seal(new.password))
        try await catalogCall { try await catalog.createUser(user) }
        accountsExist.withLock { $0 = nil }
        return user
    }

    func setPassword(of user: UserRecord, to password: String) async throws(APIError) {
        guard !user.isLocal else { throw APIError(.forbidden, "the local listener signs in with the service's token, not a password") }
        try ListenerText.password(password)
        let hash = try await hash(password)
        let sealed = try seal(password)
        try await catalogCall { try await catalog.setPassword(userID: user.id, hash: hash, sealed: sealed) }
    }

    func removeUser(_ user: UserRecord) async throws(APIError) {
        guard !user.isLocal else { throw APIError(.forbidden, "the local listener belongs to the machine's owner and cannot be removed") }
        try await catalogCall { try await catalog.removeUser(id: user.id) }
        accountsExist.withLock { $0 = nil }
    }

    func user(named name: String) async throws(APIError) -> UserRecord {
        guard let user = try await catalogCall({ try await catalog.user(named: name) }) else {
            throw APIError.notFound("no listener named \(name)")
        }
        return user
    }

    private func hash(_ password: String) async throws(APIError) -> String {
        do {
            return try await PasswordHasher.hash(password)
        } catch {
            throw APIError(.serviceUnavailable, "cannot hash the password now: \(error)")
        }
    }

    private func seal(_ password: String) throws(APIError) -> String {
        do {
            return try sealer.seal(password)
        } catch {
            throw APIError(.internalServerError, "cannot seal the password: \(error)")
        }
    }

    static func listener(_ user: UserRecord) -> Listener {
        Listener(id: user.id, name: user.name, admin: user.isAdmin, local: user.isLocal, sharesListening: user.sharesListening)
    }
}

/// A catalog call whose failure becomes the API error that fits it.
func catalogCall<Value>(_ body: () async throws -> Value) async throws(APIError) -> Value {
    do {
        return try await body()
    } catch let error as CatalogError {
        throw APIError(catalog: error)
    } catch let error as APIError {
        throw error
    } catch {
        throw APIError(.internalServerError, "the catalog failed")
    }
}

extension APIError {
    /// What a catalog failure means to a client: its own mistake (400, 404, 409) or the service's (500, 503).
    init(catalog error: CatalogError) {
        switch error {
        case .notFound(let what): self.init(.notFound, what)
        case .conflict(let reason): self.init(.conflict, reason)
        case .invalid(let reason): self.init(.badRequest, reason)
        case .unavailable: self.init(.serviceUnavailable, "the catalog is unavailable; try again shortly")
        case .constraint, .database, .corruptRow: self.init(.internalServerError, "the catalog failed")
        }
    }
}

/// Checks of what listeners name things, with messages that say what is wrong.
enum ListenerText {
    /// Trimmed, not empty, at most `ListenerLimits.nameLength` characters, no control characters.
    static func name(_ raw: String, of what: String) throws(APIError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw .badRequest("\(what) cannot be empty") }
        // Counted in Unicode scalars, as JSON Schema's maxLength counts (the API's document states the limit).
        guard name.unicodeScalars.count <= ListenerLimits.nameLength else {
            throw .badRequest("\(what) is at most \(ListenerLimits.nameLength) characters; this one has \(name.unicodeScalars.count)")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("\(what) cannot hold control characters")
        }
        return name
    }

    static func description(_ raw: String) throws(APIError) -> String {
        guard raw.unicodeScalars.count <= ListenerLimits.descriptionLength else {
            throw .badRequest("a description is at most \(ListenerLimits.descriptionLength) characters; this one has \(raw.unicodeScalars.count)")
        }
        return raw
    }

    static func password(_ password: String) throws(APIError) {
        guard !password.isEmpty else { throw .badRequest("a password cannot be empty") }
        guard password.count <= ListenerLimits.passwordLength else {
            throw .badRequest("a password is at most \(ListenerLimits.passwordLength) characters")
        }
    }
}
