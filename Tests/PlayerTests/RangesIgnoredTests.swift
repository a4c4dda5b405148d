import CurlTransfer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import PlayerCore
import Synchronization
import TestSupport
import Testing

@Suite("A stream from a server that ignores Range")
struct RangesIgnoredTests {
    @Test("a seek still lands where asked, and the player says once that each seek reads the song from its start")
    func seekWithoutRanges() async throws {
        let mp3 = try Data(contentsOf: Fixtures.toneMP3(seconds: 6))
        let router = Router()
        // The whole song, whatever Range asks: what a transcoding server sends.
        router.get("song.mp3") { _, _ in
            Response(status: .ok, headers: [.contentType: "audio/mpeg"], body: .init(byteBuffer: ByteBuffer(bytes: mp3)))
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            let player = Player(output: .null, session: CurlSession(name: "test-ranges"))
            defer { player.shutdown() }
            player.play([Track(url: "http://127.0.0.1:\(port)/song.mp3", title: "Transcoded")])
            var events: [PlayerEvent] = []
            for _ in 0..<100 where player.snapshot.status != .playing { try await Task.sleep(for: .milliseconds(20)) }
            #expect(player.snapshot.status == .playing)
            player.seek(to: 4)
            for _ in 0..<150 where !events.contains(.rangesIgnored(Track(url: "http://127.0.0.1:\(port)/song.mp3", title: "Transcoded"))) {
                try await Task.sleep(for: .milliseconds(20))
                events += player.drainEvents()
            }
            #expect(events.contains { if case .rangesIgnored(let track) = $0 { track.title == "Transcoded" } else { false } }, "\(events)")
            #expect(events.filter { if case .rangesIgnored = $0 { true } else { false } }.count == 1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(player.snapshot.position >= 4, "the seek landed: \(player.snapshot.position)")
            player.seek(to: 1)
            try await Task.sleep(for: .milliseconds(300))
            events += player.drainEvents()
            #expect(events.filter { if case .rangesIgnored = $0 { true } else { false } }.count == 1, "told once a track: \(events)")
            #expect(player.snapshot.position >= 1 && player.snapshot.position < 3, "\(player.snapshot.position)")
        }
    }
}

@Suite("Player errors as people see them")
struct PlayerErrorTextTests {
    @Test("a URL's query (a Subsonic password, a presigned signature) never shows in an error")
    func queryHidden() {
        let url = "http://h/rest/stream.view?id=1&u=ann&p=enc:736573616d65"
        #expect(PlayerError.http(url: url, status: 404).description == "http://h/rest/stream.view answered HTTP 404")
        #expect(PlayerError.network(url: url, reason: "\(url): connection reset").description == "http://h/rest/stream.view: http://h/rest/stream.view: connection reset")
        #expect(!PlayerError.notMP3(url: url, reason: "no MPEG frame").description.contains("enc:"))
    }
}

/// A resume that the server answers from byte 0 while the ring is nearly full: the bytes before the resume
/// point are dropped however libcurl hands them over, a paused chunk included (issue 14).
@Suite("A resumed stream whose server ignores Range")
struct ResumeWithoutRangesTests {
    struct Cut: Error {}

    @Test("the bytes read are the object's, in order, when the resume's first chunks find the ring nearly full")
    func resumeIntoAFullRing() async throws {
        let object = (0..<400_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
        let cutAt = 40_000
        let requests = Atomic<Int>(0)
        let router = Router()
        router.get("object.bin") { _, _ in
            let first = requests.add(1, ordering: .relaxed).oldValue == 0
            // The first answer stops after `cutAt` bytes; every later one is the whole object from byte 0,
            // whatever Range asked.
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream", .contentLength: "\(object.count)"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(bytes: first ? Array(object.prefix(cutAt)) : object))
                    if first { throw Cut() }
                    try await writer.finish(nil)
                })
        }
        try await Application(router: router).test(.live) { client in
            let port = try #require(client.port)
            // Room for 100 bytes past the cut: the resume's chunk that crosses it cannot fit and pauses.
            let source = NetworkSource(url: "http://127.0.0.1:\(port)/object.bin", session: CurlSession(name: "test-resume"), capacity: cutAt + 100, wake: {})
            let started = ContinuousClock.now
            while requests.load(ordering: .relaxed) < 2, ContinuousClock.now - started < .seconds(10) {
                source.maintain()
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(300))  // the resume's first chunks arrive and pause
            var read: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            reading: while ContinuousClock.now - started < .seconds(20) {
                source.maintain()
                switch buffer.withUnsafeMutableBytes({ source.read(into: $0) }) {
                case .bytes(let count): read += buffer.prefix(count)
                case .waiting: try await Task.sleep(for: .milliseconds(5))
                case .end: break reading
                case .failed(let error): Issue.record("\(error)"); break reading
                }
            }
            #expect(requests.load(ordering: .relaxed) >= 2, "the stream was resumed")
            #expect(source.ignoresRanges)
            #expect(read.count == object.count)
            #expect(read == object, "first difference at \(read.indices.first { index in index < object.count && read[index] != object[index] }.map(String.init) ?? "the end")")
        }
    }
}
