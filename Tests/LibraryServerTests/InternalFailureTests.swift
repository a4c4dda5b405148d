import Hummingbird
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import Logging
import NIOCore
import Synchronization
import Testing

/// A failure that is not the client's doing answers 500 with a reference to quote, never the failure's own
/// text (it named files, SQL and addresses); the log has the text beside the same reference.
@Suite struct InternalFailureTests {
    struct SecretFailure: Error, CustomStringConvertible {
        var description: String { "open /srv/music/catalog.sqlite: SELECT password FROM credentials" }
    }

    /// Every line logged, for reading back.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    struct Collecting: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.lines.withLock { $0.append("\(event.message)") } }
    }

    @Test("a 500 names a reference, not the error; the log has both")
    func referenceNotText() async throws {
        let lines = Lines()
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.get("/boom") { _, _ -> String in throw SecretFailure() }
        let app = Application(router: router, logger: Logger(label: "test") { _ in Collecting(lines: lines) })
        try await app.test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                #expect(!body.contains("srv") && !body.contains("SELECT") && !body.contains("SecretFailure"), "\(body)")
                let reference = try #require(body.firstMatch(of: /reference ([0-9a-f]{8})/)?.output.1)
                #expect(lines.all.contains { $0.contains("reference \(reference)") && $0.contains("SELECT password") }, "\(lines.all)")
            }
        }
    }

    @Test("references differ from failure to failure")
    func referencesDiffer() {
        #expect(Set((0..<20).map { _ in InternalFailure().reference }).count > 15)
    }
}
