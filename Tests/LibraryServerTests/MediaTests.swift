import Foundation
import HTTPTypes
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import NIOCore
import TestSupport
import Testing
import WireFormats

@Suite("Byte ranges")
struct ByteRangeTests {
    @Test("parsing against a 1000-byte object", arguments: [
        (nil, ByteRangeRequest.whole),
        ("bytes=0-0", .partial(0...0)),
        ("bytes=0-499", .partial(0...499)),
        ("bytes=500-", .partial(500...999)),
        ("bytes=-100", .partial(900...999)),
        ("bytes=-5000", .partial(0...999)),
        ("bytes=900-5000", .partial(900...999)),
        ("bytes=999-999", .partial(999...999)),
        ("Bytes = 10-19", .partial(10...19)),
        ("bytes=0-99999999999999999999999", .partial(0...999)),
        ("bytes=1000-", .unsatisfiable),
        ("bytes=1000-2000", .unsatisfiable),
        ("bytes=-0", .unsatisfiable),
        ("bytes=5-1", .whole),
        ("bytes=a-b", .whole),
        ("bytes=0-1,5-6", .whole),
        ("items=0-1", .whole),
        ("bytes", .whole),
        ("bytes=-", .whole),
        ("bytes=--1", .whole),
    ] as [(String?, ByteRangeRequest)])
    func parse(header: String?, expected: ByteRangeRequest) {
        #expect(ByteRangeRequest.parse(header, size: 1000) == expected)
    }

    @Test("an empty object has no satisfiable range")
    func empty() {
        #expect(ByteRangeRequest.parse("bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRangeRequest.parse("bytes=-1", size: 0) == .unsatisfiable)
    }
}

@Suite("GET /media")
struct MediaTests {
    static func withMedia(_ body: @escaping @Sendable (any TestClientProtocol, Data) async throws -> Void) async throws {
        let library = try await TestLibrary()
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 1))
        try await library.live { client in
            try await client.put("media.json", Fixtures.bundleJSON(title: "Media"))
            try await client.put("media.mp3", mp3)
            try await body(client, mp3)
        }
    }

    @Test("the whole object, with type, length, entity tag and Accept-Ranges")
    func whole() async throws {
        try await Self.withMedia { client, mp3 in
            let response = try await client.get("/media/media.mp3")
            #expect(response.status == .ok)
            #expect(Data(buffer: response.body) == mp3)
            #expect(response.headers[.contentType] == "audio/mpeg")
            #expect(response.headers[.contentLength] == String(mp3.count))
            #expect(response.headers[.acceptRanges] == "bytes")
            #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
            #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
        }
    }

    @Test("single ranges answer 206 with exactly those bytes")
    func ranges() async throws {
        try await Self.withMedia { client, mp3 in
            let size = mp3.count
            for (header, expected) in [("bytes=0-0", 0...0), ("bytes=100-199", 100...199), ("bytes=-10", (size - 10)...(size - 1)), ("bytes=\(size - 5)-", (size - 5)...(size - 1))] {
                let response = try await client.get("/media/media.mp3", headers: [.range: header])
                #expect(response.status == .partialContent, "\(header)")
                #expect(Data(buffer: response.body) == mp3[expected], "\(header)")
                #expect(response.headers[.contentRange] == "bytes \(expected.lowerBound)-\(expected.upperBound)/\(size)")
                #expect(response.headers[.contentLength] == String(expected.count))
            }
        }
    }

    @Test("a range past the end is 416 with Content-Range: bytes */size and a JSON error")
    func unsatisfiable() async throws {
        try await Self.withMedia { client, mp3 in
            let response = try await client.get("/media/media.mp3", headers: [.range: "bytes=\(mp3.count)-"])
            #expect(response.status == .rangeNotSatisfiable)
            #expect(response.headers[.contentRange] == "bytes */\(mp3.count)")
            #expect(response.errorMessage?.contains("outside media.mp3") == true)
        }
    }

    @Test("several ranges or a malformed header get the whole object")
    func ignoredRanges() async throws {
        try await Self.withMedia { client, mp3 in
            for header in ["bytes=0-1,4-5", "bytes=x-y", "lines=1-2"] {
                let response = try await client.get("/media/media.mp3", headers: [.range: header])
                #expect(response.status == .ok, "\(header)")
                #expect(response.body.readableBytes == mp3.count)
            }
        }
    }

    @Test("If-Range with another version's tag gets the whole object; with this one, the range")
    func ifRange() async throws {
        try await Self.withMedia { client, mp3 in
            let etag = try #require(try await client.get("/media/media.mp3").headers[.eTag])
            let stale = try await client.get("/media/media.mp3", headers: [.range: "bytes=0-9", .ifRange: "\"other\""])
            #expect(stale.status == .ok)
            #expect(stale.body.readableBytes == mp3.count)
            let fresh = try await client.get("/media/media.mp3", headers: [.range: "bytes=0-9", .ifRange: etag])
            #expect(fresh.status == .partialContent)
            #expect(fresh.body.readableBytes == 10)
            let cached = try await client.get("/media/media.mp3", headers: [.ifNoneMatch: etag])
            #expect(cached.status == .notModified)
        }
    }

    @Test("HEAD answers the headers without the body")
    func head() async throws {
        try await Self.withMedia { client, mp3 in
            let response = try await client.executeRequest(uri: "/media/media.mp3", method: .head, headers: [:], body: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentLength] == String(mp3.count))
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test("nothing outside the bucket can be reached", arguments: [
        "/media/..%2Fcatalog.sqlite", "/media/..%2fcatalog.sqlite", "/media/%2e%2e%2Ftoken.json", "/media/../catalog.sqlite",
        "/media/..", "/media/.%2e/token", "/media/%2Fetc%2Fpasswd", "/media/tmp%2Fmedia.mp3", "/media/bucket%2Fmedia.mp3",
        "/media/catalog.sqlite", "/media/token", "/media/..%5Ccatalog.mp3", "/media/media.mp3%00.jpg", "/media/MEDIA.MP3",
    ])
    func traversal(uri: String) async throws {
        try await Self.withMedia { client, _ in
            let response = try await client.get(uri)
            #expect([.badRequest, .notFound].contains(response.status), "\(uri) answered \(response.status)")
            #expect(response.errorMessage != nil, "\(uri) should answer a JSON error")
            #expect(!response.text.contains("SQLite format"))
        }
    }

    @Test("a missing object is a JSON 404")
    func missing() async throws {
        try await Self.withMedia { client, _ in
            let response = try await client.get("/media/absent.mp3")
            #expect(response.status == .notFound)
            #expect(response.errorMessage == "no object absent.mp3 in the bucket")
        }
    }
}

@Suite("Writes need the token; reads are open")
struct TokenTests {
    @Test("no token, a wrong token, or a malformed header: 401 with a JSON error, nothing stored")
    func refused() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            for token in [nil, "wrong", "test-token-012345678", TestLibrary.token + "x"] as [String?] {
                let response = try await client.put("sneaky.json", Fixtures.bundleJSON(title: "Sneaky"), token: token)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(response.errorMessage?.contains("token") == true)
            }
            let basic = try await client.executeRequest(
                uri: "/bundles/sneaky/sneaky.json", method: .put, headers: [.authorization: "Basic dXNlcjpwYXNz"], body: ByteBuffer(string: "{}"))
            #expect(basic.status == .unauthorized)
            let delete = try await client.executeRequest(uri: "/bundles/sneaky", method: .delete, headers: [:], body: nil)
            #expect(delete.status == .unauthorized)
            #expect(!FileManager.default.fileExists(atPath: library.bucketFolder.appendingPathComponent("sneaky.json").path))
            #expect(try await client.get("/songs").status == .ok)
            #expect(try await client.get("/genres").status == .ok)
        }
    }

    @Test("upload names must match the bundle and be a bundle part", arguments: [
        "/bundles/one/two.json", "/bundles/one/one.wav", "/bundles/one/one", "/bundles/.x/.x.json",
    ])
    func badNames(uri: String) async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            let response = try await client.executeRequest(
                uri: uri, method: .put, headers: [.authorization: "Bearer \(TestLibrary.token)"], body: ByteBuffer(string: "{}"))
            #expect(response.status == .badRequest, "\(uri)")
            #expect(response.errorMessage != nil)
        }
    }
}
