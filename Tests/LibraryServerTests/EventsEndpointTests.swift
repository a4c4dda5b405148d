import Foundation
import Hummingbird
import HummingbirdTesting
import LibraryModel
import NIOCore
import TestSupport
import Testing
import WireFormats

/// `POST /events/s3`: S3 event notifications from webhooks queue ingest of the bundles they name.
@Suite("POST /events/s3")
struct EventsEndpointTests {
    static func post(_ client: any TestClientProtocol, _ text: String, token: String? = TestLibrary.token) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.executeRequest(uri: "/events/s3", method: .post, headers: headers, body: ByteBuffer(string: text))
    }

    @Test("an event for a bundle's JSON ingests it, even where no watcher would have seen the files")
    func eventIngests() async throws {
        // No start-up scan and a folder scan once an hour: only the event can bring the new bundle in.
        let library = try await TestLibrary(watchMode: .polling(interval: .seconds(3600)), scanAtStart: false)
        let bundle = try BundleFixture(id: "from-event", title: "From An Event")
        try await library.live { client in
            try bundle.mp3.write(to: library.bucketFolder.appendingPathComponent("from-event.mp3"))
            try bundle.json.write(to: library.bucketFolder.appendingPathComponent("from-event.json"))
            let unseen = try await client.eventually(within: 1) { try await !client.songs().isEmpty }
            #expect(!unseen, "without the event nothing picks the files up")
            let response = try await Self.post(client, S3Events.created(["from-event.json", "from-event.json", "My+Song.mp3"]))
            #expect(response.status == .accepted)
            let receipt = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            #expect(receipt["queued"] as? [String] == ["from-event"], "a repeated key is queued once")
            let ignored = try #require(receipt["ignored"] as? [[String: String]])
            #expect(ignored.count == 1 && ignored.first?["key"] == "My Song.mp3" && ignored.first?["reason"]?.isEmpty == false)
            let appeared = try await client.eventually(within: 5) { try await client.songs().map(\.title) == ["From An Event"] }
            #expect(appeared)
        }
    }

    @Test("the test event queues nothing; a malformed body is a 400 with the reason; no token is a 401")
    func refusals() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let test = try await Self.post(client, #"{"Service":"Amazon S3","Event":"s3:TestEvent"}"#)
            #expect(test.status == .accepted)
            let receipt = try JSONSerialization.jsonObject(with: Data(buffer: test.body)) as? [String: [Any]]
            #expect(receipt?["queued"]?.isEmpty == true && receipt?["ignored"]?.isEmpty == true, "\(String(buffer: test.body))")
            let malformed = try await Self.post(client, #"{"Records":[{"s3":{}}]}"#)
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body).contains("a record without eventName"))
            let anonymous = try await Self.post(client, S3Events.created(["x.json"]), token: nil)
            #expect(anonymous.status == .unauthorized)
        }
    }
}
