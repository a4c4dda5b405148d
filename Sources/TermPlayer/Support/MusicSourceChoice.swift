import APIClient
import Foundation
import LibraryServer

/// Which music source a server address means: `subsonic+https://USER@HOST` a Subsonic server, anything
/// else a TermPlayer service (with the token rules of `ServiceLocation`).
enum MusicSourceChoice {
    /// `TERMPLAYER_PASSWORD`, when set and not empty.
    static var environmentPassword: String? {
        ProcessInfo.processInfo.environment["TERMPLAYER_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The source for `server`, signed in as `ServiceLocation` says for a TermPlayer service. `config` is
    /// the caller's, when it has read it already (the UI); else it is read for a Subsonic server's secret.
    static func source(
        server: String, given token: String?, library: LocalLibrary, config: UserConfig? = nil
    ) async throws(CommandFailure) -> any MusicSource {
        if SubsonicAddress.names(server) {
            // `??` would lose the typed throw of its right side.
            if let config { return try subsonic(server, config: config) }
            return try subsonic(server, config: try UserConfig.load())
        }
        return try await ServiceLocation.client(for: .listener, server: server, given: token, library: library)
    }

    /// A Subsonic client for `text`. Its secret, first found: `TERMPLAYER_PASSWORD`, a password in the
    /// address, `api-key` or `password` in the config file, else a prompt on the terminal.
    static func subsonic(_ text: String, config: UserConfig) throws(CommandFailure) -> SubsonicClient {
        let address: SubsonicAddress
        do {
            address = try SubsonicAddress(parsing: text)
        } catch {
            throw CommandFailure(message: error.description)
        }
        let secret: SubsonicClient.Secret
        if let password = environmentPassword ?? address.password {
            secret = .password(password)
        } else if let key = config.apiKey {
            secret = .apiKey(key)
        } else if let password = config.password {
            secret = .password(password)
        } else if PasswordPrompt.standardInputIsTerminal {
            secret = .password(try PasswordPrompt.ask("Password for \(address.user) at \(address.base): "))
        } else {
            throw CommandFailure(
                message: "\(address) needs a password: set TERMPLAYER_PASSWORD, or `password = …` (or `api-key = …`) in \(config.folder.appendingPathComponent("config").path)")
        }
        return SubsonicClient(address: address, secret: secret)
    }
}
