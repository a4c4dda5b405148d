import Foundation
@testable import MPEGAudio
import SystemPackage
import TestSupport
import Testing

@Suite("Probing MP3s with libmpg123")
struct MP3ProbeTests {
    @Test("format and exact length of CBR files", arguments: [
        (44100, 2, 128, 2.0), (48000, 1, 64, 1.5), (32000, 2, 96, 3.0), (44100, 2, 320, 0.25),
    ])
    func format(sampleRate: Int, channels: Int, bitrate: Int, seconds: Double) throws {
        let file = try Fixtures.toneMP3(seconds: seconds, bitrate: bitrate, sampleRate: sampleRate, channels: channels)
        let info = try MP3Probe.probe(fileAt: FilePath(file.path))
        #expect(info.sampleRate == sampleRate)
        #expect(info.channels == channels)
        #expect(info.bitrate == bitrate)
        #expect(info.layer == 3)
        // Gapless decoding removes the encoder's padding, so the length is the source's to the sample.
        #expect(abs(info.duration - seconds) < 0.001, "\(info.duration) s")
        #expect(info.fileSize == (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int))
    }

    @Test("without a Xing/LAME frame the length comes from scanning every frame")
    func withoutInfoTag() throws {
        let info = try MP3Probe.probe(fileAt: FilePath(Fixtures.toneMP3(seconds: 5, infoTag: false).path))
        // No LAME tag means libmpg123 cannot trim the encoder's delay and padding exactly: a few frames' slack.
        #expect(abs(info.duration - 5) < 3 * 1152 / 44100.0, "\(info.duration) s")
        #expect((190...197).contains(info.frames), "\(info.frames) frames counted")
    }

    @Test("ID3v2 tags, with numeric ID3 genres translated")
    func tags() throws {
        let file = try Fixtures.toneMP3(seconds: 0.5, tags: .init(title: "夜に駆ける", artist: "Beyoncé", album: "Album", genre: "Jazz", year: 1999))
        let tags = try MP3Probe.probe(fileAt: FilePath(file.path)).tags
        #expect(tags.title == "夜に駆ける")
        #expect(tags.artist == "Beyoncé")
        #expect(tags.album == "Album")
        #expect(tags.genre == "Jazz")
        #expect(tags.year == 1999)
        #expect(tags.picture == nil, "pictures are only read when asked for")
    }

    @Test("an embedded cover is read as JPEG bytes when asked for")
    func picture() throws {
        let cover = try Fixtures.coverJPEG()
        let file = try Fixtures.toneMP3(seconds: 0.5, tags: .init(title: "Covered", coverPath: cover.path))
        let picture = try #require(try MP3Probe.probe(fileAt: FilePath(file.path), includePictures: true).tags.picture)
        #expect(picture.format == .jpeg)
        #expect(Data(picture.bytes) == (try Data(contentsOf: cover)))
    }

    @Test("untagged files have no tags")
    func untagged() throws {
        let tags = try MP3Probe.probe(fileAt: FilePath(Fixtures.toneMP3(seconds: 0.5).path)).tags
        #expect(tags == ID3Tags())
    }

    @Test("what is not MP3 is named as what it looks like", arguments: [
        (Array("plain words\n".utf8), "not an MP3: the file looks like plain text"),
        (Array(#"{"title":"x"}"#.utf8), "not an MP3: the file looks like JSON text"),
        ([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 100), "not an MP3: the file looks like a JPEG image"),
        (Array("fLaC".utf8) + [UInt8](repeating: 0, count: 100), "not an MP3: the file looks like a FLAC file"),
        (Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt ".utf8) + [UInt8](repeating: 0, count: 100), "not an MP3: the file looks like a WAV file"),
        ([], "not an MP3: the file looks like an empty file"),
    ] as [([UInt8], String)])
    func notMP3(bytes: [UInt8], message: String) throws {
        let path = try Fixtures.temporaryDirectory("probe").appendingPathComponent("x.mp3")
        try Data(bytes).write(to: path)
        #expect(throws: MPEGAudioError.self) { _ = try MP3Probe.probe(fileAt: FilePath(path.path)) }
        do {
            _ = try MP3Probe.probe(fileAt: FilePath(path.path))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("random bytes are not mistaken for MP3", arguments: 1...5)
    func noise(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = try Fixtures.temporaryDirectory("noise").appendingPathComponent("noise.mp3")
        try Data(bytes).write(to: path)
        #expect(throws: MPEGAudioError.self) { _ = try MP3Probe.probe(fileAt: FilePath(path.path)) }
    }

    @Test("a missing file says so, with the path and errno's words")
    func missing() {
        #expect(throws: MPEGAudioError.unreadable(path: "/nonexistent/x.mp3", errno: ENOENT)) {
            _ = try MP3Probe.probe(fileAt: "/nonexistent/x.mp3")
        }
        #expect(MPEGAudioError.unreadable(path: "/x", errno: ENOENT).description == "cannot read /x: No such file or directory")
    }

    @Test("ID3 genre forms", arguments: [
        ("Rock", "Rock"), ("17", "Rock"), ("(17)", "Rock"), ("(17)Hard Rock", "Hard Rock"), ("(RX)", "Remix"), ("(999)", nil), ("  ", nil),
    ] as [(String, String?)])
    func genres(raw: String, expected: String?) {
        #expect(ID3Tags.genreName(raw) == expected)
    }

    @Test("ID3 years", arguments: [("2020", 2020), ("2020-05-01", 2020), ("20", nil), ("abcd", nil)] as [(String, Int?)])
    func years(raw: String, expected: Int?) {
        #expect(ID3Tags.year(raw) == expected)
    }

    @Test("the size of a leading ID3v2 tag is read from its syncsafe header")
    func id3Size() {
        #expect(MP3Probe.id3v2Size(Array("ID3".utf8) + [4, 0, 0, 0, 0, 1, 0x7F]) == 10 + 255)
        #expect(MP3Probe.id3v2Size([0xFF, 0xFB, 0x90, 0, 0, 0, 0, 0, 0, 0]) == 0)
    }
}

/// Repeatable noise: SplitMix64.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
