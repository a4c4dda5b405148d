import ArgumentParser
import Foundation
import LibraryServer
import SystemPackage

/// The options every client command shares: which service, and the token its writes need.
struct ServiceLocation: ParsableArguments {
    static let defaultServer = "http://127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp("The library service's URL.", valueName: "url"))
    var server: String?

    @Option(name: .long, help: ArgumentHelp("The bearer token uploads need.", valueName: "token"))
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

    /// --token, TERMPLAYER_TOKEN, or the token file of the library on this machine.
    var resolvedToken: String? {
        if let token { return token }
        if let fromEnvironment = ProcessInfo.processInfo.environment["TERMPLAYER_TOKEN"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
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
}
