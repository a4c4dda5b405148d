import Foundation
import Hummingbird
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

@Suite("The OpenAPI document is true to the routes")
struct OpenAPITests {
    typealias JSONObject = [String: Any]

    static func document(from client: any TestClientProtocol) async throws -> JSONObject {
        let response = try await client.get("/openapi.json")
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? JSONObject)
    }

    /// "METHOD /path/{param}" for every operation in the document.
    static func documentedOperations(_ document: JSONObject) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: JSONObject])
        return Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
    }

    @Test("every route is documented and every documented operation is a route")
    func routesMatch() async throws {
        let library = try await TestLibrary()
        let accounts = Accounts(
            catalog: library.service.catalog, serviceToken: "t", sealer: try PasswordSealer(hexKey: String(repeating: "ab", count: 32)),
            isLoopbackOnly: true)
        let router = LibraryRoutes(library: library.service, accounts: accounts, links: MediaLinks(), fallbackHost: "localhost", catalogIdentity: library.prepared.catalogIdentity).makeRouter()
        let routed = Set(router.routes.map { route in
            let path = route.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            return "\(route.method.rawValue) /\(path.joined(separator: "/"))"
        })
        try await library.live { client in
            let documented = try Self.documentedOperations(try await Self.document(from: client))
            // HEAD is answered for every GET (the router generates it); the document lists it for media.
            #expect(documented.filter { !$0.hasPrefix("HEAD ") } == routed)
            var headsAsGets: Set<String> = []
            for operation in documented where operation.hasPrefix("HEAD ") {
                headsAsGets.insert("GET " + operation.dropFirst("HEAD ".count))
            }
            #expect(headsAsGets == ["GET /media/{key}"])
            #expect(headsAsGets.isSubset(of: routed))
            #expect(routed.count == 49)
        }
    }

    @Test("the document is valid OpenAPI 3.1 (openapi-spec-validator, from PyPI)")
    func validDocument() async throws {
        let file = try Fixtures.temporaryDirectory("openapi").appendingPathComponent("openapi.json")
        try Data(OpenAPIDocument.json.utf8).write(to: file)
        let result = try Fixtures.runAllowingFailure("python3", ["-m", "openapi_spec_validator", file.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError) — make test installs openapi-spec-validator")
    }

    @Test("real responses carry exactly the documented fields")
    func responsesMatchSchemas() async throws {
        let library = try await TestLibrary()
        let bundle = try BundleFixture(id: "documented")
        try await library.live { client in
            let document = try await Self.document(from: client)
            let schemas = try #require((document["components"] as? JSONObject)?["schemas"] as? [String: JSONObject])
            func check(_ object: Any?, against name: String) throws {
                let object = try #require(object as? JSONObject, "\(name) is not an object")
                let schema = try #require(schemas[name])
                let properties = Set((schema["properties"] as? JSONObject)?.keys.map { $0 } ?? [])
                let required = Set(schema["required"] as? [String] ?? [])
                #expect(required.isSubset(of: Set(object.keys)), "\(name) lacks \(required.subtracting(object.keys))")
                #expect(Set(object.keys).isSubset(of: properties), "\(name) has undocumented \(Set(object.keys).subtracting(properties))")
            }
            func body(_ uri: String) async throws -> Any {
                try JSONSerialization.jsonObject(with: Data(buffer: try await client.get(uri).body))
            }
            let receipt = try JSONSerialization.jsonObject(with: Data(buffer: try await client.put("documented.json", bundle.json).body))
            try check(receipt, against: "UploadReceipt")
            try check((receipt as? JSONObject)?["bundle"], against: "BundleReport")
            try await client.put("documented.mp3", bundle.mp3)
            try check((try await body("/songs") as? [Any])?.first, against: "Song")
            try check(try await body("/songs/documented"), against: "Song")
            try check((try await body("/genres") as? [Any])?.first, against: "Genre")
            try check(try await body("/status"), against: "LibraryStatus")
            let event = #"{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"documented.json"}}}]}"#
            let events = try await client.executeRequest(
                uri: "/events/s3", method: .post, headers: [.authorization: "Bearer \(TestLibrary.token)"], body: ByteBuffer(string: event))
            try check(try JSONSerialization.jsonObject(with: Data(buffer: events.body)), against: "EventsReceipt")
            try check(try await body("/bundles/documented"), against: "BundleReport")
            try check(try await body("/songs/missing"), against: "Error")
        }
    }
}
