import CurlTransfer
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PlayerCore
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
