import Catalog

/// A Subsonic error: answered with HTTP 200 and `status="failed"`, as every server does (Strawberry drops the body
/// of anything but 200), with the spec's code and a message for a person.
public struct SubsonicError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The codes of the Subsonic API 1.16.1 and OpenSubsonic's API-key extension.
    public enum Code: Int, Sendable {
        case generic = 0
        case missingParameter = 10
        case clientTooOld = 20
        case serverTooOld = 30
        case wrongCredentials = 40
        case tokenNotSupported = 41
        case mechanismNotSupported = 42
        case conflictingMechanisms = 43
        case invalidAPIKey = 44
        case notAuthorized = 50
        case trialOver = 60
        case notFound = 70
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "Subsonic error \(code.rawValue): \(message)" }

    static func missing(_ name: String) -> SubsonicError { SubsonicError(.missingParameter, "Required parameter is missing: \(name)") }

    static func notFound(_ what: String) -> SubsonicError { SubsonicError(.notFound, "\(what) not found") }

    /// What a catalog failure means to a Subsonic client; the service's own failures are code 0.
    init(catalog error: CatalogError) {
        switch error {
        case .notFound(let what): self.init(.notFound, what)
        case .invalid(let reason), .conflict(let reason): self.init(.generic, reason)
        case .unavailable: self.init(.generic, "the catalog is unavailable; try again shortly")
        case .constraint, .database, .corruptRow: self.init(.generic, "the catalog failed")
        }
    }
}

/// A catalog call whose failure becomes the Subsonic error that fits it.
func catalogCall<Value>(_ body: () async throws(CatalogError) -> Value) async throws(SubsonicError) -> Value {
    do {
        return try await body()
    } catch {
        throw SubsonicError(catalog: error)
    }
}
