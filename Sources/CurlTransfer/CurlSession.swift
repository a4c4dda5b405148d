internal import CCurl
import OSThreads
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs HTTP transfers with libcurl's multi interface on one thread of its own.
///
/// Callers `await` a whole response, or receive a stream's bytes through a `StreamReceiver`; the blocking
/// work (`curl_multi_poll`, DNS, TLS) happens on the session's thread, never on a Swift concurrency
/// thread. Many transfers share the thread and its connection cache.
public final class CurlSession: Sendable {
    /// What a transfer delivers to, decided when it is submitted.
    enum Delivery: Sendable {
        case whole(CheckedContinuation<Result<TransferResponse, TransferError>, Never>)
        case stream(any StreamReceiver)
    }

    private struct Job: Sendable {
        let id: UInt64
        let request: TransferRequest
        let delivery: Delivery
    }

    private struct Inbox {
        var nextID: UInt64 = 0
        var submitted: [Job] = []
        var cancelled: Set<UInt64> = []
        var resumed: Set<UInt64> = []
        var closing = false
    }

    private let inbox = Mutex(Inbox())
    /// Only the session thread drives the multi handle; other threads only call the thread-safe
    /// `curl_multi_wakeup` on it.
    nonisolated(unsafe) private let multi: UnsafeMutableRawPointer

    public init(name: String = "termplayer-http") {
        _ = CurlGlobal.initialised
        guard let multi = curl_multi_init() else {
            preconditionFailure("curl_multi_init failed: libcurl could not allocate a multi handle")
        }
        self.multi = multi
        OSThread.detach(name: name) { [self] in self.run() }
    }

    /// Performs `request` and returns the whole response. HTTP error statuses are responses, not errors.
    public func perform(_ request: TransferRequest) async throws(TransferError) -> TransferResponse {
        let id = nextID()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if !submit(Job(id: id, request: request, delivery: .whole(continuation))) {
                    continuation.resume(returning: .failure(.sessionClosed))
                }
            }
        } onCancel: {
            cancel(id)
        }
        return try result.get()
    }

    /// Starts a transfer whose body goes to `receiver` as it arrives. The handle pauses, resumes and
    /// cancels it from any thread.
    public func stream(_ request: TransferRequest, to receiver: any StreamReceiver) -> StreamHandle {
        let id = nextID()
        if !submit(Job(id: id, request: request, delivery: .stream(receiver))) {
            receiver.transferDidFinish(.failure(.sessionClosed))
        }
        return StreamHandle(id: id, session: self)
    }

    /// Fails transfers still running and stops the thread.
    public func close() {
        inbox.withLock { $0.closing = true }
        curl_multi_wakeup(multi)
    }

    /// The linked libcurl, e.g. "libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13".
    public static var libraryVersion: String { String(cString: curl_version()) }

    // MARK: Requests from other threads

    private func nextID() -> UInt64 {
        inbox.withLock { inbox in
            inbox.nextID += 1
            return inbox.nextID
        }
    }

    private func submit(_ job: Job) -> Bool {
        let accepted = inbox.withLock { inbox in
            guard !inbox.closing else { return false }
            inbox.submitted.append(job)
            return true
        }
        if accepted { curl_multi_wakeup(multi) }
        return accepted
    }

    func cancel(_ id: UInt64) {
        inbox.withLock { _ = $0.cancelled.insert(id) }
        curl_multi_wakeup(multi)
    }

    func resume(_ id: UInt64) {
        inbox.withLock { _ = $0.resumed.insert(id) }
        curl_multi_wakeup(multi)
    }

    // MARK: The session thread

    private func run() {
        var active: [Int: (id: UInt64, transfer: EasyTransfer)] = [:]
        while true {
            let (jobs, cancelled, resumed, closing) = inbox.withLock { inbox in
                defer {
                    inbox.submitted.removeAll()
                    inbox.cancelled.removeAll()
                    inbox.resumed.removeAll()
                }
                return (inbox.submitted, inbox.cancelled, inbox.resumed, inbox.closing)
            }
            for job in jobs {
                if cancelled.contains(job.id) {
                    EasyTransfer.fail(job.delivery, with: .cancelled(url: job.request.url))
                    continue
                }
                do {
                    let transfer = try EasyTransfer(request: job.request, delivery: job.delivery)
                    curl_multi_add_handle(multi, transfer.easy)
                    active[Int(bitPattern: transfer.easy)] = (job.id, transfer)
                } catch {
                    EasyTransfer.fail(job.delivery, with: error)
                }
            }
            for (key, entry) in active where closing || cancelled.contains(entry.id) {
                curl_multi_remove_handle(multi, entry.transfer.easy)
                entry.transfer.finish(.failure(closing ? .sessionClosed : .cancelled(url: entry.transfer.url)))
                active[key] = nil
            }
            if closing { break }
            for entry in active.values where resumed.contains(entry.id) {
                entry.transfer.unpause()
            }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result
                curl_multi_remove_handle(multi, easy)
                active.removeValue(forKey: Int(bitPattern: easy))?.transfer.complete(code)
            }
            // Sleeps until a socket is ready, a timer is due or `curl_multi_wakeup` is called.
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        curl_multi_cleanup(multi)
    }
}

/// What a streaming transfer's receiver says about a piece of the body.
public enum StreamDisposition: Sendable {
    /// Taken; send more.
    case accepted
    /// Not taken: no room. Hold it and pause until `StreamHandle.resume()`.
    case pause
    /// Not taken: end the transfer (it fails as aborted).
    case abort
}

/// Receives a streaming transfer's events on the session thread. Implementations must not block.
public protocol StreamReceiver: AnyObject, Sendable {
    /// The final response's status and headers (after redirects), before the first body byte.
    func transferDidReceiveHead(status: Int, headers: [(name: String, value: String)])
    /// A piece of the body: take all of it, or none (`.pause`, `.abort`).
    func transferDidReceive(_ bytes: UnsafeRawBufferPointer) -> StreamDisposition
    /// The end: success means the server sent the whole body it announced.
    func transferDidFinish(_ result: Result<Void, TransferError>)
}

/// Controls one streaming transfer from any thread.
public struct StreamHandle: Sendable {
    let id: UInt64
    let session: CurlSession

    /// Continues a transfer paused by `.pause`.
    public func resume() { session.resume(id) }

    /// Ends the transfer; its receiver hears `.cancelled`.
    public func cancel() { session.cancel(id) }
}

/// libcurl's process-wide set-up, done once before the first handle (it is not thread-safe itself).
enum CurlGlobal {
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}

enum CurlCodes {
    static let unreachable: Set<Int32> = [
        Int32(CURLE_COULDNT_RESOLVE_HOST.rawValue),
        Int32(CURLE_COULDNT_CONNECT.rawValue),
        Int32(CURLE_OPERATION_TIMEDOUT.rawValue),
    ]
}

enum SystemErrorText {
    static func describe(_ errno: Int32) -> String { String(cString: strerror(errno)) }
}
