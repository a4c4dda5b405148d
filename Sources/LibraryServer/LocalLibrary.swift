public import Foundation
public import SystemPackage

/// The folder a zero-set-up library lives in: `bucket/`, `catalog.sqlite`, the upload `token`, and a
/// staging folder for uploads in flight.
public struct LocalLibrary: Sendable, Hashable {
    public let root: FilePath

    public init(root: FilePath) {
        self.root = root
    }

    public var bucket: FilePath { root.appending("bucket") }
    public var catalog: FilePath { root.appending("catalog.sqlite") }
    public var staging: FilePath { root.appending("tmp") }
    public var tokenFile: FilePath { root.appending("token") }
    /// The key listeners' passwords are sealed with, for protocols that need a password back (Subsonic's
    /// tokens). Kept beside the catalog, not in it: a copied catalog alone gives no password away.
    public var passwordKeyFile: FilePath { root.appending("password.key") }

    /// `$XDG_DATA_HOME/termplayer`, else `~/.local/share/termplayer`.
    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> FilePath {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return FilePath(data).appending("termplayer")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return FilePath(home).appending(".local/share/termplayer")
    }

    /// The library's upload token, created on first use (32 random bytes, hex, mode 0600).
    ///
    /// Returns whether it was just created, so `serve` can say where it is.
    public func token() throws(SystemCallError) -> (token: String, created: Bool) {
        try secret(in: tokenFile)
    }

    /// The token if the library has one; for commands that upload to a service on this machine.
    public func readToken() -> String? { readSecret(tokenFile) }

    /// The password-sealing key (hex), created on first use like the token.
    public func passwordKey() throws(SystemCallError) -> String {
        try secret(in: passwordKeyFile).token
    }

    private func secret(in file: FilePath) throws(SystemCallError) -> (token: String, created: Bool) {
        try LocalFiles.makeDirectory(root)
        if let existing = readSecret(file) { return (existing, false) }
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        try LocalFiles.writeAtomically(Array((secret + "\n").utf8), to: file, mode: 0o600)
        return (secret, true)
    }

    private func readSecret(_ file: FilePath) -> String? {
        guard let bytes = try? LocalFiles.readWholeFile(file, limit: 4096) else { return nil }
        let secret = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return secret.isEmpty ? nil : secret
    }
}
