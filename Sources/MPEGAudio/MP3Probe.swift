internal import CMpg123
#if canImport(Glibc)
import Glibc
#endif
public import SystemPackage

/// What ingest and `termplayer import` learn from an MP3 without decoding it.
public struct MP3Info: Hashable, Sendable {
    /// Seconds, from the exact number of samples (after a frame scan, not an estimate from the bitrate).
    public var duration: Double
    public var sampleRate: Int
    public var channels: Int
    /// Average bitrate over the audio, kbit/s.
    public var bitrate: Int
    public var frames: Int
    /// MPEG audio layer: 3 for MP3 (layer 1 and 2 files decode too).
    public var layer: Int
    public var fileSize: Int
    public var tags: ID3Tags
}

/// Reads an MP3's format, exact length and tags with libmpg123.
public enum MP3Probe {
    /// Probes the file at `path`. Pictures are kept only when `includePictures` is set (for import).
    public static func probe(fileAt path: FilePath, includePictures: Bool = false) throws(MPEGAudioError) -> MP3Info {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch {
            throw .unreadable(path: path.string, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        defer { try? descriptor.close() }

        let header: [UInt8]
        let fileSize: Int
        do {
            header = try [UInt8](unsafeUninitializedCapacity: 16) { buffer, count in
                count = try descriptor.read(fromAbsoluteOffset: 0, into: UnsafeMutableRawBufferPointer(buffer))
            }
            fileSize = Int(try descriptor.seek(offset: 0, from: .end))
            _ = try descriptor.seek(offset: 0, from: .start)
        } catch {
            throw .unreadable(path: path.string, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        if let lookalike = FormatSniffer.lookalike(of: header) {
            throw .notMPEGAudio(lookalike: lookalike)
        }

        var flags = MPG123_NO_RESYNC.rawValue
        if includePictures { flags |= MPG123_PICTURE.rawValue }
        let handle = try MPG123Handle(flags: flags)
        try handle.check(mpg123_open_fd(handle.raw, descriptor.rawValue), "mpg123_open_fd")

        // The first frame decides the format; failing to find one means this is not MPEG audio at all.
        var rate = 0
        var channels: Int32 = 0
        var encoding: Int32 = 0
        guard mpg123_getformat(handle.raw, &rate, &channels, &encoding) == MPG123_OK.rawValue else {
            throw .notMPEGAudio(lookalike: nil)
        }
        // A Xing/LAME header already gives the exact length; without one, count every frame header.
        var accurate = 0
        _ = mpg123_getstate2(handle.raw, Int32(MPG123_ACCURATE.rawValue), &accurate, nil)
        if accurate == 0 {
            try handle.check(mpg123_scan(handle.raw), "mpg123_scan")
        }
        let samples = mpg123_length(handle.raw)
        let frames = mpg123_framelength(handle.raw)
        guard samples > 0, frames > 0, rate > 0 else { throw .noAudio }

        var frameInfo = mpg123_frameinfo2()
        try handle.check(mpg123_info2(handle.raw, &frameInfo), "mpg123_info")

        let duration = Double(samples) / Double(rate)
        let tags = ID3Tags(handle: handle)
        let audioBytes = max(0, fileSize - id3v2Size(header) - (tags.hasVersion1 ? 128 : 0))
        let averageBitrate =
            frameInfo.vbr == MPG123_CBR.rawValue && frameInfo.bitrate > 0
            ? Int(frameInfo.bitrate)
            : Int((Double(audioBytes) * 8 / duration / 1000).rounded())
        return MP3Info(
            duration: duration,
            sampleRate: rate,
            channels: Int(channels),
            bitrate: averageBitrate,
            frames: Int(frames),
            layer: Int(frameInfo.layer),
            fileSize: fileSize,
            tags: tags
        )
    }

    /// The size of a leading ID3v2 tag, from its ten-byte header (size is four 7-bit "syncsafe" bytes).
    static func id3v2Size(_ header: [UInt8]) -> Int {
        guard header.count >= 10, header.starts(with: Array("ID3".utf8)) else { return 0 }
        let size = header[6..<10].reduce(0) { ($0 << 7) | Int($1 & 0x7F) }
        let hasFooter = header[5] & 0x10 != 0
        return 10 + size + (hasFooter ? 10 : 0)
    }

    /// Versions of the linked library, for `termplayer version`.
    public static var libraryDescription: String { "libmpg123 (API \(MPG123Handle.apiVersion))" }
}
