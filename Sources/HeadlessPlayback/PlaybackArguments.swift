import PlayerCore

/// The command line of `termplayer-play`, which `termplayer play` writes after it has looked up song ids
/// and which a person may also type (`termplayer-play URL…`):
///
///     termplayer-play [--output pulse|null|wav:PATH] [--start SECONDS] [--stream-buffer KiB] [--commands]
///                     [--report-plays SERVER-URL]
///                     [--track URL [--id ID] [--title T] [--artist A] [--album A] [--duration SECONDS]]… [URL…]
///
/// `--id`, `--title`, `--artist`, `--album` and `--duration` describe the `--track` before them.
extension HeadlessPlayback {
    public struct ArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public init(arguments: [String]) throws(ArgumentError) {
        self.init(tracks: [])
        var words = arguments[...]
        func value(of option: String) throws(ArgumentError) -> String {
            guard let value = words.popFirst() else { throw ArgumentError(description: "\(option) needs a value") }
            return value
        }
        func number(of option: String) throws(ArgumentError) -> Double {
            let text = try value(of: option)
            guard let number = Double(text), number.isFinite, number >= 0 else {
                throw ArgumentError(description: "\(option) needs a number of seconds ≥ 0, not \(text)")
            }
            return number
        }
        func describeLastTrack(_ option: String, _ change: (inout Track) throws(ArgumentError) -> Void) throws(ArgumentError) {
            guard !tracks.isEmpty else { throw ArgumentError(description: "\(option) describes a --track, and comes after it") }
            try change(&tracks[tracks.count - 1])
        }

        while let word = words.popFirst() {
            switch word {
            case "--output":
                let text = try value(of: word)
                guard let choice = OutputChoice(text) else { throw ArgumentError(description: "--output must be pulse, null or wav:PATH, not \(text)") }
                output = choice
            case "--start": start = try number(of: word)
            case "--stream-buffer":
                let text = try value(of: word)
                guard let kibibytes = Int(text), (16...(1 << 20)).contains(kibibytes) else {
                    throw ArgumentError(description: "--stream-buffer needs KiB between 16 and 1048576, not \(text)")
                }
                streamBufferKiB = kibibytes
            case "--commands": readsCommands = true
            case "--report-plays": reportPlaysTo = try value(of: word)
            case "--track": tracks.append(Track(url: try value(of: word)))
            case "--id": try describeLastTrack(word) { track throws(ArgumentError) in track.id = try value(of: word) }
            case "--title": try describeLastTrack(word) { track throws(ArgumentError) in track.title = try value(of: word) }
            case "--artist": try describeLastTrack(word) { track throws(ArgumentError) in track.artist = try value(of: word) }
            case "--album": try describeLastTrack(word) { track throws(ArgumentError) in track.album = try value(of: word) }
            case "--duration": try describeLastTrack(word) { track throws(ArgumentError) in track.duration = try number(of: word) }
            default:
                guard !word.hasPrefix("--") else { throw ArgumentError(description: "unknown option \(word)") }
                tracks.append(Track(url: word))
            }
        }
        guard !tracks.isEmpty else { throw ArgumentError(description: "nothing to play: give URLs, or --track URL") }
    }

    /// The command line that `init(arguments:)` reads back as this playback.
    public var arguments: [String] {
        var words = ["--output", output.description, "--start", "\(start)", "--stream-buffer", "\(streamBufferKiB)"]
        if readsCommands { words.append("--commands") }
        if let reportPlaysTo { words += ["--report-plays", reportPlaysTo] }
        let defaults = Track(url: "")
        for track in tracks {
            words += ["--track", track.url]
            if track.id != track.url { words += ["--id", track.id] }
            if track.title != Track(url: track.url).title { words += ["--title", track.title] }
            if track.artist != defaults.artist { words += ["--artist", track.artist] }
            if track.album != defaults.album { words += ["--album", track.album] }
            if let duration = track.duration { words += ["--duration", "\(duration)"] }
        }
        return words
    }
}
