/// Turns what a `Player` publishes into plays: which track, when it started, and how long it really
/// played — time spent playing, not the position, so pauses, buffering and seeks do not count. The
/// UI and `termplayer play` report what it finds to the service; the service decides whether a play
/// counted or was a skip.
///
/// Pure: the caller passes the clocks (a monotonic one for durations, the wall clock for when a play
/// started), so it is tested without a player.
public struct PlayTracker: Sendable {
    public struct Play: Sendable, Equatable {
        public var track: Track
        /// Seconds since 1970, by the wall clock, when the track started.
        public var startedAt: Double
        public var playedSeconds: Double
    }

    private var current: Play?
    /// When the last snapshot was seen, and whether the player was playing then.
    private var lastObservation: (monotonic: Double, playing: Bool)?

    /// Plays shorter than this are not worth a report (a track skipped through at once).
    public static let shortestReported = 1.0

    public init() {}

    /// Every snapshot, as it is read: time since the previous one counts when the player was playing
    /// then, and half of it when it started playing in between (when exactly is not known).
    public mutating func observe(_ snapshot: PlayerSnapshot, monotonic: Double) {
        let playing = snapshot.status == .playing
        if let last = lastObservation, current != nil {
            let elapsed = max(0, monotonic - last.monotonic)
            if last.playing {
                current?.playedSeconds += elapsed
            } else if playing {
                current?.playedSeconds += elapsed / 2
            }
        }
        lastObservation = (monotonic, playing)
    }

    /// Every event, in order, after the snapshot read with it. Returns the play it ended, if it is worth
    /// reporting.
    public mutating func note(_ event: PlayerEvent, wall: Double) -> Play? {
        switch event {
        case .trackStarted(let track, _):
            let ended = finish()
            current = Play(track: track, startedAt: wall, playedSeconds: 0)
            return ended
        case .trackEnded, .trackFailed, .queueFinished, .stopped:
            return finish()
        case .outputFailed, .rangesIgnored:
            return nil
        }
    }

    /// Ends the play under way (the program is quitting).
    public mutating func finish() -> Play? {
        defer { current = nil }
        guard let play = current, play.playedSeconds >= Self.shortestReported else { return nil }
        return play
    }
}
