import Foundation
import HTTPTypes
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import TestSupport
import Testing

/// The change feed through the live service: `GET /changes`, its long-poll, `GET /events`.
@Suite("The change feed")
struct ChangeFeedTests {
    static let owner = TestLibrary.token

    static func page(_ response: TestResponse) throws -> ChangePage {
        #expect(response.status == .ok, "\(response.text)")
        return try JSONDecoder().decode(ChangePage.self, from: Data(buffer: response.body))
    }

    /// Uploads a bundle's JSON and MP3 through the API, as `termplayer upload` does.
    static func upload(_ bundle: BundleFixture, _ client: any TestClientProtocol) async throws {
        #expect(try await client.put("\(bundle.id).mp3", bundle.mp3).status.code < 300)
        #expect(try await client.put("\(bundle.id).json", bundle.json).status.code < 300)
    }

    static func position(_ response: TestResponse) throws -> Int {
        try #require(response.headers[HTTPField.Name(APIPath.changesPositionHeader)!].flatMap(Int.init), "\(response.headers)")
    }

    @Test("a listing names its feed position; following from it brings an upload, a like (to its listener only) and a delete")
    func follow() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let listed = try await client.get("/songs")
            let start = try Self.position(listed)
            #expect(try Self.position(try await client.get("/genres")) == start)
            try await Self.upload(try BundleFixture(id: "fresh", title: "Fresh Song"), client)

            let uploaded = try Self.page(try await client.get("/changes?since=\(start)&wait=0"))
            let song = try #require(uploaded.changes.last { $0.kind == .song && $0.id == "fresh" }, "\(uploaded)")
            #expect(song.song?.title == "Fresh Song" && song.song?.file.hasSuffix("/media/fresh.mp3") == true)
            #expect(song.song?.liked == nil, "anonymous callers get the original shape")
            #expect(uploaded.next == song.position && !uploaded.more)
            #expect(Set(uploaded.changes.map { "\($0.kind) \($0.id)" }).count == uploaded.changes.count, "each subject once a page")

            #expect(try await client.send(.put, "/songs/fresh/like", token: Self.owner).status == .ok)
            let liked = try Self.page(try await client.send(.get, "/changes?since=\(uploaded.next)&wait=0", token: Self.owner))
            #expect(liked.changes.map(\.kind) == [.marks])
            #expect(liked.changes.first?.marks?.liked == true)
            let anonymous = try Self.page(try await client.get("/changes?since=\(uploaded.next)&wait=0"))
            #expect(anonymous.changes.isEmpty, "someone else's like is not in an anonymous feed")
            #expect(anonymous.next == liked.next, "but the cursor moves past it, so nobody polls it again and again")

            #expect(try await client.send(.delete, "/bundles/fresh", token: Self.owner).status == .ok)
            let deleted = try Self.page(try await client.get("/changes?since=\(liked.next)&wait=0"))
            #expect(deleted.changes.count == 1 && deleted.changes.first?.isRemoval == true && deleted.changes.first?.id == "fresh")
        }
    }

    @Test("a long-poll waits, and wakes within a second of a change")
    func longPoll() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let latest = try Self.page(try await client.get("/changes?since=latest"))
            #expect(latest.changes.isEmpty)
            let asked = ContinuousClock.now
            async let waited = client.get("/changes?since=\(latest.next)&wait=20")
            try await Task.sleep(for: .milliseconds(500))
            let changed = ContinuousClock.now
            // Ingested beside the client's one connection, which the long-poll holds.
            try await library.seed([TestLibrary.Seed(id: "late", title: "Late Song")])
            let page = try Self.page(try await waited)
            let answered = ContinuousClock.now
            #expect(page.changes.contains { $0.id == "late" }, "\(page)")
            #expect(answered - asked >= .milliseconds(500), "it waited for the change")
            #expect(answered - changed < .seconds(3), "woke soon after the change: \(answered - changed)")

            let idle = ContinuousClock.now
            let nothing = try Self.page(try await client.get("/changes?since=\(page.next)&wait=1"))
            #expect(nothing.changes.isEmpty && nothing.next == page.next)
            #expect(ContinuousClock.now - idle >= .milliseconds(900), "waited its second")
        }
    }

    @Test("an anonymous page asked again is the same until the feed moves, then shows the subject as it is now")
    func keptPages() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let start = try Self.page(try await client.get("/changes?since=latest")).next
            try await Self.upload(try BundleFixture(id: "kept", title: "First Title"), client)
            let first = try await client.get("/changes?since=\(start)&wait=0")
            let again = try await client.get("/changes?since=\(start)&wait=0")
            #expect(first.text == again.text)
            #expect(try Self.page(first).changes.last?.song?.title == "First Title")
            try await Self.upload(try BundleFixture(id: "kept", title: "Second Title"), client)
            let moved = try Self.page(try await client.get("/changes?since=\(start)&wait=0"))
            #expect(moved.changes.map(\.id) == ["kept"] && moved.changes.last?.song?.title == "Second Title", "\(moved)")
            #expect(moved.next > (try Self.page(first).next))
        }
    }

    @Test("a cursor the feed no longer holds, or never did, is 410; bad parameters are 400")
    func badCursors() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            for index in 0..<4 { try await Self.upload(try BundleFixture(id: "s\(index)"), client) }
            let latest = try Self.page(try await client.get("/changes?since=latest")).next
            try await library.service.catalog.pruneChanges(keepingLatest: 2)
            let expired = try await client.get("/changes?since=1")
            #expect(expired.status == .gone, "\(expired.text)")
            #expect(expired.errorMessage?.contains("fetch the listing again") == true)
            #expect(try await client.get("/changes?since=\(latest + 5)").status == .gone, "a position from another catalog")
            #expect(try await client.get("/changes?since=\(latest - 2)&wait=0").status == .ok, "the oldest kept position still works")
            for (query, message) in [
                ("", "since is required"), ("?since=abc", "since must be a position"), ("?since=-1", "since must be a position"),
                ("?since=0&limit=0", "limit must be"), ("?since=0&wait=99", "wait must be"),
            ] {
                let response = try await client.get("/changes" + query)
                #expect(response.status == .badRequest && response.errorMessage?.contains(message) == true, "\(query): \(response.text)")
            }
        }
    }

    @Test("GET /events streams the same changes as Server-Sent Events, resuming after Last-Event-ID")
    func events() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let port = try #require(client.port)
            let start = try Self.page(try await client.get("/changes?since=latest")).next
            try await Self.upload(try BundleFixture(id: "evented", title: "Evented"), client)
            let stream = try await Fixtures.onOwnThread {
                try Fixtures.runAllowingFailure("/usr/bin/curl", ["-sN", "--max-time", "2", "-H", "Last-Event-ID: \(start)", "http://127.0.0.1:\(port)/events"])
            }
            #expect(stream.standardOutput.contains("event: change"), "\(stream.standardOutput)")
            #expect(stream.standardOutput.contains("\"id\":\"evented\""))
            let ids = stream.standardOutput.split(separator: "\n").filter { $0.hasPrefix("id: ") }.compactMap { Int($0.dropFirst(4)) }
            #expect(!ids.isEmpty && ids.allSatisfy { $0 > start }, "\(ids)")
            let expired = try await Fixtures.onOwnThread {
                try Fixtures.runAllowingFailure("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "http://127.0.0.1:\(port)/events?since=99999"])
            }
            #expect(expired.standardOutput == "410")
        }
    }
}

@Suite("Listings tagged with the feed's position")
struct ListingTagTests {
    @Test("an anonymous page carries an ETag that If-None-Match answers with 304, until a change moves the feed")
    func etags() async throws {
        let library = try await TestLibrary()
        try await library.seed((1...3).map { TestLibrary.Seed(id: "s\($0)", title: "Song \($0)") })
        try await library.live { client in
            let first = try await client.get("/songs?limit=100")
            let etag = try #require(first.headers[.eTag], "\(first.headers)")
            let again = try await client.get("/songs?limit=100")
            #expect(again.headers[.eTag] == etag && again.text == first.text, "the same page, from memory")
            #expect(try await client.get("/songs?limit=100", headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await client.get("/songs?limit=2").headers[.eTag] != etag, "another query, another tag")
            #expect(try await client.get("/songs?limit=100", headers: [.authorization: "Bearer \(TestLibrary.token)"]).headers[.eTag] == nil,
                    "a signed-in listing carries play counts, which move without the feed")

            try await ChangeFeedTests.upload(try BundleFixture(id: "s0", title: "Song 0"), client)
            let changed = try await client.get("/songs?limit=100", headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok && changed.headers[.eTag] != etag)
            #expect(try changed.decode([Song].self).map(\.id) == ["s0", "s1", "s2", "s3"], "the kept page is not served stale")
            #expect(try await client.get("/songs").text == changed.text, "a whole listing streamed says the same")
        }
    }
}
