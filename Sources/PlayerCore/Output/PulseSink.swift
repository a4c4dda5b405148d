internal import CPulse
import OSThreads
import MPEGAudio
import Synchronization

/// Plays through PulseAudio (or PipeWire's PulseAudio server) with an explicit half-second buffer.
///
/// libpulse's threaded main loop runs its own thread; every call from the engine thread holds the loop's
/// lock, as libpulse requires. The server is found the usual way: PULSE_SERVER, else the user's runtime
/// folder. A failed server (restarted, killed) shows up as an error on the next write; the engine then
/// opens a new sink.
final class PulseSink: AudioSink {
    /// What libpulse's thread touches: only this object, whose fields are set before the loop starts.
    fileprivate final class Callbacks: @unchecked Sendable {
        /// The engine's wake-up: the stream wants data, or something failed.
        let wake: @Sendable () -> Void
        let mainloop: OpaquePointer
        let failed = Atomic<Bool>(false)
        /// Set by the drain operation's callback once the server has played everything written.
        let drained = Atomic<Bool>(false)

        init(wake: @escaping @Sendable () -> Void, mainloop: OpaquePointer) {
            self.wake = wake
            self.mainloop = mainloop
        }
    }

    private let callbacks: Callbacks
    private let mainloop: OpaquePointer
    private let context: OpaquePointer
    private var stream: OpaquePointer?
    private var format: AudioFormat?
    private var volume = 100
    private var paused = false
    private var draining = false
    /// Target buffer: what the server keeps queued ahead of the speaker, and so the longest stall of this
    /// process that is not heard. 100 ms underran on a busy machine; pause (cork), seek (flush) and volume
    /// act at once whatever the buffer holds, so a larger one costs only the first fill.
    static let bufferMilliseconds = 500
    /// What must be queued before the server starts (or restarts after running dry): the first sound need
    /// not wait for the whole buffer to fill.
    static let startMilliseconds = 100
    /// How long a new stream may take to become ready: a server answers in milliseconds.
    static let streamReadyTimeout: Duration = .seconds(5)

    /// `server` is libpulse's server string; nil takes `PULSE_SERVER` and the client configuration.
    init(wake: @escaping @Sendable () -> Void, server: String? = nil) throws(OutputError) {
        guard let mainloop = pa_threaded_mainloop_new() else { throw .pulseFailed(operation: "start", reason: "out of memory") }
        self.mainloop = mainloop
        callbacks = Callbacks(wake: wake, mainloop: mainloop)
        guard let context = pa_context_new(pa_threaded_mainloop_get_api(mainloop), "TermPlayer") else {
            pa_threaded_mainloop_free(mainloop)
            throw .pulseFailed(operation: "start", reason: "out of memory")
        }
        self.context = context
        let userdata = Unmanaged.passUnretained(callbacks).toOpaque()
        pa_context_set_state_callback(context, contextStateChanged, userdata)
        guard pa_context_connect(context, server, PA_CONTEXT_NOAUTOSPAWN, nil) >= 0 else {
            let reason = Self.errorText(context)
            pa_context_unref(context)
            pa_threaded_mainloop_free(mainloop)
            throw .pulseUnreachable(reason: reason)
        }
        pa_threaded_mainloop_start(mainloop)
        do {
            try waitForContext()
        } catch {
            close()
            throw error
        }
    }

    /// Waits up to 5 s for the connection; a server that never answers must not hang the player.
    private func waitForContext() throws(OutputError) {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            pa_threaded_mainloop_lock(mainloop)
            let state = pa_context_get_state(context)
            let reason = Self.errorText(context)
            pa_threaded_mainloop_unlock(mainloop)
            switch state {
            case PA_CONTEXT_READY: return
            case PA_CONTEXT_FAILED, PA_CONTEXT_TERMINATED: throw .pulseUnreachable(reason: reason)
            default:
                guard ContinuousClock.now < deadline else { throw .pulseUnreachable(reason: "no answer within 5 s") }
                OSThread.sleep(for: .milliseconds(5))
            }
        }
    }

    var fixedFormat: AudioFormat? { nil }

    func open(_ requested: AudioFormat) throws(OutputError) -> AudioFormat {
        if requested == format, stream != nil { return requested }
        closeStream()
        var spec = pa_sample_spec(format: PA_SAMPLE_S16LE, rate: UInt32(requested.sampleRate), channels: UInt8(requested.channels))
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        guard let stream = pa_stream_new(context, "TermPlayer", &spec, nil) else {
            throw .pulseFailed(operation: "creating a stream", reason: Self.errorText(context))
        }
        let userdata = Unmanaged.passUnretained(callbacks).toOpaque()
        pa_stream_set_write_callback(stream, streamWantsData, userdata)
        pa_stream_set_state_callback(stream, streamStateChanged, userdata)
        let bytesPerMillisecond = requested.sampleRate * requested.bytesPerFrame / 1000
        var attributes = pa_buffer_attr(
            maxlength: UInt32.max,
            tlength: UInt32(Self.bufferMilliseconds * bytesPerMillisecond),
            prebuf: UInt32(Self.startMilliseconds * bytesPerMillisecond),
            minreq: UInt32(Self.bufferMilliseconds / 4 * bytesPerMillisecond),
            fragsize: UInt32.max)
        var volume = Self.channelVolume(percent: self.volume, channels: requested.channels)
        let flags = pa_stream_flags_t(
            PA_STREAM_ADJUST_LATENCY.rawValue | PA_STREAM_AUTO_TIMING_UPDATE.rawValue | PA_STREAM_INTERPOLATE_TIMING.rawValue
                | (paused ? PA_STREAM_START_CORKED.rawValue : 0))
        guard pa_stream_connect_playback(stream, nil, &attributes, flags, &volume, nil) >= 0 else {
            pa_stream_unref(stream)
            throw .pulseFailed(operation: "connecting a stream", reason: Self.errorText(context))
        }
        // Polled with the lock let go between looks, not waited for: a server that stops answering (stopped,
        // wedged) would otherwise hold the player here for good.
        let deadline = ContinuousClock.now + Self.streamReadyTimeout
        while true {
            let state = pa_stream_get_state(stream)
            if state == PA_STREAM_READY { break }
            let failed = state == PA_STREAM_FAILED || state == PA_STREAM_TERMINATED
            guard failed || ContinuousClock.now >= deadline else {
                pa_threaded_mainloop_unlock(mainloop)
                OSThread.sleep(for: .milliseconds(2))
                pa_threaded_mainloop_lock(mainloop)
                continue
            }
            let reason = failed ? Self.errorText(context) : "the sound server did not make the stream ready within \(Self.streamReadyTimeout)"
            if !failed { pa_stream_disconnect(stream) }
            pa_stream_unref(stream)
            throw .pulseFailed(operation: "opening a \(requested) stream", reason: reason)
        }
        self.stream = stream
        format = requested
        return requested
    }

    func writableBytes() throws(OutputError) -> Int {
        try checkHealth()
        guard let stream else { return 0 }
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        let size = pa_stream_writable_size(stream)
        return size == Int.max ? 0 : size
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        try checkHealth()
        if draining {
            draining = false
            callbacks.drained.store(false, ordering: .releasing)
        }
        guard let stream, let base = bytes.baseAddress else { return }
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        guard pa_stream_write(stream, base, bytes.count, nil, 0, PA_SEEK_RELATIVE) >= 0 else {
            throw .pulseFailed(operation: "writing", reason: Self.errorText(context))
        }
    }

    /// PulseAudio calls back when it wants data.
    func nextRoom() -> Duration? { nil }

    /// Asks the server to report when it has played everything (the stream's prebuffering would otherwise
    /// hold back a last fragment smaller than the buffer); true once it has.
    func finishedPlaying() -> Bool {
        guard let stream else { return true }
        if callbacks.drained.load(ordering: .acquiring) { return true }
        if !draining {
            draining = true
            let userdata = Unmanaged.passUnretained(callbacks).toOpaque()
            run { _ in pa_stream_drain(stream, streamDrained, userdata) }
        }
        return false
    }

    func setPaused(_ paused: Bool) {
        self.paused = paused
        run { stream in pa_stream_cork(stream, paused ? 1 : 0, nil, nil) }
    }

    func discardBuffered() {
        run { stream in pa_stream_flush(stream, nil, nil) }
    }

    func latency() -> Double {
        guard let stream else { return 0 }
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        var microseconds: pa_usec_t = 0
        var negative: Int32 = 0
        guard pa_stream_get_latency(stream, &microseconds, &negative) == 0, negative == 0 else { return 0 }
        return Double(microseconds) / 1_000_000
    }

    func setVolume(_ percent: Int) {
        volume = percent
        guard let format, let stream else { return }
        var levels = Self.channelVolume(percent: percent, channels: format.channels)
        pa_threaded_mainloop_lock(mainloop)
        defer { pa_threaded_mainloop_unlock(mainloop) }
        if let operation = pa_context_set_sink_input_volume(context, pa_stream_get_index(stream), &levels, nil, nil) {
            pa_operation_unref(operation)
        }
    }

    func close() {
        closeStream()
        pa_threaded_mainloop_lock(mainloop)
        pa_context_set_state_callback(context, nil, nil)
        pa_context_disconnect(context)
        pa_threaded_mainloop_unlock(mainloop)
        pa_threaded_mainloop_stop(mainloop)
        pa_context_unref(context)
        pa_threaded_mainloop_free(mainloop)
    }

    // MARK: Helpers

    private func closeStream() {
        guard let stream else { return }
        pa_threaded_mainloop_lock(mainloop)
        pa_stream_set_write_callback(stream, nil, nil)
        pa_stream_set_state_callback(stream, nil, nil)
        pa_stream_disconnect(stream)
        pa_stream_unref(stream)
        pa_threaded_mainloop_unlock(mainloop)
        self.stream = nil
    }

    /// Runs an asynchronous stream operation without waiting for it.
    private func run(_ operation: (OpaquePointer) -> OpaquePointer?) {
        guard let stream else { return }
        pa_threaded_mainloop_lock(mainloop)
        if let started = operation(stream) { pa_operation_unref(started) }
        pa_threaded_mainloop_unlock(mainloop)
    }

    private func checkHealth() throws(OutputError) {
        guard callbacks.failed.load(ordering: .acquiring) else { return }
        pa_threaded_mainloop_lock(mainloop)
        let reason = Self.errorText(context)
        pa_threaded_mainloop_unlock(mainloop)
        throw .pulseFailed(operation: "playback", reason: "the connection to the server was lost (\(reason))")
    }

    private static func channelVolume(percent: Int, channels: Int) -> pa_cvolume {
        var levels = pa_cvolume()
        let level = UInt32((Double(tp_pa_volume_norm()) * Double(min(150, max(0, percent))) / 100).rounded())
        pa_cvolume_set(&levels, UInt32(channels), level)
        return levels
    }

    private static func errorText(_ context: OpaquePointer) -> String {
        String(cString: pa_strerror(pa_context_errno(context)))
    }

    fileprivate static func callbacks(_ userdata: UnsafeMutableRawPointer?) -> Callbacks? {
        userdata.map { Unmanaged<Callbacks>.fromOpaque($0).takeUnretainedValue() }
    }

}

// MARK: Callbacks on PulseAudio's thread (the loop's lock is held)

private let contextStateChanged: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { context, userdata in
    guard let context, let callbacks = PulseSink.callbacks(userdata) else { return }
    let state = pa_context_get_state(context)
    if state == PA_CONTEXT_FAILED || state == PA_CONTEXT_TERMINATED {
        callbacks.failed.store(true, ordering: .releasing)
        callbacks.wake()
    }
    pa_threaded_mainloop_signal(callbacks.mainloop, 0)
}

private let streamStateChanged: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { stream, userdata in
    guard let stream, let callbacks = PulseSink.callbacks(userdata) else { return }
    if pa_stream_get_state(stream) == PA_STREAM_FAILED {
        callbacks.failed.store(true, ordering: .releasing)
    }
    callbacks.wake()
    pa_threaded_mainloop_signal(callbacks.mainloop, 0)
}

private let streamDrained: @convention(c) (OpaquePointer?, Int32, UnsafeMutableRawPointer?) -> Void = { _, _, userdata in
    guard let callbacks = PulseSink.callbacks(userdata) else { return }
    callbacks.drained.store(true, ordering: .releasing)
    callbacks.wake()
}

private let streamWantsData: @convention(c) (OpaquePointer?, Int, UnsafeMutableRawPointer?) -> Void = { _, _, userdata in
    PulseSink.callbacks(userdata)?.wake()
}
