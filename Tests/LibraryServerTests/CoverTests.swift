import CoverArt
import Foundation
import HTTPTypes
import HummingbirdTesting
import LibraryModel
@testable import LibraryServer
import NIOCore
import TestSupport
import Testing

@Suite("Covers at the size a client asks for, and covers that cannot be shown")
struct CoverTests {
    /// A 600 × 300 cover: left half red, right half blue.
    static func twoColourCover() throws -> [UInt8] { try TestCovers.twoColourJPEG() }

    static func upload(_ client: any TestClientProtocol, id: String, cover: [UInt8], named file: String? = nil) async throws {
        let bundle = try BundleFixture(id: id)
        try await client.put("\(id).json", bundle.json)
        try await client.put(file ?? "\(id).jpg", cover)
        try await client.put("\(id).mp3", bundle.mp3)
    }

    @Test("?size=N answers a JPEG that fits N × N with the aspect kept, the same bytes each time, and 304 for its ETag")
    func scaled() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            try await Self.upload(client, id: "wide", cover: try Self.twoColourCover())
            let small = try await client.get("/media/wide.jpg?size=64")
            #expect(small.status == .ok)
            #expect(small.headers[.contentType] == "image/jpeg")
            let picture = try CoverDecoder.decode(Array(buffer: small.body))
            #expect(picture.width == 64 && picture.height == 32)
            func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(picture.rgba[(y * picture.width + x) * 4..<(y * picture.width + x) * 4 + 3]) }
            #expect(pixel(8, 16).first.map { $0 > 150 } == true, "left is red: \(pixel(8, 16))")
            #expect(pixel(56, 16).last.map { $0 > 150 } == true, "right is blue: \(pixel(56, 16))")
            let original = try Self.twoColourCover()
            #expect(small.body.readableBytes < 5_000, "kilobytes, not the original's \(original.count)")
            let again = try await client.get("/media/wide.jpg?size=64")
            #expect(Array(buffer: again.body) == Array(buffer: small.body))
            let etag = try #require(small.headers[.eTag])
            #expect(try await client.get("/media/wide.jpg?size=64", headers: [.ifNoneMatch: etag]).status == .notModified)
            #expect(try await client.get("/media/wide.jpg?size=128").headers[.eTag] != etag)
            let huge = try CoverDecoder.decode(Array(buffer: try await client.get("/media/wide.jpg?size=100000").body))
            #expect(huge.width == 600, "never upscaled, and never larger than the largest size")
            #expect(try await client.get("/media/wide.jpg").body.readableBytes == original.count, "the original as it is")
        }
    }

    @Test("size is refused where it means nothing, with the reason")
    func refused() async throws {
        let library = try await TestLibrary()
        try await library.live { client in
            try await Self.upload(client, id: "wide", cover: try Self.twoColourCover())
            for query in ["size=0", "size=-3", "size=big"] {
                #expect(try await client.get("/media/wide.jpg?\(query)").status == .badRequest, "\(query)")
            }
            let audio = try await client.get("/media/wide.mp3?size=64")
            #expect(audio.status == .badRequest)
            #expect(audio.errorMessage?.contains("covers") == true)
        }
    }

    @Test("a cover that cannot be shown still lets its song in, with a warning in status; scaling it says why", arguments: [
        ("text", Array("this is not a picture".utf8), "not a JPEG or PNG"),
        ("empty", [], "empty"),
        ("cut", nil, "damaged"),
        ("giant", nil, "pixels"),
    ] as [(String, [UInt8]?, String)])
    func badCovers(name: String, bytes: [UInt8]?, reason: String) async throws {
        let good = try Self.twoColourCover()
        let cover: [UInt8] = bytes ?? {
            if name == "cut" { return Array(good.prefix(good.count / 2)) }
            // A real JPEG whose frame header announces 20,000 × 20,000 pixels (SOF0's height and width
            // patched), as a hostile upload would: refused from the header, before 1.6 GB is allocated.
            var giant = good
            if let sof = (0..<giant.count - 9).first(where: { giant[$0] == 0xFF && giant[$0 + 1] == 0xC0 }) {
                giant.replaceSubrange(sof + 5..<sof + 9, with: [0x4E, 0x20, 0x4E, 0x20])
            }
            return giant
        }()
        let library = try await TestLibrary()
        try await library.live { client in
            try await Self.upload(client, id: name, cover: cover)
            let songs = try await client.songs()
            #expect(songs.map(\.id) == [name], "the song is listed")
            let status = try await client.json("/status", as: LibraryStatus.self)
            let warning = try #require(status.problems.first { $0.bundle == name })
            #expect(warning.state == .ingested)
            #expect(warning.reason.contains("will not show"), "\(warning.reason)")
            let scaled = try await client.get("/media/\(name).jpg?size=64")
            #expect(scaled.status == .unprocessableContent)
            #expect(scaled.errorMessage?.contains(reason) == true, "\(scaled.errorMessage ?? "")")
            #expect(warning.reason.contains(reason), "ingest says the same: \(warning.reason)")
        }
    }

    @Test("a PNG named .jpg is a cover like any other")
    func pngNamedJPEG() async throws {
        var rgba: [UInt8] = []
        for _ in 0..<40 { for x in 0..<40 { rgba += x < 20 ? [200, 30, 30, 255] : [30, 30, 200, 255] } }
        let png = try CoverEncoder.png(try CoverPicture(width: 40, height: 40, rgba: rgba))
        let library = try await TestLibrary()
        try await library.live { client in
            try await Self.upload(client, id: "png", cover: png)
            #expect(try await client.json("/status", as: LibraryStatus.self).problems.isEmpty)
            let scaled = try await client.get("/media/png.jpg?size=20")
            #expect(try CoverDecoder.decode(Array(buffer: scaled.body)).width == 20)
        }
    }
}
