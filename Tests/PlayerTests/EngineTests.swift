import Foundation
import MPEGAudio
@testable import PlayerCore
import TestSupport
import Testing

@Suite("The playback engine, over a fake source and sink")
struct EngineTests {
    @Test("a queue plays in order, gaplessly: the output gets exactly the frames of both decodes")
    func playsQueue() async throws {
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 1), "fake://b": try Tones.bytes(frequency: 660, seconds: 0.5)])
        rig.player.play([Tones.track("a"), Tones.track("b")])
        let events = await rig.events { $0 == .queueFinished }
        #expect(events == [
            .trackStarted(Tones.track("a"), index: 0), .trackEnded(Tones.track("a"), index: 0),
            .trackStarted(Tones.track("b"), index: 1), .trackEnded(Tones.track("b"), index: 1), .queueFinished,
        ])
        #expect(rig.sink.frames == 44100 + 22050)
        #expect(rig.sink.record.withLock { $0.formats } == [AudioFormat(sampleRate: 44100, channels: 2)])
        #expect(await rig.waitUntil { $0.status == .stopped && $0.track == nil })
        rig.player.shutdown()
    }

    @Test("a track appended while the last one plays is played after it, without a gap")
    func appendWhilePlaying() async throws {
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 1), "fake://b": try Tones.bytes(frequency: 660, seconds: 0.5)])
        rig.player.play([Tones.track("a")])
        rig.player.append([Tones.track("b")])
        let events = await rig.events { $0 == .queueFinished }
        #expect(events.contains(.trackStarted(Tones.track("b"), index: 1)))
        #expect(rig.sink.frames == 44100 + 22050)
        rig.player.shutdown()
    }

    @Test("pause stops the output taking audio; resume carries on from there")
    func pauseAndResume() async throws {
        let sink = FakeSink(budget: 44100)  // a quarter of a second
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 2)], sink: sink)
        rig.player.play([Tones.track("a")])
        #expect(await rig.waitUntil { $0.status == .playing && $0.position > 0.2 })
        rig.player.pause()
        #expect(await rig.waitUntil { $0.status == .paused })
        #expect(sink.record.withLock { $0.paused })
        let framesWhenPaused = sink.frames
        sink.allow(44100 * 4)
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.frames == framesWhenPaused, "nothing is written while paused")
        rig.player.togglePause()
        #expect(await rig.waitUntil { $0.status == .playing && $0.position > 0.4 })
        #expect(sink.frames > framesWhenPaused)
        rig.player.shutdown()
    }

    @Test("a new queue played over a paused one keeps the output open, uncorked, and plays the new track")
    func playKeepsOutput() async throws {
        let sink = FakeSink(budget: 44100)  // a quarter of a second
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 2), "fake://b": try Tones.bytes(frequency: 660, seconds: 1)], sink: sink)
        rig.player.play([Tones.track("a")])
        #expect(await rig.waitUntil { $0.status == .playing && $0.position > 0.2 })
        rig.player.pause()
        #expect(await rig.waitUntil { $0.status == .paused })
        rig.player.play([Tones.track("b")])
        sink.allow(44100)
        #expect(await rig.waitUntil { $0.track == Tones.track("b") && $0.status == .playing && $0.position > 0.2 })
        #expect(sink.record.withLock { $0.closed } == 0, "the output was not closed and opened again")
        #expect(!sink.record.withLock { $0.paused })
        #expect(sink.record.withLock { $0.discards } >= 1, "what the output held of the old track was dropped")
        rig.player.shutdown()
    }

    @Test("next, previous (restart after 3 s), seek and volume")
    func controls() async throws {
        let sink = FakeSink(budget: 0)
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 6), "fake://b": try Tones.bytes(seconds: 6)], sink: sink)
        rig.player.play([Tones.track("a"), Tones.track("b")])
        sink.allow(Int(3.5 * 44100) * 4)
        #expect(await rig.waitUntil { $0.position > 3.4 })
        rig.player.previous()  // more than 3 s in: back to the start of the same track
        #expect(await rig.waitUntil { $0.position < 0.5 && $0.queueIndex == 0 })
        rig.player.next()
        #expect(await rig.waitUntil { $0.queueIndex == 1 })
        rig.player.previous()  // at the start of b: back to a
        #expect(await rig.waitUntil { $0.queueIndex == 0 })
        rig.player.seek(to: 4)
        sink.allow(44100 / 10 * 4)
        #expect(await rig.waitUntil { abs($0.position - 4.1) < 0.1 })
        rig.player.seek(by: -2)
        #expect(await rig.waitUntil { abs($0.position - 2.1) < 0.15 })
        rig.player.setVolume(170)
        #expect(await rig.waitUntil { $0.volume == 150 })
        #expect(sink.record.withLock { $0.volume } == 150)
        rig.player.setVolume(-5)
        #expect(await rig.waitUntil { $0.volume == 0 })
        rig.player.stop()
        #expect(await rig.waitUntil { $0.status == .stopped && $0.track == nil })
        rig.player.shutdown()
    }

    @Test("a start position is honoured before the first sample")
    func startPosition() async throws {
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 3)])
        rig.player.play([Tones.track("a")], from: 2)
        _ = await rig.events { $0 == .queueFinished }
        // About one second is left to play: the seek is fuzzy (Xing table) and lands within a frame or two.
        #expect(abs(Double(rig.sink.frames) / 44100 - 1) < 0.05, "\(rig.sink.frames) frames")
        rig.player.shutdown()
    }

    @Test("a failing or non-MP3 track ends with its reason and the queue moves on")
    func failuresMoveOn() async throws {
        let rig = FakeRig(
            sources: ["fake://text": Array(String(repeating: "not audio at all\n", count: 20_000).utf8), "fake://good": try Tones.bytes(seconds: 0.5)],
            failures: ["fake://missing": .http(url: "fake://missing", status: 404)])
        rig.player.play([Tones.track("missing"), Tones.track("text"), Tones.track("good")])
        let events = await rig.events { $0 == .queueFinished }
        #expect(events.contains(.trackFailed(Tones.track("missing"), index: 0, .http(url: "fake://missing", status: 404))))
        #expect(events.contains { event in
            if case .trackFailed(let track, 1, .notMP3(_, let reason)) = event { return track.id == "text" && reason.contains("plain text") }
            return false
        })
        #expect(events.contains(.trackEnded(Tones.track("good"), index: 2)))
        #expect(rig.sink.frames == 22050)
        #expect(rig.player.snapshot.lastError != nil, "the last failure stays visible")
        rig.player.shutdown()
    }

    @Test("repeat one plays the track again; repeat all wraps to the first")
    func repeatModes() async throws {
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 0.3), "fake://b": try Tones.bytes(seconds: 0.3)])
        rig.player.setRepeat(.one)
        rig.player.play([Tones.track("a"), Tones.track("b")])
        let one = await rig.events { event in
            if case .trackStarted(_, 0) = event { return true } else { return false }
        }
        #expect(one.first == .trackStarted(Tones.track("a"), index: 0))
        let again = await rig.events { event in
            if case .trackStarted = event { return true } else { return false }
        }
        #expect(again.last == .trackStarted(Tones.track("a"), index: 0), "repeat one: a again, not b")
        rig.player.setRepeat(.all)
        var order: [Int] = []
        _ = await rig.events { event in
            if case .trackStarted(_, let index) = event { order.append(index) }
            return order.filter { $0 == 1 }.count >= 2
        }
        // Repeat one may replay a a few more times before the command lands; from b on, the queue wraps.
        #expect(Array(order.drop { $0 != 1 }) == [1, 0, 1], "\(order.suffix(6))")
        rig.player.stop()
        rig.player.shutdown()
    }

    @Test("shuffle plays every track once, starting with the chosen one")
    func shuffle() async throws {
        let names = (0..<8).map { "t\($0)" }
        var sources: [String: [UInt8]] = [:]
        let tone = try Tones.bytes(seconds: 0.1)
        for name in names { sources["fake://\(name)"] = tone }
        let rig = FakeRig(sources: sources)
        rig.player.setShuffle(true)
        rig.player.play(names.map { Tones.track($0) }, startingAt: 3)
        var started: [Int] = []
        _ = await rig.events { event in
            if case .trackStarted(_, let index) = event { started.append(index) }
            return event == .queueFinished
        }
        #expect(started.first == 3)
        #expect(started.sorted() == Array(0..<8))
        #expect(rig.player.snapshot.shuffle)
        rig.player.shutdown()
    }

    @Test("tracks in different formats reopen the output in each format")
    func formatChange() async throws {
        let rig = FakeRig(sources: [
            "fake://cd": try Tones.bytes(seconds: 0.3),
            "fake://mono48": try Tones.bytes(seconds: 0.3, sampleRate: 48000, channels: 1, bitrate: 64),
        ])
        rig.player.play([Tones.track("cd"), Tones.track("mono48")])
        _ = await rig.events { $0 == .queueFinished }
        #expect(rig.sink.record.withLock { $0.formats } == [AudioFormat(sampleRate: 44100, channels: 2), AudioFormat(sampleRate: 48000, channels: 1)])
        rig.player.shutdown()
    }

    @Test("no output at all: stopped at once with the output's reason, nothing hangs")
    func noOutput() async throws {
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 1)], sinkError: .pulseUnreachable(reason: "Connection refused"))
        rig.player.play([Tones.track("a")])
        let events = await rig.events { event in
            if case .outputFailed = event { return true } else { return false }
        }
        #expect(events.last == .outputFailed(.output(reason: OutputError.pulseUnreachable(reason: "Connection refused").description)))
        #expect(await rig.waitUntil(timeout: .seconds(2)) { $0.status == .stopped })
        #expect(rig.player.snapshot.lastError?.description.contains("PULSE_SERVER") == true)
        rig.player.shutdown()
    }

    @Test("an output that fails mid-track is reopened and playback continues")
    func outputRecovers() async throws {
        let sink = FakeSink(budget: 44100 * 4 / 2)
        let rig = FakeRig(sources: ["fake://a": try Tones.bytes(seconds: 1.5)], sink: sink)
        rig.player.play([Tones.track("a")])
        #expect(await rig.waitUntil { $0.position > 0.4 })
        sink.record.withLock { $0.failNextWrite = .pulseFailed(operation: "playback", reason: "the connection to the server was lost") }
        sink.allow(44100 * 4 * 2)
        let events = await rig.events { $0 == .queueFinished }
        #expect(events.contains { event in
            if case .outputFailed = event { return true } else { return false }
        })
        #expect(events.last == .queueFinished)
        #expect(sink.record.withLock { $0.closed } >= 1, "the failed output was closed and a new one opened")
        rig.player.shutdown()
    }
}

@Suite("The play queue")
struct PlayQueueTests {
    let tracks = (0..<4).map { Tones.track("t\($0)") }

    @Test("in order, then the end; repeat all wraps; repeat one stays")
    func order() {
        var queue = PlayQueue(tracks, startingAt: 2)
        #expect(queue.currentIndex == 2)
        var moved = queue.advanceNaturally()
        #expect(moved && queue.currentIndex == 3)
        moved = queue.advanceNaturally()
        #expect(!moved && queue.current == nil)
        queue = PlayQueue(tracks, startingAt: 3, repeatMode: .all)
        #expect(queue.naturalSuccessor == 0)
        moved = queue.advanceNaturally()
        #expect(moved && queue.currentIndex == 0)
        queue.repeatMode = .one
        #expect(queue.naturalSuccessor == 0)
        moved = queue.advanceNaturally()
        #expect(moved && queue.currentIndex == 0)
        moved = queue.skipForward()
        #expect(moved && queue.currentIndex == 1, "next leaves repeat one's track")
    }

    @Test("skipping backward stops at the first track unless repeating all")
    func backward() {
        var queue = PlayQueue(tracks, startingAt: 0)
        var moved = queue.skipBackward()
        #expect(!moved)
        queue.repeatMode = .all
        moved = queue.skipBackward()
        #expect(moved && queue.currentIndex == 3)
    }

    @Test("shuffle keeps the current track first and visits every track; unshuffle resumes in order")
    func shuffle() {
        var generator = SystemRandomNumberGenerator()
        var queue = PlayQueue(tracks, startingAt: 1)
        queue.setShuffle(true, using: &generator)
        #expect(queue.currentIndex == 1)
        #expect(queue.order.sorted() == [0, 1, 2, 3])
        queue.setShuffle(false, using: &generator)
        #expect(queue.order == [0, 1, 2, 3] && queue.currentIndex == 1)
        let moved = queue.skipForward()
        #expect(moved && queue.currentIndex == 2)
    }

    @Test("appending extends the queue, shuffled or not, and the current track goes on")
    func append() {
        var queue = PlayQueue(Array(tracks.prefix(2)), startingAt: 1)
        #expect(queue.naturalSuccessor == nil)
        queue.append(Array(tracks.suffix(2)))
        #expect(queue.currentIndex == 1 && queue.naturalSuccessor == 2)
        #expect(queue.tracks == tracks && queue.order == [0, 1, 2, 3])
        queue.setShuffle(true)
        queue.append([Tones.track("t4")])
        #expect(queue.currentIndex == 1 && queue.order.last == 4 && queue.order.sorted() == [0, 1, 2, 3, 4])
    }

    @Test("an index outside the queue plays nothing")
    func outOfRange() {
        #expect(PlayQueue(tracks, startingAt: 9).current == nil)
        #expect(PlayQueue([], startingAt: 0).current == nil)
    }
}
