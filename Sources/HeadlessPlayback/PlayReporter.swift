public import CurlTransfer
import OSThreads
public import PlayerCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reports plays of library songs to the service's `POST /plays`, from the small `termplayer-play`
/// process: JSON written by hand, since Foundation is not linked here.
public final class PlayReporter: Sendable {
    /// The service's base URL, without a trailing slash.
    public let server: String
    private let token: String?
    private let session: CurlSession
    private let pending = Mutex(0)
    private let settled = WakeupSignal()

    public init(server: String, token: String?, session: CurlSession) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
        self.session = session
    }

    /// Sends one play in the background. Tracks that are not library songs (a URL or a file played
    /// directly: their id is their URL) have nothing to report.
    public func report(_ play: PlayTracker.Play) {
        guard play.track.id != play.track.url else { return }
        var headers = [("Content-Type", "application/json"), ("User-Agent", "termplayer-play")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let request = TransferRequest(
            .post, url: server + "/plays", headers: headers, body: .bytes(Array(Self.json(play).utf8)), connectTimeout: .seconds(2),
            stallTimeout: .seconds(5))
        pending.withLock { $0 += 1 }
        Task { [self] in
            // A retry is safe: the service stores a play once however often it arrives.
            for attempt in 0..<2 {
                if let response = try? await session.perform(request), response.status < 500 { break }
                if attempt == 0 { try? await Task.sleep(for: .milliseconds(300)) }
            }
            pending.withLock { $0 -= 1 }
            settled.signal()
        }
    }

    /// Waits at most `timeout` for the reports still on their way (the program is ending).
    public func waitForPending(timeout: Duration) {
        let deadline = ContinuousClock.now + timeout
        while pending.withLock({ $0 }) > 0 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            _ = settled.wait(timeout: left)
        }
    }

    static func json(_ play: PlayTracker.Play) -> String {
        let seconds = (play.playedSeconds * 1000).rounded() / 1000
        return #"{"song":"\#(escaped(play.track.id))","startedAt":"\#(isoTime(play.startedAt))","playedSeconds":\#(seconds),"client":"termplayer-play"}"#
    }

    /// JSON string escaping for the few characters that need it.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20: result += "\\u00" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Seconds since 1970 as `2026-12-01T21:15:38.250Z`.
    static func isoTime(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let milliseconds = Int(((seconds - seconds.rounded(.down)) * 1000).rounded(.down))
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
            + ".\(String(milliseconds).leftPadded(to: 3))Z"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
