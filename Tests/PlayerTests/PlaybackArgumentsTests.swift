import HeadlessPlayback
import PlayerCore
import Testing

/// The command line `termplayer play` hands to `termplayer-play` must carry everything it looked up.
@Suite("termplayer-play's command line")
struct PlaybackArgumentsTests {
    @Test("what termplayer play writes reads back as the same playback")
    func roundTrip() throws {
        let playback = HeadlessPlayback(
            tracks: [
                Track(id: "starting-over", url: "http://127.0.0.1:8080/media/starting-over.mp3", title: "Starting Over — 2020",
                      artist: "Chris Stapleton", album: "--title", duration: 241.5),
                Track(url: "file:///music/a%20b.mp3"),
            ],
            output: .wav(path: "/tmp/out put.wav"), start: 12.25, streamBufferKiB: 64, readsCommands: true,
            reportPlaysTo: "http://127.0.0.1:8080")
        #expect(try HeadlessPlayback(arguments: playback.arguments) == playback)
    }

    @Test("bare URLs are tracks; the defaults are PulseAudio from the start")
    func bareURLs() throws {
        let playback = try HeadlessPlayback(arguments: ["http://a/1.mp3", "http://a/2.mp3"])
        #expect(playback.tracks.map(\.url) == ["http://a/1.mp3", "http://a/2.mp3"])
        #expect(playback.output == .pulse && playback.start == 0 && !playback.readsCommands)
    }

    @Test("bad command lines are refused with the reason", arguments: [
        ([], "nothing to play: give URLs, or --track URL"),
        (["--output", "alsa", "u"], "--output must be pulse, null or wav:PATH, not alsa"),
        (["--start", "-3", "u"], "--start needs a number of seconds ≥ 0, not -3"),
        (["--start", "nan", "u"], "--start needs a number of seconds ≥ 0, not nan"),
        (["--title", "T", "--track", "u"], "--title describes a --track, and comes after it"),
        (["--track"], "--track needs a value"),
        (["--stream-buffer", "1", "u"], "--stream-buffer needs KiB between 16 and 1048576, not 1"),
        (["--loud", "u"], "unknown option --loud"),
    ])
    func refused(arguments: [String], reason: String) {
        let error = #expect(throws: HeadlessPlayback.ArgumentError.self) { try HeadlessPlayback(arguments: arguments) }
        #expect(error?.description == reason)
    }
}
