internal import CMpg123

#if canImport(Glibc)
import Glibc
#endif

/// Interleaved signed 16-bit little-endian PCM at a rate and channel count: all the decoder produces.
public struct AudioFormat: Hashable, Sendable, CustomStringConvertible {
    public var sampleRate: Int
    public var channels: Int

    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Bytes per sample frame (one sample for every channel).
    public var bytesPerFrame: Int { channels * 2 }

    public var description: String { "\(sampleRate) Hz \(channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) channels")" }
}

/// Decodes an MP3 byte stream pushed to it piece by piece (libmpg123's feed API), with gapless trimming.
///
/// Feeding suits streams: bytes arrive from the network at their own pace, and a seek restarts the
/// stream at the byte offset the decoder asks for. One decoder belongs to one thread.
public final class MPEGDecoder {
    /// What one step of decoding produced.
    public enum Step {
        /// PCM in `format`; the bytes stay valid until the next call into the decoder.
        case audio(UnsafeRawBufferPointer)
        /// The stream's format is known or changed; audio follows.
        case format(AudioFormat)
        /// Every byte fed so far is decoded.
        case needMore
    }

    private let handle: MPG123Handle
    /// The format the decoder was asked to convert to, or nil for the stream's own.
    public let outputFormat: AudioFormat?
    public private(set) var format: AudioFormat?
    /// Bytes fed before the first frame was found; too many means this is not MPEG audio.
    private var bytesBeforeFirstFrame = 0
    private var header: [UInt8] = []
    /// Where the last decoded frame ended in the input; a later frame starting further on means libmpg123
    /// skipped damaged bytes between them.
    private var lastFrameEnd: Int?
    /// Damaged stretches libmpg123 skipped over (in frames' worth of bytes).
    public private(set) var skippedFrames = 0

    /// Finding no frame in this many bytes means the stream is not MP3 (libmpg123 resyncs over junk).
    static let searchLimit = 256 * 1024

    public init(outputFormat: AudioFormat? = nil) throws(MPEGAudioError) {
        self.outputFormat = outputFormat
        handle = try MPG123Handle(flags: MPG123_GAPLESS.rawValue | MPG123_FUZZY.rawValue)
        let encoding = Int32(MPG123_ENC_SIGNED_16.rawValue)
        try handle.check(mpg123_format_none(handle.raw), "mpg123_format_none")
        if let outputFormat {
            // libmpg123 resamples and up- or down-mixes to the one format allowed.
            let channels = outputFormat.channels == 1 ? MPG123_MONO.rawValue : MPG123_STEREO.rawValue
            try handle.check(mpg123_format(handle.raw, outputFormat.sampleRate, Int32(channels), encoding), "mpg123_format")
        } else {
            var rates: UnsafePointer<Int>?
            var count = 0
            mpg123_rates(&rates, &count)
            for rate in UnsafeBufferPointer(start: rates, count: count) {
                try handle.check(
                    mpg123_format(handle.raw, rate, Int32(MPG123_MONO.rawValue | MPG123_STEREO.rawValue), encoding), "mpg123_format")
            }
        }
        try handle.check(mpg123_open_feed(handle.raw), "mpg123_open_feed")
    }

    /// Hands bytes of the stream to the decoder, in order.
    public func feed(_ bytes: UnsafeRawBufferPointer) throws(MPEGAudioError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if format == nil {
            if header.count < 16 { header.append(contentsOf: bytes.prefix(16 - header.count)) }
            bytesBeforeFirstFrame += bytes.count
        }
        try handle.check(mpg123_feed(handle.raw, base.assumingMemoryBound(to: UInt8.self), bytes.count), "mpg123_feed")
    }

    /// Decodes the next frame, if the bytes fed so far hold one.
    public func decodeFrame() throws(MPEGAudioError) -> Step {
        var frame: off_t = 0
        var audio: UnsafeMutablePointer<UInt8>?
        var count = 0
        let code = mpg123_decode_frame(handle.raw, &frame, &audio, &count)
        switch code {
        case MPG123_NEW_FORMAT.rawValue:
            var rate = 0
            var channels: Int32 = 0
            var encoding: Int32 = 0
            try handle.check(mpg123_getformat(handle.raw, &rate, &channels, &encoding), "mpg123_getformat")
            let newFormat = AudioFormat(sampleRate: rate, channels: Int(channels))
            format = newFormat
            return .format(newFormat)
        case MPG123_OK.rawValue, MPG123_DONE.rawValue:
            noteFramePosition()
            guard let audio, count > 0 else { return .needMore }
            return .audio(UnsafeRawBufferPointer(start: audio, count: count))
        case MPG123_NEED_MORE.rawValue:
            if format == nil, bytesBeforeFirstFrame > Self.searchLimit {
                throw .notMPEGAudio(lookalike: FormatSniffer.lookalike(of: header))
            }
            return .needMore
        default:
            // A damaged frame: libmpg123 resyncs on the next call; count it and go on.
            if format == nil { throw .notMPEGAudio(lookalike: FormatSniffer.lookalike(of: header)) }
            skippedFrames += 1
            return .needMore
        }
    }

    private func noteFramePosition() {
        var info = mpg123_frameinfo2()
        let position = Int(mpg123_framepos(handle.raw))
        guard position >= 0, mpg123_info2(handle.raw, &info) == MPG123_OK.rawValue, info.framesize > 0 else { return }
        if let lastFrameEnd, position > lastFrameEnd {
            skippedFrames += max(1, (position - lastFrameEnd) / Int(info.framesize))
        }
        lastFrameEnd = position + Int(info.framesize)
    }

    /// Called when the stream has ended: an empty or frameless stream is an error, with what it looked like.
    public func finish() throws(MPEGAudioError) {
        if format == nil { throw .notMPEGAudio(lookalike: FormatSniffer.lookalike(of: header)) }
    }

    /// Prepares a seek to `sample` (in the output rate). Returns the byte offset the next `feed` must
    /// start from, and the sample the decoder will actually resume at.
    public func seek(toSample sample: Int) throws(MPEGAudioError) -> (byteOffset: Int, sample: Int) {
        var inputOffset: off_t = 0
        let result = mpg123_feedseek(handle.raw, off_t(sample), SEEK_SET, &inputOffset)
        guard result >= 0 else {
            try handle.check(Int32(truncatingIfNeeded: result), "mpg123_feedseek")
            return (Int(inputOffset), sample)
        }
        lastFrameEnd = nil
        return (Int(inputOffset), Int(result))
    }

    /// The position of the next decoded sample, in the output rate.
    public var samplePosition: Int { max(0, Int(mpg123_tell(handle.raw))) }

    /// Samples in the whole stream: exact once a Xing/LAME frame was read, otherwise libmpg123's estimate
    /// from the bytes it knows about; nil before the first frame.
    public var totalSamples: Int? {
        let length = mpg123_length(handle.raw)
        return length > 0 ? Int(length) : nil
    }

    /// Tells the decoder how long the whole stream is, so estimates (and seeks in files without a Xing
    /// frame) are based on it.
    public func setStreamLength(_ bytes: Int) {
        _ = mpg123_set_filesize(handle.raw, off_t(bytes))
    }
}
