import CurlTransfer
import Foundation
import PlayerCore
import SongCache
import TestSupport
import Testing

@Suite("A cached song played by the real player, heard through a real PulseAudio server", .serialized)
struct CachedPlaybackTests {
    @Test("with the service stopped, the cached copy plays from its file:// URL and a seek lands where it should")
    func playsAndSeeksFromDisk() async throws {
        let stepped = try Fixtures.steppedToneMP3(frequencies: [440, 880], secondsEach: 3)
        let server = try await SongServer.start([("stepped", stepped)])
        let cache = try SongCache.open(directory: try Fixtures.temporaryDirectory("songcache").path)
        let session = CurlSession(name: "test-cached-play")
        defer { session.close() }
        let song = try await blocking { try cache.fetch(songID: "stepped", url: server.media("stepped"), session: session) }.song
        server.stop()  // offline from here on: only the disk can answer

        let pulse = try await Fixtures.onOwnThread { try PulseAudioServer.shared.get() }
        let player = Player(output: .pulse, session: session)
        defer { player.shutdown() }
        let capture = try pulse.capture()
        player.play([Track(url: song.url)])
        #expect(try await eventually(within: .seconds(10), polling: .milliseconds(10)) { player.snapshot.position > 0.8 })
        player.seek(to: 4.5)
        #expect(try await eventually(within: .seconds(10), polling: .milliseconds(10)) { (4.5..<5).contains(player.snapshot.position) })
        #expect(try await eventually(within: .seconds(10), polling: .milliseconds(10)) { player.snapshot.status == .stopped })
        let samples = capture.stop()
        #expect(player.snapshot.lastError == nil, "\(String(describing: player.snapshot.lastError))")
        let heard = SignalAnalysis.heardSeconds(SignalAnalysis.soundSpans(samples))
        // About 0.8 s before the seek (less what the output held when it was flushed), and 1.5 s after.
        #expect(heard > 2.0 && heard < 2.7, "\(heard) s heard")
        let after = SignalAnalysis.finalTone(samples, lasting: 1.2)
        #expect(abs(after - 880) < 5, "the second half's tone after the seek: \(after) Hz")
    }
}
