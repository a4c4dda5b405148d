import Foundation
import MPEGAudio
import TestSupport
import Testing

@Suite("Decoding fed bytes with libmpg123")
struct DecoderTests {
    /// Feeds `bytes` in `chunk`-sized pieces and returns the PCM byte count and the formats seen.
    static func decode(_ bytes: [UInt8], chunk: Int = 3000, outputFormat: AudioFormat? = nil) throws -> (bytes: Int, formats: [AudioFormat], skipped: Int) {
        let decoder = try MPEGDecoder(outputFormat: outputFormat)
        var total = 0
        var formats: [AudioFormat] = []
        var offset = 0
        while true {
            switch try decoder.decodeFrame() {
            case .audio(let pcm): total += pcm.count
            case .format(let format): formats.append(format)
            case .needMore:
                guard offset < bytes.count else {
                    try decoder.finish()
                    return (total, formats, decoder.skippedFrames)
                }
                let end = min(bytes.count, offset + chunk)
                try bytes[offset..<end].withUnsafeBytes { try decoder.feed($0) }
                offset = end
            }
        }
    }

    @Test("gapless: exactly the source's samples, however the bytes are split", arguments: [1, 417, 4096, 1 << 20])
    func exactLength(chunk: Int) throws {
        let result = try Self.decode(try Tones.bytes(seconds: 1.5), chunk: chunk)
        #expect(result.bytes == Int(1.5 * 44100) * 4)
        #expect(result.formats == [AudioFormat(sampleRate: 44100, channels: 2)])
    }

    @Test("a fixed output format converts rate and channels")
    func conversion() throws {
        let result = try Self.decode(
            try Tones.bytes(seconds: 1, sampleRate: 48000, channels: 1, bitrate: 64), outputFormat: AudioFormat(sampleRate: 44100, channels: 2))
        #expect(result.formats == [AudioFormat(sampleRate: 44100, channels: 2)])
        #expect(abs(result.bytes / 4 - 44100) < 1152, "about one second at 44.1 kHz: \(result.bytes / 4) frames")
    }

    @Test("damaged frames are skipped and counted; decoding goes on")
    func corruptFrames() throws {
        var bytes = try Tones.bytes(seconds: 3)
        for offset in bytes.count / 3..<bytes.count / 3 + 2000 { bytes[offset] = 0 }
        let clean = try Self.decode(try Tones.bytes(seconds: 3))
        let damaged = try Self.decode(bytes)
        #expect(clean.skipped == 0)
        #expect(damaged.skipped > 0)
        #expect(damaged.bytes > clean.bytes / 2, "the rest of the track still decodes")
    }

    @Test("bytes that are not MPEG audio are named")
    func notMP3() throws {
        #expect(throws: MPEGAudioError.notMPEGAudio(lookalike: "plain text")) {
            _ = try Self.decode(Array(String(repeating: "hello ", count: 100_000).utf8))
        }
        #expect(throws: MPEGAudioError.notMPEGAudio(lookalike: "an empty file")) { _ = try Self.decode([]) }
    }

    @Test("seeking names the byte to restart from, and the sample it lands on")
    func seek() throws {
        let bytes = try Tones.bytes(seconds: 4)
        let decoder = try MPEGDecoder()
        try bytes.prefix(8192).withUnsafeBytes { try decoder.feed($0) }
        while case .needMore = try decoder.decodeFrame() {}
        let (offset, sample) = try decoder.seek(toSample: 2 * 44100)
        #expect(abs(sample - 2 * 44100) < 1152)
        // 128 kbit/s: two seconds in is about 32,000 bytes in (plus the header frames).
        #expect(abs(offset - 32_000) < 2_000, "offset \(offset)")
    }
}
