import Foundation
import LibraryModel
import OSThreads

#if canImport(Glibc)
import Glibc
#endif

/// A listener's login to one service, as `termplayer login` keeps it.
struct StoredLogin: Codable, Hashable, Sendable {
    /// The listener's name, as the service spells it.
    var name: String
    /// The bearer token `POST /login` answered.
    var token: String
    /// ISO 8601, as the service wrote it.
    var expiresAt: String

    /// nil when `expiresAt` is not a time (a hand-edited file): such a login is treated as expired.
    var expiry: Date? { ISOTime.parse(expiresAt) }

    func isExpired(at now: Date = Date()) -> Bool {
        guard let expiry else { return true }
        return expiry <= now
    }
}

/// Why the logins file could not be written.
struct LoginStoreError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot write \(path): \(reason)" }
}

/// The logins `termplayer login` keeps: `$XDG_CONFIG_HOME/termplayer/logins` (else
/// `~/.config/termplayer/logins`), a small JSON object keyed by the server's URL —
/// `{"http://127.0.0.1:8080": {"name": "ann", "token": "…", "expiresAt": "2026-06-01T…Z"}}`.
///
/// The file holds bearer tokens, so it is only ever written whole, through a temporary file created
/// with mode 0600 and renamed over the old one; its folder is created with mode 0700 when missing.
/// The commands and the TUI share it.
struct LoginStore: Sendable {
    let file: URL

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".config")
        file = base.appendingPathComponent("termplayer").appendingPathComponent("logins")
    }

    init(file: URL) {
        self.file = file
    }

    /// The login kept for `server`, expired or not (see `StoredLogin.isExpired`).
    func login(for server: String) -> StoredLogin? {
        all()[Self.key(for: server)]
    }

    /// Every kept login, by server URL; empty when there is no file or it cannot be read.
    func all() -> [String: StoredLogin] {
        guard let data = try? Data(contentsOf: file),
            let logins = try? JSONDecoder().decode([String: StoredLogin].self, from: data)
        else { return [:] }
        return logins
    }

    /// Keeps `login` for `server`, replacing any earlier one for it.
    func save(_ login: StoredLogin, for server: String) throws {
        var logins = all()
        logins[Self.key(for: server)] = login
        try write(logins)
    }

    /// Forgets the login for `server`; nothing to forget is not an error.
    func remove(for server: String) throws {
        var logins = all()
        guard logins.removeValue(forKey: Self.key(for: server)) != nil else { return }
        try write(logins)
    }

    /// The form logins are keyed by: scheme and host in lower case, no trailing slash, so
    /// `HTTP://Example.org:8080/` and `http://example.org:8080` are the same service.
    static func key(for server: String) -> String {
        var url = server.trimmingCharacters(in: .whitespacesAndNewlines)
        while url.hasSuffix("/") { url.removeLast() }
        guard let schemeEnd = url.range(of: "://") else { return url }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(of: "/") ?? url.endIndex
        return url[..<authorityEnd].lowercased() + url[authorityEnd...]
    }

    // MARK: Writing

    private func write(_ logins: [String: StoredLogin]) throws {
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LoginStoreError(path: folder.path, reason: Self.reason(error))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(logins) + Data("\n".utf8)
        } catch {
            throw LoginStoreError(path: file.path, reason: "\(error)")
        }
        let temporary = folder.appendingPathComponent(".logins.\(getpid()).\(UInt32.random(in: 0...UInt32.max))").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LoginStoreError(path: temporary, reason: Self.errnoText()) }
        var failure: String?
        // The umask can only take permissions away; this makes sure none were added either.
        if fchmod(descriptor, 0o600) != 0 { failure = Self.errnoText() }
        if failure == nil {
            failure = data.withUnsafeBytes { FullWrite.write($0, to: descriptor) }.map { String(cString: strerror($0)) }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = Self.errnoText() }
        if close(descriptor) != 0, failure == nil { failure = Self.errnoText() }
        if failure == nil, rename(temporary, file.path) != 0 { failure = Self.errnoText() }
        if let failure {
            unlink(temporary)
            throw LoginStoreError(path: file.path, reason: failure)
        }
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }

    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }
}
