public import PlayerCore
import CurlTransfer
import OSThreads
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What `termplayer play` does once it knows its tracks: plays them, shows where it is, obeys
/// `--commands`, and says how it ended.
///
/// It links no Foundation, so it runs in the small `termplayer-play` process that `termplayer play`
/// hands over to (see `PlaybackArguments` for the hand-over).
public struct HeadlessPlayback: Sendable, Equatable {
    public var tracks: [Track]
    public var output: OutputChoice
    /// Seconds into the first track.
    public var start: Double
    public var streamBufferKiB: Int
    /// Lines on standard input are commands (`ScriptedControl`).
    public var readsCommands: Bool
    /// The service to report plays of library songs to (`--report-plays URL`; the token comes from
    /// `TERMPLAYER_TOKEN`, never the command line, where `ps` would show it).
    public var reportPlaysTo: String?

    public init(
        tracks: [Track], output: OutputChoice = .pulse, start: Double = 0, streamBufferKiB: Int = 1024, readsCommands: Bool = false,
        reportPlaysTo: String? = nil
    ) {
        self.tracks = tracks
        self.output = output
        self.start = start
        self.streamBufferKiB = streamBufferKiB
        self.readsCommands = readsCommands
        self.reportPlaysTo = reportPlaysTo
    }

    /// Plays to the end of the queue, a `stop` command, Ctrl-C or SIGTERM, and returns the exit status:
    /// 0 when every track played, 1 when any failed or playback was interrupted. With `more`, the queue
    /// is refilled from it as its last track starts (a radio), until it has nothing more.
    public func run(more: (any TrackSource)? = nil) -> Int32 {
        let wakeup = WakeupSignal()
        let interrupted = InterruptWatcher.install { wakeup.signal() }
        let session = CurlSession(name: "tp-stream")
        let player = Player(output: output, session: session, streamBuffer: streamBufferKiB << 10) {
            wakeup.signal()
        }
        let reporter = reportPlaysTo.map { server in
            PlayReporter(server: server, token: getenv("TERMPLAYER_TOKEN").map { String(cString: $0) }, session: session)
        }
        var plays = PlayTracker()
        let clock = ContinuousClock()
        let began = clock.now
        func monotonic() -> Double {
            let (seconds, attoseconds) = (clock.now - began).components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
        func wall() -> Double {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        }
        player.play(tracks, from: start)
        if readsCommands { ScriptedControl.start(player) { wakeup.signal() } }
        var queued = tracks
        let refill = more.map { Refill(source: $0, wakeup: wakeup) }
        var queueEnded = false

        let console = Console()
        var failed = false
        var finished = false
        while !finished {
            // Events and failures wake the loop at once; the timeout ticks the position line, and keeps the
            // play tracker's samples a quarter second apart.
            wakeup.wait(timeout: .milliseconds(250))
            plays.observe(player.snapshot, monotonic: monotonic())
            for event in player.drainEvents() {
                if let play = plays.note(event, wall: wall()) { reporter?.report(play) }
                switch event {
                case .trackStarted(let track, let index):
                    console.say("▶ \(index + 1)/\(queued.count)  \(track.title)\(track.artist.isEmpty ? "" : " — \(track.artist)")")
                    if index + 1 >= queued.count { refill?.ask(after: queued) }
                case .trackEnded:
                    break
                case .trackFailed(let track, _, let error):
                    failed = true
                    console.complain("error: \(track.title): \(error)")
                case .outputFailed(let error):
                    console.complain("error: \(error)")
                case .rangesIgnored(let track):
                    console.complain("note: \(track.title): the server ignores ranges, so each seek reads the song again from the start")
                case .queueFinished:
                    queueEnded = true
                    finished = refill?.isAsking != true
                case .stopped:
                    finished = true
                }
            }
            if let refill, let more = refill.take() {
                queued += more
                if more.isEmpty {
                    finished = finished || queueEnded
                } else if queueEnded {
                    // The refill came after the last track ended: start again from the new ones.
                    player.play(queued, startingAt: queued.count - more.count)
                    queueEnded = false
                    finished = false
                } else {
                    player.append(more)
                }
            }
            let snapshot = player.snapshot
            if snapshot.status == .stopped, let error = snapshot.lastError, case .output = error {
                failed = true
                finished = true
            }
            if interrupted.isSet {
                console.complain("interrupted")
                failed = true
                finished = true
            }
            if !finished, snapshot.track != nil {
                let total = snapshot.duration.map { " / \(PlaybackClock.format($0))" } ?? ""
                console.showProgress("\(snapshot.status == .buffering ? "…" : "▶") \(PlaybackClock.format(snapshot.position))\(total)")
            }
        }
        console.clearProgress()
        plays.observe(player.snapshot, monotonic: monotonic())
        if let play = plays.finish() { reporter?.report(play) }
        player.shutdown()
        reporter?.waitForPending(timeout: .seconds(2))
        return failed ? 1 : 0
    }
}

/// Where a radio's next tracks come from. `next(after:)` may block (it asks a service); it is called on
/// a thread of its own, never the playback loop's.
public protocol TrackSource: Sendable {
    /// Tracks to play after `played` (everything queued so far, oldest first); none ends the queue.
    func next(after played: [Track]) -> [Track]
}

/// One refill at a time, asked on its own thread, its answer picked up by the playback loop.
final class Refill: Sendable {
    private let source: any TrackSource
    private let wakeup: WakeupSignal
    private let state = Mutex<(asking: Bool, answer: [Track]?)>((false, nil))

    init(source: any TrackSource, wakeup: WakeupSignal) {
        self.source = source
        self.wakeup = wakeup
    }

    var isAsking: Bool { state.withLock { $0.asking || $0.answer != nil } }

    func ask(after played: [Track]) {
        let start = state.withLock { state -> Bool in
            guard !state.asking, state.answer == nil else { return false }
            state.asking = true
            return true
        }
        guard start else { return }
        OSThread.detach(name: "tp-refill") { [self] in
            let more = source.next(after: played)
            state.withLock { $0 = (false, more) }
            wakeup.signal()
        }
    }

    /// The answer, once, when it has come.
    func take() -> [Track]? {
        state.withLock { state in
            defer { state.answer = nil }
            return state.answer
        }
    }
}

/// Standard output and error for a command that may or may not be on a terminal: the position line is
/// drawn in place only on a terminal, and every message goes out at once, unbuffered.
public struct Console {
    let isTerminal = isatty(STDOUT_FILENO) == 1
    private static let clearLine = "\r\u{1B}[K"

    func say(_ line: String) {
        Self.write((isTerminal ? Self.clearLine : "") + line + "\n", to: STDOUT_FILENO)
    }

    func complain(_ line: String) {
        if isTerminal { Self.write(Self.clearLine, to: STDOUT_FILENO) }
        Self.write(line + "\n", to: STDERR_FILENO)
    }

    func showProgress(_ text: String) {
        if isTerminal { Self.write(Self.clearLine + "  " + text, to: STDOUT_FILENO) }
    }

    func clearProgress() {
        if isTerminal { Self.write(Self.clearLine, to: STDOUT_FILENO) }
    }

    /// Writes all of `text`; a closed pipe or full disk loses the message, never the playback.
    public static func write(_ text: String, to descriptor: Int32) {
        FullWrite.write(text, to: descriptor)
    }
}
