/// What went wrong reading MPEG audio, with libmpg123's own words where it had some.
public enum MPEGAudioError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A libmpg123 call failed; `code` is its error number.
    case library(operation: String, code: Int32, message: String)
    /// The file could not be opened or read.
    case unreadable(path: String, errno: Int32)
    /// The bytes are not MPEG audio; `lookalike` names what they seem to be instead, if anything.
    case notMPEGAudio(lookalike: String?)
    /// MPEG frames were found but too few to be a song.
    case noAudio

    public var description: String {
        switch self {
        case .library(let operation, let code, let message):
            "libmpg123: \(message) (\(operation), code \(code))"
        case .unreadable(let path, let errno):
            "cannot read \(path): \(String(cString: strerror(errno)))"
        case .notMPEGAudio(let lookalike?):
            "not an MP3: the file looks like \(lookalike)"
        case .notMPEGAudio(nil):
            "not an MP3: no MPEG audio frames were found"
        case .noAudio:
            "the MP3 holds no audio (no complete MPEG frame)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
