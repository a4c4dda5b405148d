import MPEGAudio

/// Where decoded PCM goes: PulseAudio, a WAV file, or nowhere at the speed of a sound card.
///
/// A sink belongs to the engine thread. A sink that can say when it wants more (PulseAudio) calls the
/// engine's wake-up, given when it is made, from its own thread.
protocol AudioSink: AnyObject {
    /// The one format this sink takes, once it has one (a WAV file); nil when any format will do.
    var fixedFormat: AudioFormat? { get }

    /// Prepares for PCM in `format`; returns the format the sink will take (a WAV file keeps its first
    /// format, and the decoder converts later tracks to it). Called again when a track's format changes.
    func open(_ format: AudioFormat) throws(OutputError) -> AudioFormat

    /// Bytes that can be written now without waiting.
    func writableBytes() throws(OutputError) -> Int

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError)

    /// For a sink that cannot call back (no device): how long until it has room again. nil when it wakes
    /// the engine itself.
    func nextRoom() -> Duration?

    /// Cork or uncork: a paused sink plays nothing and takes nothing.
    func setPaused(_ paused: Bool)

    /// Drops what is buffered but not yet heard (seek, skip, stop).
    func discardBuffered()

    /// Seconds written but not yet heard.
    func latency() -> Double

    /// After the last write: true once everything written has been played.
    func finishedPlaying() -> Bool

    /// 0...150 percent. Applied by the output, never to the PCM itself (a WAV file holds exactly what
    /// was decoded).
    func setVolume(_ percent: Int)

    func close()
}

/// Which sink `termplayer play --output` names.
public enum OutputChoice: Sendable, Equatable, CustomStringConvertible {
    case pulse
    case wav(path: String)
    /// Plays nowhere, at the pace of a sound card.
    case null

    /// Parses `pulse`, `null` or `wav:PATH`.
    public init?(_ text: String) {
        switch text {
        case "pulse": self = .pulse
        case "null": self = .null
        default:
            guard text.hasPrefix("wav:"), text.count > 4 else { return nil }
            self = .wav(path: String(text.dropFirst(4)))
        }
    }

    public var description: String {
        switch self {
        case .pulse: "pulse"
        case .wav(let path): "wav:\(path)"
        case .null: "null"
        }
    }

    func makeSink(wake: @escaping @Sendable () -> Void) throws(OutputError) -> any AudioSink {
        switch self {
        case .pulse: try PulseSink(wake: wake)
        case .wav(let path): try WAVSink(path: path)
        case .null: NullSink()
        }
    }
}

/// Why the audio output failed, in words that say what to do.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No PulseAudio server could be reached; `reason` is libpulse's.
    case pulseUnreachable(reason: String)
    /// The server was there but refused or dropped the stream.
    case pulseFailed(operation: String, reason: String)
    case file(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .pulseUnreachable(let reason):
            """
            PulseAudio is not reachable (\(reason)). Start it with `pulseaudio --start` (or your desktop's \
            pipewire-pulse), or set PULSE_SERVER to a running server. Over SSH, forward your local one: \
            `ssh -R /tmp/pulse-$USER:$XDG_RUNTIME_DIR/pulse/native host`, then PULSE_SERVER=unix:/tmp/pulse-$USER \
            on the remote side. `--output null` or `--output wav:FILE` play without it.
            """
        case .pulseFailed(let operation, let reason):
            "PulseAudio \(operation) failed: \(reason)"
        case .file(let path, let errno):
            "cannot write \(path): \(SystemErrors.describe(errno))"
        }
    }
}
