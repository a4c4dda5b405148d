/// What can go wrong with the cache. None of it stops the UI: without a cache it starts as it always did,
/// from the service.
public enum LibraryCacheError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The directory or file cannot be opened or written; `reason` is SQLite's or the system's.
    case unavailable(path: String, reason: String)
    /// The disk is full: caching stops, and what is cached stays as it was.
    case diskFull(path: String)
    /// A row or an item that does not read back.
    case unreadable(what: String, reason: String)

    public var description: String {
        switch self {
        case .unavailable(let path, let reason): "the library cache \(path) cannot be used: \(reason)"
        case .diskFull(let path): "the disk holding \(path) is full: the library is no longer cached"
        case .unreadable(let what, let reason): "\(what) in the library cache does not read back: \(reason)"
        }
    }
}
