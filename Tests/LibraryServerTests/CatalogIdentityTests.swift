import Foundation
import HTTPTypes
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

/// Every answer names the catalog it is from, so a client's cache of one library is never applied to another.
@Suite("X-Catalog-Id on every answer")
struct CatalogIdentityTests {
    static func identity(_ response: TestResponse) throws -> String {
        let name = try #require(HTTPField.Name(APIPath.catalogIdentityHeader))
        return try #require(response.headers[name], "\(response.headers)")
    }

    @Test("listings, the feed, status, errors and preflights carry the catalog's identity, and a page on another origin may read it")
    func everyAnswer() async throws {
        let library = try await TestLibrary()
        try await library.seed([.init(id: "named", title: "Named")])
        let stored = try await library.service.catalog.identity()
        #expect(library.prepared.catalogIdentity == stored)
        try await library.live(.router) { client in
            for uri in ["/songs", "/songs?genre=Rock&limit=100", "/genres", "/changes?since=latest&wait=0", "/songs/named", "/songs/missing"] {
                let response = try await client.get(uri, headers: CrossOriginTests.origin)
                #expect(try Self.identity(response) == stored, "\(uri)")
                CrossOriginTests.expectReadable(response, uri)
            }
            let preflight = try await client.execute(uri: "/songs", method: .options, headers: CrossOriginTests.origin)
            #expect(try Self.identity(preflight) == stored)
            let status = try await client.get("/status")
            #expect(try JSONDecoder().decode(LibraryStatus.self, from: Data(buffer: status.body)).catalogId == stored)
        }
    }

    @Test("another library answers with another identity; a second service on the same library, the same one")
    func perCatalog() async throws {
        let one = try await TestLibrary()
        let other = try await TestLibrary()
        #expect(one.prepared.catalogIdentity != other.prepared.catalogIdentity)
        let reopened = try await TestLibrary(folder: one.folder)
        #expect(reopened.prepared.catalogIdentity == one.prepared.catalogIdentity)
        let expected = one.prepared.catalogIdentity
        try await reopened.live(.router) { client in
            let response = try await client.get("/genres")
            #expect(try Self.identity(response) == expected)
        }
    }
}
