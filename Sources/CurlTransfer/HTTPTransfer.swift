/// One HTTP request as libcurl will send it.
public struct TransferRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case head = "HEAD"
        case put = "PUT"
        case post = "POST"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    /// Where a request body comes from. Files are streamed, never read into memory whole.
    public enum Body: Sendable {
        case none
        case bytes([UInt8])
        case file(path: String)
    }

    public var method: Method
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Give up when connecting takes longer than this.
    public var connectTimeout: Duration
    /// Give up when no byte moves for this long (a stalled server), however long the whole transfer takes.
    public var stallTimeout: Duration
    public var followRedirects: Bool
    /// Ask for the body from this byte on (`Range: bytes=N-`; also honoured for file URLs).
    public var rangeStart: Int?
    /// The most of a body `perform` keeps in memory; a larger one ends the transfer with `.tooLarge`, so a
    /// broken or hostile server cannot fill the player's memory. Streams are not held to it.
    public var maximumBodyBytes: Int
    /// 64 MiB: far above any answer but a whole library's listing, which asks for more.
    public static let defaultMaximumBodyBytes = 64 << 20

    public init(
        _ method: Method = .get,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: Body = .none,
        connectTimeout: Duration = .seconds(5),
        stallTimeout: Duration = .seconds(30),
        followRedirects: Bool = true,
        rangeStart: Int? = nil,
        maximumBodyBytes: Int = TransferRequest.defaultMaximumBodyBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.stallTimeout = stallTimeout
        self.followRedirects = followRedirects
        self.rangeStart = rangeStart
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// A complete HTTP response. Header names are lower-cased.
public struct TransferResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var url: String

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], url: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }
}

/// Why a transfer produced no HTTP response.
public enum TransferError: Error, Hashable, Sendable, CustomStringConvertible {
    /// libcurl failed: couldn't connect, timed out, TLS, … `code` is the CURLcode.
    case curl(url: String, code: Int32, message: String)
    /// A file to upload could not be opened or read.
    case unreadableFile(path: String, errno: Int32)
    /// The caller's task was cancelled before the transfer finished.
    case cancelled(url: String)
    /// The session was shut down.
    case sessionClosed
    /// The body was larger than the request allowed (`TransferRequest.maximumBodyBytes`).
    case tooLarge(url: String, limit: Int)

    public var description: String {
        switch self {
        case .curl(let url, _, let message): "\(url): \(message)"
        case .unreadableFile(let path, let errno): "cannot read \(path): \(SystemErrorText.describe(errno))"
        case .cancelled(let url): "\(url): cancelled"
        case .sessionClosed: "the HTTP session was closed"
        case .tooLarge(let url, let limit): "\(url): the answer is larger than the \(limit >> 20) MiB allowed for it"
        }
    }

    /// True when nothing answered at all (refused, unresolvable, timed out connecting).
    public var isUnreachable: Bool {
        guard case .curl(_, let code, _) = self else { return false }
        return CurlCodes.unreachable.contains(code)
    }
}
