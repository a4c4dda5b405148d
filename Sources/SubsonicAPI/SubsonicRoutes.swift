import Catalog
import Foundation
public import Hummingbird
import HTTPTypes
import LibraryModel
public import Logging
import NIOCore
public import WireFormats

/// `/rest/NAME` and `/rest/NAME.view`, by GET (and HEAD), by POST with the parameters in the query string, and by
/// POST form. Added to the router before the service's own middleware that writes JSON errors and reads
/// `Authorization`: Subsonic answers its errors inside its envelope, with HTTP 200, and authenticates its own way.
public struct SubsonicRoutes<Context: SubsonicRequestContext>: Sendable {
    public let service: SubsonicService

    public init(service: SubsonicService) {
        self.service = service
    }

    public func add(to router: Router<Context>) {
        router.get("/rest/:method", use: respond)
        router.post("/rest/:method", use: respond)
    }

    @Sendable func respond(_ request: Request, context: Context) async throws -> Response {
        var form: String?
        if request.method == .post, let type = request.headers[.contentType]?.lowercased(), type.hasPrefix("application/x-www-form-urlencoded") {
            // Parameters are short; a megabyte is far more than any playlist's ids.
            let body = try await request.body.collect(upTo: 1 << 20)
            form = String(buffer: body)
        }
        let name = context.parameters.get("method") ?? ""
        return try await service.respond(
            to: name.hasSuffix(".view") ? String(name.dropLast(5)) : name, parameters: SubsonicParameters(query: request.uri.query, form: form),
            request: request, address: context.clientAddress, logger: context.logger)
    }
}

/// One request, once its caller is known.
struct SubsonicCall: Sendable {
    var parameters: SubsonicParameters
    /// nil only for the methods that need no authentication.
    var listener: UserRecord?
    var request: Request
    var format: SubsonicFormat

    /// The caller, for the methods that need one.
    func requireListener() throws(SubsonicError) -> UserRecord {
        guard let listener else { throw SubsonicError(.notAuthorized, "this needs a listener") }
        return listener
    }
}

/// What a method answers: an element for the envelope (nil: an empty success), or bytes of its own (a song, a cover).
enum SubsonicReply: Sendable {
    case element(SubsonicElement?)
    case raw(Response)
}

/// The Subsonic API over the catalog and a `SubsonicBackend`: authentication, the methods, and the state that
/// lives in memory (who is playing what, and saved play queues, per replica).
public final class SubsonicService: Sendable {
    let backend: any SubsonicBackend
    let albums: AlbumIndex
    let nowPlaying = NowPlayingBoard()
    let playQueues = PlayQueueStore()
    var catalog: any CatalogStore { backend.catalog }

    public init(backend: any SubsonicBackend) {
        self.backend = backend
        self.albums = AlbumIndex(catalog: backend.catalog)
    }

    /// Methods that answer without credentials: a client asks them before it knows how to sign in.
    static let openMethods: Set<String> = ["ping", "getLicense", "getOpenSubsonicExtensions"]

    /// The whole answer to one request: an envelope (or a method's own bytes), HTTP 200 for every Subsonic error.
    public func respond(to method: String, parameters: SubsonicParameters, request: Request, address: String, logger: Logger) async throws -> Response {
        let (format, formatProblem) = SubsonicFormat.of(parameters)
        if let formatProblem { return envelope(nil, error: formatProblem, format: format) }
        guard let handler = Self.handler(for: method) else {
            return envelope(nil, error: SubsonicError(.notFound, "Unknown method \(method.prefix(60)): this server does not have it"), format: format)
        }
        do {
            let listener: UserRecord?
            if method == "getOpenSubsonicExtensions" {
                // The spec: it answers whatever the credentials, for clients that ask before they sign in.
                listener = nil
            } else if Self.openMethods.contains(method), (try? SubsonicCredentials(parameters)) == SubsonicCredentials.none {
                // Without credentials, ping and getLicense still answer (a client checking it reached a server);
                // with them, they are checked, as clients ping to test a login.
                listener = try? await authenticate(parameters, address: address)
            } else {
                listener = try await authenticate(parameters, address: address)
            }
            let call = SubsonicCall(parameters: parameters, listener: listener, request: request, format: format)
            switch try await handler(self)(call) {
            case .element(let element): return envelope(element, format: format)
            case .raw(let response): return response
            }
        } catch let error as SubsonicError {
            return envelope(nil, error: error, format: format)
        } catch let error as CatalogError {
            logger.error("/rest/\(method) failed: \(error)")
            return envelope(nil, error: SubsonicError(catalog: error), format: format)
        } catch let error as any HTTPResponseError {
            // A range past the end stays an HTTP answer: a player resuming a download reads the status.
            if error.status == .rangeNotSatisfiable || error.status == .notModified { throw error }
            let code: SubsonicError.Code = error.status == .notFound ? .notFound : .generic
            return envelope(nil, error: SubsonicError(code, "\(error)"), format: format)
        } catch {
            let failure = InternalFailure()
            logger.error("\(failure.logLine("/rest/\(method)", error))")
            return envelope(nil, error: SubsonicError(.generic, failure.description), format: format)
        }
    }

    func envelope(_ element: SubsonicElement?, error: SubsonicError? = nil, format: SubsonicFormat) -> Response {
        let bytes = SubsonicEnvelope.render(element, error: error, format: format, serverVersion: backend.serverVersion)
        return Response(
            status: .ok, headers: [.contentType: format.contentType, .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Authentication

    /// Who the request acts as, or the error the spec gives for its credentials.
    func authenticate(_ parameters: SubsonicParameters, address: String) async throws(SubsonicError) -> UserRecord {
        let wrong = SubsonicError(.wrongCredentials, "Wrong username or password")
        switch try SubsonicCredentials(parameters) {
        case .none:
            if let implicit = try await backend.implicitListener() { return implicit }
            throw SubsonicError(.missingParameter, "Required parameter is missing: u with p, or u with t and s, or apiKey")
        case .apiKey(let key):
            guard let user = try await backend.listener(apiKey: key) else { throw SubsonicError(.invalidAPIKey, "Invalid API key") }
            return user
        case .password(let name, let password):
            let account = try await account(name, address: address)
            guard let account else { return try await implicitOrWrong(name, address: address) }
            let matches: Bool
            if let known = account.password {
                matches = SubsonicCredentials.constantTimeEqual(Array(password.utf8), Array(known.utf8))
            } else {
                matches = await backend.verify(password, of: account.user)
            }
            guard matches else {
                backend.recordFailedLogin(name: name, address: address)
                throw wrong
            }
            return account.user
        case .token(let name, let token, let salt):
            let account = try await account(name, address: address)
            guard let account else { return try await implicitOrWrong(name, address: address) }
            guard let known = account.password else {
                throw SubsonicError(
                    .tokenNotSupported,
                    "Token authentication not supported for \(account.user.name): their password was set before it could be; set it again, or send p")
            }
            guard SubsonicCredentials.tokenMatches(token, password: known, salt: salt) else {
                backend.recordFailedLogin(name: name, address: address)
                throw wrong
            }
            return account.user
        }
    }

    private func account(_ name: String, address: String) async throws(SubsonicError) -> (user: UserRecord, password: String?)? {
        if let wait = backend.loginDelay(name: name, address: address) {
            let seconds = max(1, Int(wait.components.seconds) + 1)
            throw SubsonicError(.wrongCredentials, "Too many wrong passwords; try again in \(seconds) s")
        }
        return try await backend.account(named: name)
    }

    /// A name with no account: while there are no accounts on a loopback-only service, any name is the local
    /// listener (a client insists on one); otherwise the same answer as a wrong password, so names are not told.
    private func implicitOrWrong(_ name: String, address: String) async throws(SubsonicError) -> UserRecord {
        if let implicit = try await backend.implicitListener() { return implicit }
        backend.recordFailedLogin(name: name, address: address)
        throw SubsonicError(.wrongCredentials, "Wrong username or password")
    }
}
