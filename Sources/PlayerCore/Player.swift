public import CurlTransfer
import OSThreads

/// Plays queues of MP3 URLs: libcurl streams them, libmpg123 decodes them, and PulseAudio (or a WAV file)
/// plays them.
///
/// Every method returns at once: commands are queued for the engine's own thread, and `snapshot` and
/// `drainEvents()` read what it last published, so a UI thread never waits on the network or on audio.
public final class Player: Sendable {
    private let mailbox: EngineMailbox
    private let finished = WakeupSignal()

    /// - Parameters:
    ///   - output: where the sound goes.
    ///   - session: the libcurl session streams run on (its own thread).
    ///   - streamBuffer: bytes of each stream held ahead of the decoder.
    ///   - onChange: called from the engine's thread when something other than the position changed
    ///     (a track started, paused, failed…); it must not block. A UI uses it to wake up.
    ///   - locate: where a track is read from, asked on the engine's thread as each track opens (so a
    ///     copy that arrived, or went, since the queue was given counts); it must not block for long.
    public convenience init(
        output: OutputChoice,
        session: CurlSession,
        streamBuffer: Int = 1 << 20,
        onChange: @escaping @Sendable () -> Void = {},
        locate: @escaping @Sendable (Track) -> String = { $0.url }
    ) {
        let parts = EngineParts(
            makeSink: { wake throws(OutputError) in try output.makeSink(wake: wake) },
            makeSource: { url, wake in NetworkSource(url: url, session: session, capacity: max(16 << 10, streamBuffer), wake: wake) },
            locate: locate
        )
        self.init(parts: parts, onChange: onChange)
    }

    init(parts: EngineParts, onChange: @escaping @Sendable () -> Void) {
        let mailbox = EngineMailbox(onChange: onChange)
        self.mailbox = mailbox
        let finished = self.finished
        OSThread.detach(name: "termplayer-player") {
            PlaybackEngine(parts: parts, mailbox: mailbox).run()
            finished.signal()
        }
    }

    // MARK: Commands

    /// Replaces the queue and plays `tracks[index]`, from `seconds` in.
    public func play(_ tracks: [Track], startingAt index: Int = 0, from seconds: Double = 0) {
        mailbox.send(.play(tracks, index: index, start: seconds))
    }

    /// Adds tracks to the end of the queue; what plays now goes on.
    public func append(_ tracks: [Track]) { mailbox.send(.append(tracks)) }

    public func pause() { mailbox.send(.pause) }
    public func resume() { mailbox.send(.resume) }
    public func togglePause() { mailbox.send(.toggle) }
    public func stop() { mailbox.send(.stop) }
    public func next() { mailbox.send(.next) }
    /// The previous track, or the start of this one when more than 3 s in.
    public func previous() { mailbox.send(.previous) }
    public func seek(to seconds: Double) { mailbox.send(.seek(to: seconds)) }
    public func seek(by seconds: Double) { mailbox.send(.seekBy(seconds)) }
    /// 0...150 percent.
    public func setVolume(_ percent: Int) { mailbox.send(.volume(percent)) }
    public func setShuffle(_ on: Bool) { mailbox.send(.shuffle(on)) }
    public func setRepeat(_ mode: RepeatMode) { mailbox.send(.repeatMode(mode)) }

    // MARK: State

    /// The engine's latest state, copied under a lock.
    public var snapshot: PlayerSnapshot { mailbox.currentSnapshot }

    /// Events since the last call, oldest first.
    public func drainEvents() -> [PlayerEvent] { mailbox.drainEvents() }

    /// Stops playback, closes the output (a WAV file gets its final header) and ends the engine's thread.
    /// Waits at most `timeout` for that.
    public func shutdown(timeout: Duration = .seconds(2)) {
        mailbox.send(.shutdown)
        finished.wait(timeout: timeout)
    }
}
