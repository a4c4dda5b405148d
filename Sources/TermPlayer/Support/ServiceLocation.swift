import APIClient
import ArgumentParser
import Foundation
import LibraryModel
import LibraryServer
import SystemPackage

/// The options every client command shares: which service, and the token its writes need.
///
/// Which bearer token a command sends, first match wins:
///
/// | commands | order |
/// | --- | --- |
/// | uploads and imports (`upload`, `import`) | `--token`, `TERMPLAYER_TOKEN`, the library's token file |
/// | a listener's own music (`like`, `likes`, `rate`, `history`, `playlist`, `apikey`) | `--token`, `TERMPLAYER_TOKEN`, the login stored for this server (`termplayer login`), the library's token file |
/// | accounts (`user …`) | `--token`, `TERMPLAYER_TOKEN`, the library's token file, the login stored for this server |
///
/// The library's token file is the service's own token: with it a command acts as the machine owner's
/// local listener, and may manage accounts. Listener commands prefer a login, so that after
/// `termplayer login ann` they act as ann even on the machine that runs the service; account commands
/// prefer the owner's token, and fall back on a login (an admin's) elsewhere. With no token at all, a
/// service on loopback with no accounts still treats the caller as the local listener.
/// An expired stored login is never sent: the command says to log in again instead.
struct ServiceLocation: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp("The library service's URL.", valueName: "url"))
    var server: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The bearer token to send: the service's token, a login's, or an API key.", valueName: "token"))
    var token: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The library folder whose token file to use (default: the standard library folder).", valueName: "dir"))
    var library: String?

    var serverURL: String { server ?? Self.environmentServer ?? Self.defaultServer }

    /// `TERMPLAYER_SERVER`, when set and not empty.
    static var environmentServer: String? {
        ProcessInfo.processInfo.environment["TERMPLAYER_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `TERMPLAYER_TOKEN`, when set and not empty.
    static var environmentToken: String? {
        ProcessInfo.processInfo.environment["TERMPLAYER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// --token, TERMPLAYER_TOKEN, or the token file of the library on this machine.
    var resolvedToken: String? {
        if let token { return token }
        if let fromEnvironment = Self.environmentToken { return fromEnvironment }
        return libraryFolder.readToken()
    }

    /// The token, or an error that says every way to give one.
    func requiredToken() throws -> String {
        guard let token = resolvedToken else {
            throw CommandFailure(
                message: "uploads need the service's token: pass --token, set TERMPLAYER_TOKEN, or run on the machine whose library holds it (\(libraryFolder.tokenFile))")
        }
        return token
    }

    var libraryFolder: LocalLibrary {
        LocalLibrary(root: library.map { FilePath($0) } ?? LocalLibrary.defaultRoot())
    }

    // MARK: Who a command acts as

    /// What a command does decides which token it prefers (see the type's documentation).
    enum TokenUse {
        /// A listener's own music: likes, ratings, history, playlists, API keys.
        case listener
        /// Managing accounts: the owner's token first, then an admin's login.
        case accounts
    }

    /// Where the token a command sends came from.
    enum TokenSource {
        case option
        case environment
        case login(StoredLogin)
        case libraryFile(String)
    }

    /// The token `use` sends to `serverURL`, and where it came from; nil when there is none, and an
    /// error when the one to send is an expired login.
    func token(for use: TokenUse, logins: LoginStore = LoginStore()) throws(CommandFailure) -> (token: String, source: TokenSource)? {
        try Self.token(for: use, server: serverURL, given: token, library: libraryFolder, logins: logins)
    }

    /// A client that acts as whoever `token(for: use)` belongs to.
    func client(for use: TokenUse) async throws(CommandFailure) -> LibraryClient {
        try await Self.client(for: use, server: serverURL, given: token, library: libraryFolder)
    }

    /// Where `songs`, `genres` and `play` get music: a Subsonic server for a `subsonic+` address, else
    /// the TermPlayer service, as its listener.
    func source() async throws(CommandFailure) -> any MusicSource {
        try await MusicSourceChoice.source(server: serverURL, given: token, library: libraryFolder)
    }

    /// `token(for:)` for commands with options of their own (the UI).
    static func token(
        for use: TokenUse, server: String, given: String?, library: LocalLibrary, logins: LoginStore = LoginStore()
    ) throws(CommandFailure) -> (token: String, source: TokenSource)? {
        if let given { return (given, .option) }
        if let fromEnvironment = environmentToken { return (fromEnvironment, .environment) }
        // The library's token belongs to this machine's own service: it is never sent anywhere else.
        let fromLibrary = isLoopback(server) ? library.readToken().map { ($0, TokenSource.libraryFile(library.tokenFile.string)) } : nil
        if use == .accounts, let fromLibrary { return fromLibrary }
        if let login = logins.login(for: server) {
            guard !login.isExpired() else {
                let when = login.expiry.map { " on \(LocalTime().format($0))" } ?? ""
                throw CommandFailure(
                    message: "your login as \(login.name) at \(server) expired\(when); log in again with `termplayer login \(login.name)` (or `termplayer logout` to stop using it)")
            }
            return (login.token, .login(login))
        }
        return fromLibrary
    }

    /// A client acting as `token(for:)`'s choice. The library's token is a guess — another service on
    /// this machine has a token of its own — so one the service refuses is dropped, and the command goes
    /// on without a token.
    static func client(for use: TokenUse, server: String, given: String?, library: LocalLibrary) async throws(CommandFailure) -> LibraryClient {
        guard let (token, source) = try token(for: use, server: server, given: given, library: library) else { return LibraryClient(server: server) }
        let client = LibraryClient(server: server, token: token)
        guard case .libraryFile = source else { return client }
        do {
            _ = try await client.me()
        } catch where error.status == 401 {
            return LibraryClient(server: server)
        } catch {}
        return client
    }

    /// Whether `url` names a service on this machine (its token file may be the one to send).
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}

/// Times shown to people: local, to the minute ("2026-05-01 21:15").
struct LocalTime {
    private let formatter: DateFormatter

    init() {
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
    }

    func format(_ date: Date) -> String { formatter.string(from: date) }

    /// An API time (ISO 8601) as local time; the text as it is when it is not a time.
    func format(iso text: String) -> String {
        ISOTime.parse(text).map(format) ?? text
    }
}
