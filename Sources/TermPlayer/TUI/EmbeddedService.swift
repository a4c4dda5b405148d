import LibraryServer
import Logging
import SystemPackage

/// The bundled library service, run inside the UI's process on a loopback port when no other service
/// is configured: the local library, nothing to set up.
struct EmbeddedService: Sendable {
    let url: String
    /// The service's own token: the UI is the machine's owner, its local listener.
    var token: String { server.prepared.token }
    private let server: BackgroundServer

    /// Starts the service over `library` on 127.0.0.1, on a free port. It logs nothing: the terminal is
    /// the UI's, and problems with bundles show in `termplayer status`.
    static func start(library: LocalLibrary) async throws -> EmbeddedService {
        let logger = Logger(label: "termplayer-embedded") { _ in SwiftLogNoOpLogHandler() }
        let server = try await LibraryServer.startInBackground(ServeOptions(library: library, port: 0), logger: logger)
        return EmbeddedService(url: "http://127.0.0.1:\(server.port)", server: server)
    }

    /// Adds the demo bundles when the library is empty; returns how many.
    func loadDemo() async throws -> Int {
        try await server.prepared.library.loadDemo(from: try DemoLibraryLocator.find())
    }

    func stop() { server.stop() }
}
