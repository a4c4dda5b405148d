import MPEGAudio

/// One track on its way to the output: its bytes, its decoder, and how much of it has been written.
final class TrackPipeline {
    enum Step {
        /// PCM in the decoder's format; valid until the next call.
        case pcm(UnsafeRawBufferPointer)
        case format(AudioFormat)
        /// Waiting for the network.
        case starved
        case ended
        case failed(PlayerError)
    }

    let track: Track
    let queueIndex: Int
    let source: any ByteSource
    private let decoder: MPEGDecoder
    private(set) var format: AudioFormat?
    /// Where the decoder was placed (start or last seek), in samples of the output rate.
    private(set) var baseSample = 0
    /// Sample frames of this track handed to the output since `baseSample`.
    var framesWritten = 0
    /// Whether listeners were told that this track's server ignores ranges (once a track is enough).
    var toldRangesIgnored = false
    /// A start position waiting for the stream's first frame (libmpg123 seeks only once it knows the stream).
    private var pendingSeek: Double?
    private var input = [UInt8](repeating: 0, count: 64 << 10)

    init(track: Track, queueIndex: Int, source: any ByteSource, outputFormat: AudioFormat?, startAt seconds: Double) throws(PlayerError) {
        self.track = track
        self.queueIndex = queueIndex
        self.source = source
        do {
            decoder = try MPEGDecoder(outputFormat: outputFormat)
        } catch {
            throw .notMP3(url: track.url, reason: error.description)
        }
        pendingSeek = seconds > 0 ? seconds : nil
    }

    /// Decodes as far as the next piece of PCM, format change, or the lack of input.
    func next() -> Step {
        do {
            while true {
                switch try decoder.decodeFrame() {
                case .audio(let pcm):
                    return .pcm(pcm)
                case .format(let newFormat):
                    format = newFormat
                    if let seconds = pendingSeek {
                        pendingSeek = nil
                        seek(to: seconds)
                    }
                    return .format(newFormat)
                case .needMore:
                    let read = input.withUnsafeMutableBytes { source.read(into: $0) }
                    switch read {
                    case .bytes(let count):
                        if let total = source.totalBytes { decoder.setStreamLength(total) }
                        try input.withUnsafeBytes { bytes in
                            Result { () throws(MPEGAudioError) in try decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[..<count])) }
                        }.get()
                    case .waiting:
                        return .starved
                    case .end:
                        try decoder.finish()
                        return .ended
                    case .failed(let error):
                        return .failed(error)
                    }
                }
            }
        } catch {
            return .failed(.notMP3(url: track.url, reason: error.description))
        }
    }

    /// Moves to `seconds`: the decoder names the byte to restart the stream from. Before the first frame
    /// the seek waits for it.
    func seek(to seconds: Double) {
        guard let format else {
            pendingSeek = seconds
            return
        }
        let target = max(0, Int(seconds * Double(format.sampleRate)))
        guard let (offset, sample) = try? decoder.seek(toSample: target) else { return }
        source.restart(at: offset)
        baseSample = sample
        framesWritten = 0
    }

    /// Seconds into the track of the last sample written, less what the output still holds.
    func position(outputLatency: Double) -> Double {
        guard let format else { return pendingSeek ?? 0 }
        return max(0, Double(baseSample + framesWritten) / Double(format.sampleRate) - outputLatency)
    }

    var duration: Double? {
        guard let format, let samples = decoder.totalSamples else { return track.duration }
        return Double(samples) / Double(format.sampleRate)
    }

    /// Seconds downloaded but not yet decoded, estimated from the stream's average bitrate.
    var bufferedSeconds: Double {
        guard let total = source.totalBytes, total > 0, let duration else { return 0 }
        return Double(source.bufferedBytes) / Double(total) * duration
    }

    var skippedFrames: Int { decoder.skippedFrames }

    func close() { source.close() }
}
