import APIClient
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import LibraryModel
import Synchronization
import Testing

/// The client's side of the change feed against a stand-in service (the real one's feed is tested with
/// the service): the query it sends, the page it decodes, 410 told apart, the listing's position.
@Suite("The change feed in the API client")
struct ChangeFeedClientTests {
    /// A stand-in with `GET /songs` (position 41, catalog …0041) and `GET /changes`, which answers 410 before position
    /// 10 and otherwise one change after `since`; it records each query.
    static func withStandIn(_ body: @escaping @Sendable (LibraryClient, Queries) async throws -> Void) async throws {
        let queries = Queries()
        let router = Router()
        router.get("/songs") { _, _ -> Response in
            let song = Song(id: "a", title: "A", album: "", artist: "", genre: "Rock", year: nil, file: "http://s/a.mp3", image: nil, duration: 1)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            if let name = HTTPField.Name(APIPath.changesPositionHeader) { headers[name] = "41" }
            if let name = HTTPField.Name(APIPath.catalogIdentityHeader) { headers[name] = "3f2b7c1e-0000-4000-8000-000000000041" }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode([song]))))
        }
        router.get("/changes") { request, _ -> Response in
            let query = request.uri.query ?? ""
            queries.list.withLock { $0.append(query) }
            let since = Int(request.uri.queryParameters.get("since") ?? "") ?? 0
            guard since >= 10 else { return Response(status: .gone, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"too old"}"#))) }
            let change = Change(position: since + 1, at: "2026-12-01T10:00:00Z", kind: .song, id: "gone")
            let page = ChangePage(changes: [change], next: since + 1, more: false)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(page))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(LibraryClient(server: "http://127.0.0.1:\(port)"), queries)
        }
    }

    @Test("a page is asked with since, limit and wait, and decoded")
    func page() async throws {
        try await Self.withStandIn { client, queries in
            let page = try await client.changes(since: 12, limit: 500, wait: 90)
            #expect(page.next == 13 && page.changes.map(\.id) == ["gone"] && page.changes[0].isRemoval)
            #expect(queries.list.withLock { $0 } == ["since=12&limit=500&wait=60"], "wait is held to the service's 60 s")
        }
    }

    @Test("a cursor older than the feed is .feedExpired, not a plain HTTP error")
    func expired() async throws {
        try await Self.withStandIn { client, _ in
            await #expect {
                _ = try await client.changes(since: 3)
            } throws: { error in
                guard case .feedExpired = error as? APIClientError else { return false }
                return (error as? APIClientError)?.status == 410
            }
        }
    }

    @Test("the songs listing comes with the feed position it was read at and the catalog it is from, from the same response")
    func listingPosition() async throws {
        try await Self.withStandIn { client, queries in
            let listing = try await client.songsListing(as: Song.self)
            #expect(listing.rows.map(\.id) == ["a"] && listing.position == 41)
            #expect(listing.catalog == "3f2b7c1e-0000-4000-8000-000000000041")
            #expect(try await client.songs(as: Song.self).map(\.id) == ["a"])
            #expect(queries.list.withLock { $0 }.isEmpty, "no second request")
        }
    }
}

/// The queries the stand-in was asked with.
final class Queries: Sendable {
    let list = Mutex<[String]>([])
}
