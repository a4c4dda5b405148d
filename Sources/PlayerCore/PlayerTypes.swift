/// One playable thing: where its MP3 is and how to show it.
public struct Track: Hashable, Sendable, Identifiable {
    /// The song id when the track came from the library, else the URL.
    public var id: String
    public var url: String
    public var title: String
    public var artist: String
    public var album: String
    /// Seconds, when known in advance (the API says); the decoder's own figure wins once it has one.
    public var duration: Double?

    public init(id: String? = nil, url: String, title: String? = nil, artist: String = "", album: String = "", duration: Double? = nil) {
        self.id = id ?? url
        self.url = url
        self.title = title ?? url.split(separator: "/").last.map(String.init) ?? url
        self.artist = artist
        self.album = album
        self.duration = duration
    }
}

public enum PlaybackStatus: String, Sendable {
    case stopped
    /// Playing, but waiting for bytes from the network or for the output.
    case buffering
    case playing
    case paused
}

public enum RepeatMode: String, Sendable, CaseIterable {
    case off
    case all
    case one

    /// off → all → one → off, as the `r` key cycles them.
    public var next: RepeatMode {
        switch self {
        case .off: .all
        case .all: .one
        case .one: .off
        }
    }
}

/// The player as a UI draws it, copied out without waiting on the engine.
public struct PlayerSnapshot: Sendable, Equatable {
    public var status: PlaybackStatus = .stopped
    public var track: Track?
    /// Index of `track` in the queue as it was given (not the shuffled order).
    public var queueIndex: Int?
    public var queueCount = 0
    /// Seconds into the track, as heard (what the output has played, not what was decoded).
    public var position: Double = 0
    public var duration: Double?
    /// Seconds of the track downloaded ahead of `position`.
    public var buffered: Double = 0
    /// 0...150.
    public var volume = 100
    public var shuffle = false
    public var repeatMode: RepeatMode = .off
    /// Damaged MP3 frames skipped in this track.
    public var skippedFrames = 0
    public var lastError: PlayerError?

    public init() {}
}

/// Something the UI may want to react to once (a snapshot only shows the latest state).
public enum PlayerEvent: Sendable, Equatable {
    case trackStarted(Track, index: Int)
    case trackEnded(Track, index: Int)
    case trackFailed(Track, index: Int, PlayerError)
    case queueFinished
    /// `stop()` ended playback.
    case stopped
    case outputFailed(PlayerError)
    /// The track's server sent the whole song where a later part was asked for (a transcoding Subsonic
    /// server does): seeking still lands, but reads the song again from its start each time.
    case rangesIgnored(Track)
}

/// Why playback of a track, or of anything, failed — with what a person can do about it.
public enum PlayerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an error status.
    case http(url: String, status: Int)
    /// The network failed and retries did not help.
    case network(url: String, reason: String)
    /// The bytes are not MP3.
    case notMP3(url: String, reason: String)
    /// The audio output failed; `reason` says how to fix it.
    case output(reason: String)

    /// URLs are shown without their query: a Subsonic stream's carries the listener's credentials, a
    /// presigned URL its signature, and neither belongs on a status line.
    public var description: String {
        switch self {
        case .http(let url, let status): "\(Self.shown(url)) answered HTTP \(status)"
        case .network(let url, let reason): "\(Self.shown(url)): \(reason.replacing(url, with: Self.shown(url)))"
        case .notMP3(let url, let reason): "\(Self.shown(url)): \(reason.replacing(url, with: Self.shown(url)))"
        case .output(let reason): reason
        }
    }

    static func shown(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? url
    }
}
