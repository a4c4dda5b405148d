import Foundation
import HTTPTypes
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import NIOCore
import TestSupport
import Testing
import WireFormats

/// CORS headers as a page on another origin needs them; the browser itself is in `BrowserPageTests`.
@Suite("CORS for pages on other origins")
struct CrossOriginTests {
    static let origin: HTTPFields = [.origin: "http://pages.example"]

    /// The headers every answer carries, whatever its status.
    static func expectReadable(_ response: TestResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.headers[.accessControlAllowOrigin] == "*", "\(what)", sourceLocation: sourceLocation)
        let exposed = Set((response.headers[.accessControlExposeHeaders] ?? "").split(separator: ",").map { $0.trimmingSpaces().lowercased() })
        let wanted: Set<String> = ["content-range", "accept-ranges", "content-length", "etag", "last-modified", "retry-after", "x-changes-position", "x-catalog-id"]
        #expect(wanted.isSubset(of: exposed), "\(what) exposes \(exposed)", sourceLocation: sourceLocation)
    }

    @Test("a read answers any origin and exposes the headers a player reads")
    func read() async throws {
        let library = try await TestLibrary()
        try await library.seed([.init(id: "open", title: "Open")])
        try await library.live(.router) { client in
            let response = try await client.get("/songs", headers: Self.origin)
            #expect(response.status == .ok)
            Self.expectReadable(response, "GET /songs")
            // Same answer without Origin: `*` never varies, so caches may share it.
            Self.expectReadable(try await client.get("/songs"), "GET /songs without Origin")
        }
    }

    @Test("errors carry the headers too, so a page can read why (404, 401 with its challenge, no such route)")
    func errors() async throws {
        let library = try await TestLibrary()
        try await library.live(.router) { client in
            let missing = try await client.get("/songs/nothing-here", headers: Self.origin)
            #expect(missing.status == .notFound)
            #expect(missing.errorMessage != nil)
            Self.expectReadable(missing, "404")

            let unauthorized = try await client.put("refused.json", Fixtures.bundleJSON(title: "Refused"), token: nil)
            #expect(unauthorized.status == .unauthorized)
            #expect(unauthorized.headers[.wwwAuthenticate] == "Bearer")
            Self.expectReadable(unauthorized, "401")

            let badToken = try await client.get("/songs", headers: [.origin: "http://pages.example", .authorization: "Bearer wrong"])
            #expect(badToken.status == .unauthorized)
            Self.expectReadable(badToken, "401 for a wrong token")

            let noRoute = try await client.get("/no/such/route", headers: Self.origin)
            #expect(noRoute.status == .notFound)
            Self.expectReadable(noRoute, "no route")
        }
    }

    @Test("a media range answers 206 with the headers, and Content-Range is readable")
    func mediaRange() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "ranged")
        try await library.live(.router) { client in
            try await client.put("ranged.json", bundle.json)
            try await client.put("ranged.mp3", bundle.mp3)
            var headers = Self.origin
            headers[.range] = "bytes=100-199"
            let response = try await client.get("/media/ranged.mp3", headers: headers)
            #expect(response.status == .partialContent)
            #expect(response.headers[.contentRange] == "bytes 100-199/\(bundle.mp3.count)")
            #expect(response.body.readableBytes == 100)
            Self.expectReadable(response, "206")
        }
    }

    @Test("a preflight for a write with Authorization is 204 without a token, and allows what pages send")
    func preflight() async throws {
        let library = try await TestLibrary()
        try await library.seed([.init(id: "liked", title: "Liked")])
        try await library.live(.router) { client in
            for uri in ["/songs/liked/like", "/bundles/liked/liked.json", "/no/such/route"] {
                let response = try await client.executeRequest(
                    uri: uri, method: .options,
                    headers: [.origin: "http://pages.example", .accessControlRequestMethod: "PUT", .accessControlRequestHeaders: "authorization,content-type"],
                    body: nil)
                #expect(response.status == .noContent, "\(uri)")
                #expect(response.headers[.accessControlAllowOrigin] == "*", "\(uri)")
                let methods = Set((response.headers[.accessControlAllowMethods] ?? "").split(separator: ",").map { $0.trimmingSpaces() })
                #expect(methods.isSuperset(of: ["GET", "HEAD", "PUT", "POST", "PATCH", "DELETE"]), "\(uri): \(methods)")
                let allowed = Set((response.headers[.accessControlAllowHeaders] ?? "").split(separator: ",").map { $0.trimmingSpaces().lowercased() })
                #expect(allowed.isSuperset(of: ["authorization", "content-type", "range", "if-none-match", "if-range", "last-event-id"]), "\(uri): \(allowed)")
                #expect(Int(response.headers[.accessControlMaxAge] ?? "").map { $0 > 0 } == true, "\(uri)")
                #expect(response.body.readableBytes == 0)
            }
            // The write itself then goes through with the token, and answers readably.
            let like = try await client.executeRequest(
                uri: "/songs/liked/like", method: .put,
                headers: [.origin: "http://pages.example", .authorization: "Bearer \(TestLibrary.token)"], body: nil)
            #expect(like.status == .ok, "\(like.text)")
            Self.expectReadable(like, "PUT /songs/liked/like")
        }
    }
}
