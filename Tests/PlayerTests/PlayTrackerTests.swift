import CurlTransfer
import Foundation
import LibraryModel
@testable import PlayerCore
import TestSupport
import Testing

@Suite("Plays as the tracker sees them")
struct PlayTrackerTests {
    static func snapshot(_ status: PlaybackStatus) -> PlayerSnapshot {
        var snapshot = PlayerSnapshot()
        snapshot.status = status
        return snapshot
    }

    @Test("time spent playing counts; pauses and buffering do not; a new track ends the play before it")
    func playedTime() {
        var tracker = PlayTracker()
        let first = Track(id: "one", url: "http://x/one.mp3")
        let second = Track(id: "two", url: "http://x/two.mp3")
        tracker.observe(Self.snapshot(.buffering), monotonic: 0)
        #expect(tracker.note(.trackStarted(first, index: 0), wall: 1000) == nil)
        tracker.observe(Self.snapshot(.buffering), monotonic: 0.5)
        tracker.observe(Self.snapshot(.playing), monotonic: 1.5)  // started somewhere in that second: half counts
        tracker.observe(Self.snapshot(.paused), monotonic: 31)  // 29.5 s playing
        tracker.observe(Self.snapshot(.paused), monotonic: 100)  // paused for 69 s
        tracker.observe(Self.snapshot(.playing), monotonic: 100)
        tracker.observe(Self.snapshot(.playing), monotonic: 110)
        let ended = tracker.note(.trackStarted(second, index: 1), wall: 1200)
        #expect(ended == PlayTracker.Play(track: first, startedAt: 1000, playedSeconds: 40))
        tracker.observe(Self.snapshot(.playing), monotonic: 110.5)
        #expect(tracker.note(.trackEnded(second, index: 1), wall: 1201) == nil, "half a second is not worth a report")
        #expect(tracker.note(.queueFinished, wall: 1201) == nil)
    }

    @Test("a repeated track is a new play each time; quitting ends the one under way")
    func repeats() {
        var tracker = PlayTracker()
        let song = Track(id: "one", url: "http://x/one.mp3")
        _ = tracker.note(.trackStarted(song, index: 0), wall: 0)
        tracker.observe(Self.snapshot(.playing), monotonic: 0)
        tracker.observe(Self.snapshot(.playing), monotonic: 5)
        #expect(tracker.note(.trackStarted(song, index: 0), wall: 5)?.playedSeconds == 5)
        tracker.observe(Self.snapshot(.playing), monotonic: 7)
        #expect(tracker.finish() == PlayTracker.Play(track: song, startedAt: 5, playedSeconds: 2))
        #expect(tracker.finish() == nil)
    }
}

@Suite("termplayer play reports its plays")
struct PlayReportTests {
    @Test("a library song played headless is in the listener's history, counted, with its start and length")
    func reported() async throws {
        let tone = try Fixtures.toneMP3(frequency: 440, seconds: 2)
        let library = try await ToneLibrary.start([("two-seconds", tone)])
        defer { library.stop() }
        let before = Date()
        let result = try await TermPlayerBinary.run(["play", "--server", library.url, "--output", "null", "two-seconds"])
        #expect(result.status == 0, "\(result.standardError)")
        let session = CurlSession(name: "test-history")
        defer { session.close() }
        func history() async throws -> [HistoryEntry] {
            try JSONDecoder().decode([HistoryEntry].self, from: Data(try await session.perform(TransferRequest(url: "\(library.url)/history")).body))
        }
        let listed = try await history()
        let play = try #require(listed.first)
        #expect(listed.count == 1)
        #expect(play.songId == "two-seconds")
        #expect(play.counted)
        #expect(play.playedSeconds > 1.2 && play.playedSeconds <= 2.1, "\(play.playedSeconds)")
        let started = try #require(ISOTime.parse(play.startedAt))
        #expect(abs(started.timeIntervalSince(before)) < 10)
        // A URL played directly is nobody's library song: nothing more is reported.
        await #expect(try TermPlayerBinary.run(["play", "--output", "null", library.media("two-seconds")]).status == 0)
        let after = try await history()
        #expect(after.count == 1)
    }
}
