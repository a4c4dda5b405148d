import Foundation

/// The supysonic server `scripts/test-services.sh` starts for the tests (Debian's package under waitress,
/// on loopback), with what it serves: six tagged sine tones in two genres, one album with a cover.
public struct SupysonicServer: Sendable {
    public struct Song: Decodable, Sendable {
        public var file: String
        public var title: String
        public var artist: String
        public var album: String
        public var genre: String
        public var track: Int
        public var year: Int
        public var frequency: Int
        public var seconds: Int
    }

    private struct Manifest: Decodable {
        var songs: [Song]
        var covers: [String]
    }

    public let url: String
    public let user: String
    public let password: String
    public let songs: [Song]
    /// Albums (as "Artist/Album") whose folder holds a cover.
    public let albumsWithCovers: Set<String>

    /// The address TermPlayer takes for it: `subsonic+http://USER@127.0.0.1:PORT`.
    public var address: String { "subsonic+" + url.replacingOccurrences(of: "://", with: "://\(user)@") }

    /// The server `make test` started, or why there is none.
    public static func running() throws -> SupysonicServer {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["TERMPLAYER_TEST_SUBSONIC_URL"], let user = environment["TERMPLAYER_TEST_SUBSONIC_USER"],
            let password = environment["TERMPLAYER_TEST_SUBSONIC_PASSWORD"], let music = environment["TERMPLAYER_TEST_SUBSONIC_MUSIC"]
        else {
            throw Fixtures.FixtureError.missing("a supysonic server: run the tests under scripts/test-services.sh, as `make test` does")
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: music).appendingPathComponent("manifest.json")))
        let covered = manifest.covers.map { $0.split(separator: "/").dropLast().joined(separator: "/") }
        return SupysonicServer(url: url, user: user, password: password, songs: manifest.songs, albumsWithCovers: Set(covered))
    }

    /// The dominant frequency of a 16-bit stereo WAV's left channel between two times, by zero crossings.
    public static func frequency(ofWAV data: Data, from start: Double, to end: Double, sampleRate: Int = 44100) -> Double {
        let bytes = [UInt8](data)
        guard bytes.count > 44 else { return 0 }
        let frames = (bytes.count - 44) / 4
        let first = min(frames, Int(start * Double(sampleRate)))
        let last = min(frames, Int(end * Double(sampleRate)))
        guard last > first + 2 else { return 0 }
        var crossings = 0
        var previous: Int16 = 0
        for frame in first..<last {
            let offset = 44 + frame * 4
            let sample = Int16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)
            if frame > first, (previous < 0) != (sample < 0) { crossings += 1 }
            previous = sample
        }
        return Double(crossings) / 2 / (Double(last - first) / Double(sampleRate))
    }
}
