import Foundation
import MPEGAudio
@testable import PlayerCore
import Synchronization
import TestSupport
import Testing

/// A sound server that stops answering between connecting and opening a stream (stopped, wedged) must not
/// hold the player: opening gives up with a reason instead of waiting for good (issue 14).
@Suite struct PulseStallTests {
    @Test("a stream the server never makes ready fails within its deadline, with a reason")
    func streamNeverReady() async throws {
        let pulse = try await PulseAudioServer.startPrivate()
        defer { pulse.kill() }
        let pid = try #require(pulse.daemonPID)
        let sink = SinkOnAThread(try PulseSink(wake: {}, server: pulse.address))
        kill(pid, SIGSTOP)
        let started = ContinuousClock.now
        // On a thread of its own, so a regression shows as a failure here, not as a hung test run.
        let outcome = Mutex<Result<AudioFormat, OutputError>?>(nil)
        let thread = Thread {
            let result = Result { () throws(OutputError) in try sink.sink.open(AudioFormat(sampleRate: 44_100, channels: 2)) }
            outcome.withLock { $0 = result }
        }
        thread.start()
        while outcome.withLock({ $0 == nil }), ContinuousClock.now - started < .seconds(15) { try await Task.sleep(for: .milliseconds(20)) }
        let took = ContinuousClock.now - started
        kill(pid, SIGCONT)
        let result = outcome.withLock { $0 }
        guard case .failure(let error) = try #require(result, "open still waiting after \(took)") else {
            Issue.record("a stopped server made a stream ready")
            return
        }
        #expect("\(error)".contains("did not make the stream ready"), "\(error)")
        #expect(took >= PulseSink.streamReadyTimeout && took < PulseSink.streamReadyTimeout + .seconds(3))
        sink.sink.close()
    }

    /// The sink, handed to the one thread that opens it while this test only watches the clock.
    final class SinkOnAThread: @unchecked Sendable {
        let sink: PulseSink
        init(_ sink: PulseSink) { self.sink = sink }
    }
}
