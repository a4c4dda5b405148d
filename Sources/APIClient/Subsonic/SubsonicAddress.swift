import Foundation

/// Where a Subsonic server is and who signs in there, written `subsonic+https://USER@HOST[:PORT][/PATH]`
/// (or `subsonic+http://…`) wherever TermPlayer takes a server: `--server`, `TERMPLAYER_SERVER`, the
/// config file. The `subsonic+` prefix is what tells it from a TermPlayer service's URL.
public struct SubsonicAddress: Sendable, Hashable, CustomStringConvertible {
    /// The server's URL without `/rest` and without a trailing slash: "https://music.example.com/sub".
    public var base: String
    public var user: String
    /// A password written into the address (`USER:PASS@HOST`); better kept in the config file or a prompt.
    public var password: String?

    public static let prefix = "subsonic+"

    /// Whether `text` names a Subsonic server rather than a TermPlayer service.
    public static func names(_ text: String) -> Bool { text.lowercased().hasPrefix(prefix) }

    /// Why an address cannot be used, in words that show the form it takes.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var address: String
        public var reason: String
        public var description: String {
            "\(address) is not a Subsonic address (\(reason)); write it as subsonic+https://USER@HOST[:PORT][/PATH]"
        }
    }

    public init(parsing text: String) throws(Invalid) {
        guard Self.names(text) else { throw Invalid(address: text, reason: "it does not start with subsonic+") }
        let rest = String(text.dropFirst(Self.prefix.count))
        guard let components = URLComponents(string: rest), let scheme = components.scheme?.lowercased() else {
            throw Invalid(address: text, reason: "the rest is not a URL")
        }
        guard scheme == "http" || scheme == "https" else { throw Invalid(address: text, reason: "the scheme is \(scheme), not http or https") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(address: text, reason: "it names no host") }
        guard let user = components.user, !user.isEmpty else { throw Invalid(address: text, reason: "it names no user before @") }
        guard components.query == nil, components.fragment == nil else { throw Invalid(address: text, reason: "it has a query or fragment") }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        if path.hasSuffix("/rest") { path.removeLast(5) }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        base = "\(scheme)://\(hostPart)" + (components.port.map { ":\($0)" } ?? "") + path
        self.user = user
        password = components.password
    }

    /// As shown to people, without any password: "subsonic ann@https://music.example.com".
    public var description: String { "subsonic \(user)@\(base)" }
}
