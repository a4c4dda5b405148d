import Foundation
import MPEGAudio
@testable import PlayerCore
import Synchronization
import TestSupport
import Testing

/// Bytes from memory, handed out as the engine asks; can be told to fail or to stall.
final class FakeSource: ByteSource, @unchecked Sendable {
    private let data: [UInt8]
    private let state: Mutex<(offset: Int, failure: PlayerError?, stalled: Bool)>
    let wake: @Sendable () -> Void

    var ignoresRanges: Bool { false }

    init(data: [UInt8], failure: PlayerError? = nil, wake: @escaping @Sendable () -> Void) {
        self.data = data
        self.state = Mutex((0, failure, false))
        self.wake = wake
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> SourceRead {
        state.withLock { state in
            if let failure = state.failure { return .failed(failure) }
            if state.stalled { return .waiting }
            guard state.offset < data.count else { return .end }
            let count = min(buffer.count, 4096, data.count - state.offset)
            data.withUnsafeBytes { bytes in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[state.offset..<state.offset + count]))
            }
            state.offset += count
            return .bytes(count)
        }
    }

    func restart(at offset: Int) { state.withLock { $0.offset = min(offset, data.count) } }
    func maintain() {}
    var totalBytes: Int? { data.count }
    var bufferedBytes: Int { state.withLock { data.count - $0.offset } }
    var isComplete: Bool { true }
    func close() {}
}

/// An output that records what it is given, and plays it only as fast as the test allows.
final class FakeSink: AudioSink, @unchecked Sendable {
    struct Record {
        var bytes: [UInt8] = []
        var formats: [AudioFormat] = []
        var paused = false
        var volume = 100
        var discards = 0
        var closed = 0
        /// Bytes it will still take; nil: unlimited.
        var budget: Int?
        var failNextWrite: OutputError?
    }

    let record: Mutex<Record>

    init(budget: Int? = nil) {
        record = Mutex(Record(budget: budget))
    }

    var fixedFormat: AudioFormat? { nil }

    func open(_ format: AudioFormat) throws(OutputError) -> AudioFormat {
        record.withLock { $0.formats.append(format) }
        return format
    }

    func writableBytes() throws(OutputError) -> Int {
        try record.withLock { record throws(OutputError) in
            if let failure = record.failNextWrite {
                record.failNextWrite = nil
                throw failure
            }
            return record.paused ? 0 : (record.budget ?? (1 << 20))
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        record.withLock { record in
            record.bytes.append(contentsOf: bytes)
            if let budget = record.budget { record.budget = budget - bytes.count }
        }
    }

    func nextRoom() -> Duration? { .milliseconds(5) }
    func setPaused(_ paused: Bool) { record.withLock { $0.paused = paused } }
    func discardBuffered() { record.withLock { $0.discards += 1 } }
    func latency() -> Double { 0 }
    func finishedPlaying() -> Bool { true }
    func setVolume(_ percent: Int) { record.withLock { $0.volume = percent } }
    func close() { record.withLock { $0.closed += 1 } }

    /// Lets `bytes` more through.
    func allow(_ bytes: Int) { record.withLock { $0.budget = ($0.budget ?? 0) + bytes } }

    var frames: Int { record.withLock { $0.bytes.count / 4 } }
}

/// A player over fakes: sources from a table of URL → bytes (or failures), one shared fake sink.
struct FakeRig {
    let player: Player
    let sink: FakeSink

    init(
        sources: [String: [UInt8]],
        failures: [String: PlayerError] = [:],
        sink: FakeSink = FakeSink(),
        sinkError: OutputError? = nil
    ) {
        let sinkFactory = sink
        let parts = EngineParts(
            makeSink: { _ throws(OutputError) in
                if let sinkError { throw sinkError }
                return sinkFactory
            },
            makeSource: { url, wake in FakeSource(data: sources[url] ?? [], failure: failures[url], wake: wake) }
        )
        self.sink = sink
        player = Player(parts: parts, onChange: {})
    }

    /// Polls the snapshot until `condition` holds or `timeout` passes.
    func waitUntil(timeout: Duration = .seconds(5), _ condition: (PlayerSnapshot) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(player.snapshot) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(player.snapshot)
    }

    /// Collects events until one matches or `timeout` passes.
    func events(until stop: (PlayerEvent) -> Bool, timeout: Duration = .seconds(5)) async -> [PlayerEvent] {
        var seen: [PlayerEvent] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            for event in player.drainEvents() {
                seen.append(event)
                if stop(event) { return seen }
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        // A sleep that overslept the deadline (a busy machine) still looks at what came meanwhile.
        for event in player.drainEvents() {
            seen.append(event)
            if stop(event) { break }
        }
        return seen
    }
}

/// Tone MP3s as bytes, and their exact decoded lengths.
enum Tones {
    static func bytes(frequency: Int = 440, seconds: Double = 1, sampleRate: Int = 44100, channels: Int = 2, bitrate: Int = 128) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Fixtures.toneMP3(frequency: frequency, seconds: seconds, bitrate: bitrate, sampleRate: sampleRate, channels: channels)))
    }

    static func track(_ name: String, seconds: Double? = nil) -> Track {
        Track(id: name, url: "fake://\(name)", title: name, duration: seconds)
    }
}
