#if canImport(Glibc)
import Glibc
#endif
import MPEGAudio
import SystemPackage

/// Writes exactly the decoded PCM to a WAV file, as fast as it comes.
///
/// A WAV file has one format; tracks in another are converted to the first one by the decoder.
final class WAVSink: AudioSink {
    private let path: String
    private let descriptor: FileDescriptor
    private var format: AudioFormat?
    private var dataBytes = 0
    private var failure: OutputError?

    init(path: String) throws(OutputError) {
        self.path = path
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .file(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
    }

    var fixedFormat: AudioFormat? { format }

    func open(_ requested: AudioFormat) throws(OutputError) -> AudioFormat {
        if let format { return format }
        format = requested
        try writeHeader()
        return requested
    }

    func writableBytes() throws(OutputError) -> Int {
        if let failure { throw failure }
        return 1 << 20
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        do {
            _ = try descriptor.writeAll(bytes)
            dataBytes += bytes.count
        } catch {
            failure = .file(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
            throw failure ?? .file(path: path, errno: EIO)
        }
    }

    func nextRoom() -> Duration? { .zero }
    func finishedPlaying() -> Bool { true }
    func setPaused(_ paused: Bool) {}
    func discardBuffered() {}
    func latency() -> Double { 0 }
    func setVolume(_ percent: Int) {}

    func close() {
        try? writeHeader()
        try? descriptor.close()
    }

    /// The 44-byte RIFF header, rewritten with the final sizes on close.
    private func writeHeader() throws(OutputError) {
        guard let format else { return }
        var header: [UInt8] = []
        func append32(_ value: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian) { header.append(contentsOf: $0) } }
        func append16(_ value: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: value).littleEndian) { header.append(contentsOf: $0) } }
        header.append(contentsOf: Array("RIFF".utf8))
        append32(36 + dataBytes)
        header.append(contentsOf: Array("WAVEfmt ".utf8))
        append32(16)
        append16(1)  // PCM
        append16(format.channels)
        append32(format.sampleRate)
        append32(format.sampleRate * format.bytesPerFrame)
        append16(format.bytesPerFrame)
        append16(16)
        header.append(contentsOf: Array("data".utf8))
        append32(dataBytes)
        do {
            _ = try header.withUnsafeBytes { try descriptor.writeAll(toAbsoluteOffset: 0, $0) }
            _ = try descriptor.seek(offset: 0, from: .end)
        } catch {
            throw .file(path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
    }
}

/// Plays nowhere, at the pace of a sound card with a 100 ms buffer, so positions and seeks behave
/// as they would with real output.
final class NullSink: AudioSink {
    private var format = AudioFormat(sampleRate: 44100, channels: 2)
    private var secondsWritten = 0.0
    /// Seconds "heard" as of `mark`; the clock runs from `mark` unless paused.
    private var secondsPlayed = 0.0
    private var mark: ContinuousClock.Instant?
    private var paused = false
    private let bufferSeconds = 0.1

    var fixedFormat: AudioFormat? { nil }

    func open(_ requested: AudioFormat) throws(OutputError) -> AudioFormat {
        format = requested
        return requested
    }

    /// Advances the simulated playback clock; an empty buffer stops it, as a sound card underruns.
    private func settle() {
        let now = ContinuousClock.now
        if let mark, !paused {
            let elapsed = now - mark
            secondsPlayed = min(secondsWritten, secondsPlayed + Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        mark = now
    }

    func writableBytes() throws(OutputError) -> Int {
        guard !paused else { return 0 }
        settle()
        let room = bufferSeconds - (secondsWritten - secondsPlayed)
        return max(0, Int(room * Double(format.sampleRate))) * format.bytesPerFrame
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        settle()
        secondsWritten += Double(bytes.count / format.bytesPerFrame) / Double(format.sampleRate)
    }

    func finishedPlaying() -> Bool { latency() <= 0 }

    /// When a quarter of the buffer will have played.
    func nextRoom() -> Duration? {
        .milliseconds(max(1, Int((latency() - bufferSeconds * 0.75) * 1000)))
    }

    func setPaused(_ paused: Bool) {
        settle()
        self.paused = paused
    }

    func discardBuffered() {
        settle()
        secondsWritten = secondsPlayed
    }

    func latency() -> Double {
        settle()
        return secondsWritten - secondsPlayed
    }

    func setVolume(_ percent: Int) {}
    func close() {}
}

enum SystemErrors {
    static func describe(_ errno: Int32) -> String { String(cString: strerror(errno)) }
}
