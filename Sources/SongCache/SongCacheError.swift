public import CurlTransfer
#if canImport(Glibc)
import Glibc
#endif

/// Why the song cache could not do what was asked. Each case carries what a person needs to read the
/// failure: the path and errno, SQLite's message, the URL and status.
public enum SongCacheError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The cache's folder could not be made or used.
    case unusableDirectory(path: String, errno: Int32)
    /// The disk (or the user's quota) is full: the partial file was removed and nothing cached was lost.
    /// The UI says "stopped caching: disk full" and stops asking until there is room.
    case diskFull(path: String, errno: Int32)
    /// The song does not fit even with every unpinned song evicted; nothing was evicted for it.
    case tooLarge(songID: String, bytes: Int, room: Int)
    /// Reading or writing one of the cache's files failed for another reason than a full disk.
    case file(operation: String, path: String, errno: Int32)
    /// The index database failed (SQLite's extended code and message).
    case index(path: String, code: Int32, message: String)
    /// The service answered the download with an error status.
    case http(url: String, status: Int)
    /// The download produced no response (unreachable, timed out, cancelled).
    case transfer(TransferError)
    /// The response ended before the length it announced.
    case incomplete(url: String, expected: Int, received: Int)

    public var description: String {
        switch self {
        case .unusableDirectory(let path, let errno): "cannot use the song cache folder \(path): \(Self.text(errno))"
        case .diskFull(let path, let errno): "stopped caching: disk full (\(path): \(Self.text(errno)))"
        case .tooLarge(let songID, let bytes, let room):
            "song \(songID) (\(bytes) bytes) does not fit in the song cache: \(room) bytes are free of pinned songs"
        case .file(let operation, let path, let errno): "cannot \(operation) \(path): \(Self.text(errno))"
        case .index(let path, let code, let message): "song cache index \(path): \(message) (SQLite \(code))"
        case .http(let url, let status): "\(url): HTTP \(status)"
        case .transfer(let error): error.description
        case .incomplete(let url, let expected, let received): "\(url): ended after \(received) of \(expected) bytes"
        }
    }

    /// True when nothing answered at all, so the caller can treat the service as offline.
    public var isUnreachable: Bool {
        if case .transfer(let error) = self { return error.isUnreachable }
        return false
    }

    static func text(_ errno: Int32) -> String { String(cString: strerror(errno)) }

    /// A failed write: ENOSPC and EDQUOT are the full disk the UI tells apart.
    static func writing(_ path: String, errno: Int32) -> SongCacheError {
        errno == ENOSPC || errno == EDQUOT ? .diskFull(path: path, errno: errno) : .file(operation: "write", path: path, errno: errno)
    }
}
