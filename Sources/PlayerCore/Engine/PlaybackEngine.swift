#if canImport(Glibc)
import Glibc
#endif
import MPEGAudio

/// What callers ask of the engine; queued and applied on the engine's thread.
enum PlayerCommand: Sendable {
    case play([Track], index: Int, start: Double)
    case append([Track])
    case pause
    case resume
    case toggle
    case stop
    case next
    case previous
    case seek(to: Double)
    case seekBy(Double)
    case volume(Int)
    case shuffle(Bool)
    case repeatMode(RepeatMode)
    case shutdown
}

/// Builds the parts the engine plays through; tests give fakes.
struct EngineParts: Sendable {
    var makeSink: @Sendable (_ wake: @escaping @Sendable () -> Void) throws(OutputError) -> any AudioSink
    var makeSource: @Sendable (_ url: String, _ wake: @escaping @Sendable () -> Void) -> any ByteSource
    /// Where a track's bytes are read from, asked as it opens: a copy on disk, else its URL.
    var locate: @Sendable (Track) -> String = { $0.url }
}

/// The state machine behind `Player`, confined to one thread of its own.
///
/// Its loop applies commands, decodes just enough to keep the output's small buffer full, writes, and
/// sleeps until the output wants more, bytes arrive, a command comes, or a timer is due. Paused or
/// stopped, it sleeps without a timeout: no CPU at all.
final class PlaybackEngine {
    private let parts: EngineParts
    private let mailbox: EngineMailbox

    private var queue = PlayQueue()
    private var current: TrackPipeline?
    /// The next track, opened and buffering before the current one ends, so the two play gaplessly.
    private var upcoming: TrackPipeline?
    private var sink: (any AudioSink)?
    private var sinkFormat: AudioFormat?
    /// PCM decoded but not yet taken by the output.
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private var status = PlaybackStatus.stopped
    private var paused = false
    private var volume = 100
    private var shuffle = false
    private var repeatMode = RepeatMode.off
    private var lastError: PlayerError?
    /// After the queue's last PCM: waiting for the output to play what it holds.
    private var draining = false
    /// After the output failed mid-playback: keep trying to reopen it until this deadline.
    private var outputRetryUntil: ContinuousClock.Instant?
    private var nextOutputAttempt: ContinuousClock.Instant?

    /// Time to keep trying after the audio server went away mid-playback (a restart takes a second or two).
    static let outputRetryWindow: Duration = .seconds(10)
    /// Start fetching the next track this long before the current one ends.
    static let preloadSeconds = 15.0

    init(parts: EngineParts, mailbox: EngineMailbox) {
        self.parts = parts
        self.mailbox = mailbox
    }

    // MARK: The loop

    func run() {
        while true {
            for command in mailbox.takeCommands() {
                if case .shutdown = command {
                    stopPlayback()
                    publish()
                    return
                }
                apply(command)
            }
            current?.source.maintain()
            upcoming?.source.maintain()
            if let current, !current.toldRangesIgnored, current.source.ignoresRanges {
                current.toldRangesIgnored = true
                mailbox.post(.rangesIgnored(current.track))
            }
            let timeout = step()
            publish()
            mailbox.wait(timeout: timeout)
        }
    }

    /// Does the work the state calls for; returns how long the loop may sleep (nil: until woken).
    private func step() -> Duration? {
        if draining { return drain() }
        guard current != nil, !paused else { return nil }
        guard let sink = openSinkIfNeeded() else { return nextOutputAttempt.map { $0 - .now } }
        do {
            return try pump(into: sink)
        } catch {
            outputFailed(error)
            return .milliseconds(500)
        }
    }

    /// Decodes and writes until the output is full or input runs short.
    private func pump(into sink: any AudioSink) throws(OutputError) -> Duration? {
        for _ in 0..<256 {
            if pendingOffset == pending.count {
                guard let pipeline = current else { return drain() }
                switch pipeline.next() {
                case .pcm(let pcm):
                    pending.removeAll(keepingCapacity: true)
                    pending.append(contentsOf: pcm)
                    pendingOffset = 0
                case .format(let format):
                    if format != sinkFormat {
                        // Reopening the output drops what it holds: let the previous track play out first.
                        if sinkFormat != nil, sink.latency() > 0.01 {
                            pipelineWaitingForFormat = format
                            return .milliseconds(Int(sink.latency() * 1000))
                        }
                        sinkFormat = try sink.open(format)
                        sink.setVolume(volume)
                    }
                    continue
                case .starved:
                    status = .buffering
                    return .milliseconds(200)
                case .ended:
                    finishCurrent(failure: nil)
                    continue
                case .failed(let error):
                    finishCurrent(failure: error)
                    continue
                }
            }
            if let format = pipelineWaitingForFormat {
                if sink.latency() > 0.01 { return .milliseconds(Int(sink.latency() * 1000)) }
                pipelineWaitingForFormat = nil
                sinkFormat = try sink.open(format)
                sink.setVolume(volume)
            }
            guard let format = sinkFormat, let pipeline = current else {
                // PCM always follows a format, and the output was opened for it; never spin here.
                return .milliseconds(50)
            }
            let writable = try sink.writableBytes() / format.bytesPerFrame * format.bytesPerFrame
            // Writing in slivers would wake this thread hundreds of times a second; wait for 10 ms of room.
            let worthWriting = min(pending.count - pendingOffset, format.sampleRate / 100 * format.bytesPerFrame)
            guard writable >= worthWriting else {
                status = .playing
                preloadIfDue()
                return sink.nextRoom() ?? .milliseconds(250)
            }
            let count = min(writable, pending.count - pendingOffset)
            let offset = pendingOffset
            try pending.withUnsafeBytes { bytes in
                Result { () throws(OutputError) in try sink.write(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])) }
            }.get()
            pendingOffset += count
            pipeline.framesWritten += count / format.bytesPerFrame
            status = .playing
            outputRetryUntil = nil
        }
        return .zero
    }

    private var pipelineWaitingForFormat: AudioFormat?

    /// Opens (or reopens after a failure) the output. nil while it cannot be had.
    private func openSinkIfNeeded() -> (any AudioSink)? {
        if let sink { return sink }
        if let nextOutputAttempt, nextOutputAttempt > .now { return nil }
        do {
            let created = try parts.makeSink { [mailbox] in mailbox.wake() }
            sink = created
            sinkFormat = nil
            nextOutputAttempt = nil
            if let format = current?.format ?? pipelineWaitingForFormat {
                pipelineWaitingForFormat = nil
                sinkFormat = try created.open(format)
                created.setVolume(volume)
            }
            if lastError.map(Self.isOutputError) == true { lastError = nil }
            return created
        } catch {
            outputFailed(error)
            return nil
        }
    }

    /// The output failed. Mid-playback it is retried for a while (the server may be restarting); at the
    /// start of playback, or after the window, playback stops with the reason.
    private func outputFailed(_ error: OutputError) {
        // An output that was working went away (a restarted server): worth waiting for. One that could not
        // be opened at all is reported at once.
        let wasWorking = sink != nil || outputRetryUntil != nil
        sink?.close()
        sink = nil
        sinkFormat = nil
        let failure = PlayerError.output(reason: error.description)
        if lastError != failure { mailbox.post(.outputFailed(failure)) }
        lastError = failure
        if outputRetryUntil == nil, wasWorking { outputRetryUntil = .now + Self.outputRetryWindow }
        if let until = outputRetryUntil, until > .now {
            status = .buffering
            nextOutputAttempt = .now + .milliseconds(500)
        } else {
            outputRetryUntil = nil
            nextOutputAttempt = nil
            stopPlayback(keepError: true)
        }
    }

    private static func isOutputError(_ error: PlayerError) -> Bool {
        if case .output = error { return true }
        return false
    }

    /// Starts fetching the next track once the current one is downloaded or nearly over.
    private func preloadIfDue() {
        guard upcoming == nil, let current, let next = queue.naturalSuccessor else { return }
        let remaining = (current.duration ?? .infinity) - current.position(outputLatency: 0)
        guard current.source.isComplete || remaining < Self.preloadSeconds else { return }
        upcoming = makePipeline(index: next, start: 0)
    }

    /// The current track ended (or failed): on to the next, without a gap if it is already buffered.
    private func finishCurrent(failure: PlayerError?) {
        guard let finished = current else { return }
        if let failure {
            lastError = failure
            mailbox.post(.trackFailed(finished.track, index: finished.queueIndex, failure))
        } else {
            mailbox.post(.trackEnded(finished.track, index: finished.queueIndex))
        }
        finished.close()
        current = nil
        guard queue.advanceNaturally(), let index = queue.currentIndex else {
            upcoming?.close()
            upcoming = nil
            draining = true
            return
        }
        if let upcoming, upcoming.queueIndex == index {
            current = upcoming
        } else {
            upcoming?.close()
            current = makePipeline(index: index, start: 0)
        }
        upcoming = nil
        if let current { mailbox.post(.trackStarted(current.track, index: current.queueIndex)) }
    }

    /// After the last track: let the output play what it holds, then stop.
    private func drain() -> Duration? {
        if let sink, !sink.finishedPlaying(), !paused {
            return .milliseconds(max(5, Int(sink.latency() * 1000)))
        }
        draining = false
        stopPlayback(keepError: true)
        mailbox.post(.queueFinished)
        return nil
    }

    // MARK: Commands

    private func apply(_ command: PlayerCommand) {
        switch command {
        case .play(let tracks, let index, let seconds):
            // The output stays open, as for next and seek: Enter on another song need not wait for a new
            // PulseAudio connection and stream.
            stopPlayback(keepOutput: true)
            queue = PlayQueue(tracks, startingAt: index, repeatMode: repeatMode)
            if shuffle { queue.setShuffle(true) }
            guard let first = queue.currentIndex else { return }
            lastError = nil
            start(index: first, at: seconds)
        case .pause:
            setPaused(true)
        case .resume:
            setPaused(false)
        case .toggle:
            setPaused(!paused)
        case .stop:
            let wasPlaying = current != nil || draining
            stopPlayback()
            if wasPlaying { mailbox.post(.stopped) }
        case .next:
            if queue.skipForward(), let index = queue.currentIndex { start(index: index, at: 0) } else { stopPlayback() }
        case .previous:
            // Like cmus and every CD player: more than 3 s in, "previous" restarts the track.
            if let current, current.position(outputLatency: sink?.latency() ?? 0) > 3 {
                seek(to: 0)
            } else if queue.skipBackward(), let index = queue.currentIndex {
                start(index: index, at: 0)
            } else {
                seek(to: 0)
            }
        case .seek(let seconds):
            seek(to: seconds)
        case .seekBy(let delta):
            if let current { seek(to: current.position(outputLatency: sink?.latency() ?? 0) + delta) }
        case .volume(let percent):
            volume = min(150, max(0, percent))
            sink?.setVolume(volume)
        case .append(let tracks):
            queue.append(tracks)
        case .shuffle(let on):
            shuffle = on
            queue.setShuffle(on)
            dropUpcoming()
        case .repeatMode(let mode):
            repeatMode = mode
            queue.repeatMode = mode
            dropUpcoming()
        case .shutdown:
            break
        }
    }

    private func start(index: Int, at seconds: Double) {
        current?.close()
        dropUpcoming()
        discardOutput()
        draining = false
        current = makePipeline(index: index, start: seconds)
        if let current {
            setPaused(false)
            mailbox.post(.trackStarted(current.track, index: current.queueIndex))
        }
    }

    private func makePipeline(index: Int, start: Double) -> TrackPipeline? {
        let track = queue.tracks[index]
        let wake: @Sendable () -> Void = { [mailbox] in mailbox.wake() }
        do {
            return try TrackPipeline(
                track: track, queueIndex: index, source: parts.makeSource(parts.locate(track), wake), outputFormat: sink?.fixedFormat, startAt: start)
        } catch {
            lastError = error
            mailbox.post(.trackFailed(track, index: index, error))
            return nil
        }
    }

    private func seek(to seconds: Double) {
        guard let current else { return }
        let target = min(max(0, seconds), max(0, (current.duration ?? .infinity) - 0.05))
        current.seek(to: target)
        discardOutput()
        dropUpcoming()
    }

    private func setPaused(_ on: Bool) {
        paused = on
        sink?.setPaused(on)
        if current != nil { status = on ? .paused : .playing }
    }

    private func discardOutput() {
        pending.removeAll(keepingCapacity: true)
        pendingOffset = 0
        sink?.discardBuffered()
    }

    private func dropUpcoming() {
        upcoming?.close()
        upcoming = nil
    }

    private func stopPlayback(keepError: Bool = false, keepOutput: Bool = false) {
        current?.close()
        current = nil
        dropUpcoming()
        discardOutput()
        if keepOutput {
            if paused { sink?.setPaused(false) }
        } else {
            sink?.close()
            sink = nil
        }
        // Opened again for the next track's format: at once, the stream kept, when it is the same.
        sinkFormat = nil
        pipelineWaitingForFormat = nil
        paused = false
        draining = false
        queue.stop()
        status = .stopped
        if !keepError { lastError = nil }
    }

    // MARK: Snapshots

    private func publish() {
        var snapshot = PlayerSnapshot()
        snapshot.status = status
        snapshot.track = current?.track
        snapshot.queueIndex = current?.queueIndex
        snapshot.queueCount = queue.tracks.count
        snapshot.position = current?.position(outputLatency: sink?.latency() ?? 0) ?? 0
        snapshot.duration = current?.duration
        snapshot.buffered = current?.bufferedSeconds ?? 0
        snapshot.volume = volume
        snapshot.shuffle = shuffle
        snapshot.repeatMode = repeatMode
        snapshot.skippedFrames = current?.skippedFrames ?? 0
        snapshot.lastError = lastError
        mailbox.publish(snapshot)
    }
}
