public import Catalog
import Foundation
public import Hummingbird
import LibraryModel
public import NIOCore
import Synchronization
public import SubsonicAPI

/// Who a request comes from, decided once per request by `CallerMiddleware`.
public enum Caller: Sendable {
    case anonymous
    /// The service's own token: the machine's owner (the embedded TUI, local commands), who acts as the
    /// local listener and may manage accounts and the library.
    case owner
    /// A signed-in listener: a login token, an API key, or HTTP Basic.
    case listener(UserRecord)
}

/// The request context every route sees: Hummingbird's basics, the caller, and where the request came from.
public struct LibraryRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller = Caller.anonymous
    /// The credential the request was made with, when it was a login token (so logout can end it).
    var credentialID: String?
    /// nil in in-memory router tests.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Room for a playlist file or a batch of listens; routes with small bodies ask for less.
    public var maxUploadSize: Int { 16 << 20 }

    /// The remote IP, for rate limits ("unknown" in router tests).
    var address: String { remoteAddress?.ipAddress ?? "unknown" }
}

extension LibraryRequestContext: SubsonicRequestContext {
    public var clientAddress: String { address }
}

/// Reads the `Authorization` header once for every route. Credentials that are given but wrong are a
/// 401 even where none are needed: a client holding an expired login hears so, instead of silently
/// becoming anonymous.
struct CallerMiddleware: RouterMiddleware {
    typealias Context = LibraryRequestContext
    let accounts: Accounts

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let (scheme, credentials) = Self.split(header)
        switch scheme.lowercased() {
        case "bearer":
            let resolved = try await accounts.caller(bearer: credentials)
            context.caller = resolved.caller
            context.credentialID = resolved.credentialID
        case "basic":
            guard let decoded = Data(base64Encoded: credentials).flatMap({ String(bytes: $0, encoding: .utf8) }),
                let colon = decoded.firstIndex(of: ":")
            else {
                throw APIError(.unauthorized, "the Basic credentials are not base64 of NAME:PASSWORD", headers: Accounts.challenge)
            }
            let user = try await accounts.login(
                name: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]), from: context.address)
            context.caller = .listener(user)
        default:
            throw APIError(.unauthorized, "unsupported Authorization scheme \(scheme.prefix(20)); use Bearer or Basic", headers: Accounts.challenge)
        }
        return try await next(request, context)
    }

    static func split(_ header: String) -> (scheme: String, credentials: String) {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard let space = trimmed.firstIndex(of: " ") else { return (trimmed, "") }
        return (String(trimmed[..<space]), trimmed[space...].trimmingCharacters(in: .whitespaces))
    }
}

/// Counts failed logins per address and per listener name in a sliding window, so passwords cannot be
/// guessed at speed. Kept in memory: each replica limits on its own.
final class LoginLimiter: Sendable {
    struct Limit: Sendable {
        var failures: Int
        var window: Duration
    }

    let perAddress: Limit
    let perName: Limit
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    init(perAddress: Limit = Limit(failures: 20, window: .seconds(300)), perName: Limit = Limit(failures: 5, window: .seconds(60))) {
        self.perAddress = perAddress
        self.perName = perName
    }

    /// How long to wait before trying again, when either limit is reached.
    func retryAfter(address: String, name: String, now: ContinuousClock.Instant = .now) -> Duration? {
        failures.withLock { table in
            var wait: Duration?
            for (key, limit) in [("address \(address)", perAddress), ("name \(SearchKey.fold(name))", perName)] {
                let recent = (table[key] ?? []).filter { now - $0 < limit.window }
                table[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit.failures, let oldest = recent.first {
                    wait = max(wait ?? .zero, limit.window - (now - oldest))
                }
            }
            return wait
        }
    }

    func recordFailure(address: String, name: String, now: ContinuousClock.Instant = .now) {
        failures.withLock { table in
            table["address \(address)", default: []].append(now)
            table["name \(SearchKey.fold(name))", default: []].append(now)
            // A flood of distinct names must not grow the table without bound: past a size, entries whose
            // window has passed go, and then names (never addresses, which the flood comes from).
            guard table.count > 10_000 else { return }
            let longest = max(perAddress.window, perName.window)
            table = table.filter { _, times in times.last.map { now - $0 < longest } ?? false }
            if table.count > 10_000 { table = table.filter { $0.key.hasPrefix("address ") } }
        }
    }
}
