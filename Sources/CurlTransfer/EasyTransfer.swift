internal import CCurl
#if canImport(Glibc)
import Glibc
#endif

/// One libcurl easy handle and everything its callbacks touch. Lives on the session thread only.
final class EasyTransfer {
    let easy: UnsafeMutableRawPointer
    let url: String
    private let delivery: CurlSession.Delivery
    /// Streaming: whether the receiver has heard the response head yet, and whether libcurl is paused.
    private var announcedHead = false
    private var paused = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var upload: UploadSource?
    private var responseHeaders: [(name: String, value: String)] = []
    private var responseBody: [UInt8] = []
    /// A body kept in memory stops here (`TransferRequest.maximumBodyBytes`); streams are the receiver's to bound.
    private let maximumBodyBytes: Int
    private var bodyTooLarge = false
    private var finished = false

    init(request: TransferRequest, delivery: CurlSession.Delivery) throws(TransferError) {
        guard let easy = curl_easy_init() else {
            throw .curl(url: request.url, code: Int32(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.easy = easy
        self.url = request.url
        self.delivery = delivery
        self.maximumBodyBytes = request.maximumBodyBytes
        errorBuffer.initialize(to: 0)
        // On failure, deinit (which runs for a fully initialised object) releases the handle.
        try configure(for: request)
    }

    deinit {
        cleanUp()
        errorBuffer.deallocate()
    }

    private func cleanUp() {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        upload?.close()
        upload = nil
        curl_easy_cleanup(easy)
    }

    // MARK: Options

    private func configure(for request: TransferRequest) throws(TransferError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        tp_curl_easy_setopt_string(easy, CURLOPT_URL, request.url)
        tp_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)  // signals and threads do not mix
        tp_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        tp_curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        tp_curl_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 10)
        tp_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds)
        // A stall, not a slow long transfer, is what should end a request: under 1 byte/s for this long.
        tp_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_LIMIT, 1)
        tp_curl_easy_setopt_long(easy, CURLOPT_LOW_SPEED_TIME, max(1, request.stallTimeout.milliseconds / 1000))
        if let start = request.rangeStart, start > 0 {
            tp_curl_easy_setopt_string(easy, CURLOPT_RANGE, "\(start)-")
        }

        tp_curl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, bodyCallback)
        tp_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        tp_curl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, headerCallback)
        tp_curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context)

        var headers = request.headers.map { "\($0.name): \($0.value)" }
        switch request.method {
        case .get:
            break
        case .head:
            tp_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        case .delete:
            tp_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, "DELETE")
        case .put, .post, .patch:
            let source = try UploadSource(body: request.body)
            upload = source
            if request.method == .patch {
                // A POST's body handling, under PATCH's name.
                tp_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, "PATCH")
            }
            if request.method == .put {
                tp_curl_easy_setopt_long(easy, CURLOPT_UPLOAD, 1)
                tp_curl_easy_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(source.size))
            } else {
                tp_curl_easy_setopt_long(easy, CURLOPT_POST, 1)
                tp_curl_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(source.size))
            }
            tp_curl_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION, uploadCallback)
            tp_curl_easy_setopt_pointer(easy, CURLOPT_READDATA, context)
            // libcurl waits up to a second for "100 Continue" on big bodies; the service never asks for one.
            headers.append("Expect:")
        }
        for header in headers {
            headerList = curl_slist_append(headerList, header)
        }
        if let headerList { tp_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList) }
    }

    // MARK: Completion

    /// Called by the session when libcurl reports the transfer done.
    func complete(_ code: CURLcode) {
        if let failure = upload?.failure {
            finish(.failure(failure))
            return
        }
        if bodyTooLarge {
            finish(.failure(.tooLarge(url: url, limit: maximumBodyBytes)))
            return
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            finish(.failure(.curl(url: url, code: Int32(code.rawValue), message: message)))
            return
        }
        let status = responseStatus
        var effective: UnsafeMutableRawPointer?
        tp_curl_easy_getinfo_pointer(easy, CURLINFO_EFFECTIVE_URL, &effective)
        let answeredURL = effective.map { String(cString: $0.assumingMemoryBound(to: CChar.self)) } ?? url
        announceHeadIfNeeded()
        finish(.success(TransferResponse(status: status, headers: responseHeaders, body: responseBody, url: answeredURL)))
    }

    func finish(_ result: Result<TransferResponse, TransferError>) {
        guard !finished else { return }
        finished = true
        switch delivery {
        case .whole(let continuation): continuation.resume(returning: result)
        case .stream(let receiver): receiver.transferDidFinish(result.map { _ in () })
        }
    }

    /// Reports a transfer that never started.
    static func fail(_ delivery: CurlSession.Delivery, with error: TransferError) {
        switch delivery {
        case .whole(let continuation): continuation.resume(returning: .failure(error))
        case .stream(let receiver): receiver.transferDidFinish(.failure(error))
        }
    }

    /// Continues a paused stream; libcurl may deliver the held bytes at once, from inside this call.
    func unpause() {
        guard paused else { return }
        paused = false
        curl_easy_pause(easy, CURLPAUSE_CONT)
    }

    private var responseStatus: Int {
        var status = 0
        tp_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    private func announceHeadIfNeeded() {
        guard case .stream(let receiver) = delivery, !announcedHead else { return }
        announcedHead = true
        receiver.transferDidReceiveHead(status: responseStatus, headers: responseHeaders)
    }

    // MARK: Callback bodies

    /// Returns how many bytes were taken, or libcurl's pause value.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard case .stream(let receiver) = delivery else {
            guard bytes.count <= maximumBodyBytes - responseBody.count else {
                // Taking fewer bytes than offered makes libcurl end the transfer with a write error.
                bodyTooLarge = true
                return 0
            }
            responseBody.append(contentsOf: bytes)
            return bytes.count
        }
        announceHeadIfNeeded()
        switch receiver.transferDidReceive(bytes) {
        case .accepted:
            return bytes.count
        case .pause:
            paused = true
            return tp_curl_writefunc_pause()
        case .abort:
            return 0
        }
    }

    /// Header lines arrive one per call; a new status line (after a redirect or a 100) starts afresh.
    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self).trimmingHeaderWhitespace()
        if line.hasPrefix("HTTP/") {
            responseHeaders.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingHeaderWhitespace()
        responseHeaders.append((name, value))
    }

    fileprivate func fillUpload(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        upload?.read(into: buffer) ?? 0
    }

    fileprivate static func from(_ context: UnsafeMutableRawPointer?) -> EasyTransfer? {
        context.map { Unmanaged<EasyTransfer>.fromOpaque($0).takeUnretainedValue() }
    }
}

// MARK: C callbacks (no captures: the transfer arrives as the user-data pointer)

private let bodyCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let transfer = EasyTransfer.from(context) else { return 0 }
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    guard let transfer = EasyTransfer.from(context) else { return 0 }
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private let uploadCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    buffer, size, count, context in
    guard let transfer = EasyTransfer.from(context) else { return tp_curl_readfunc_abort() }
    let filled = transfer.fillUpload(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
    return filled < 0 ? tp_curl_readfunc_abort() : filled
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

extension StringProtocol {
    /// Without the spaces, tabs and line ends HTTP allows around a header line and its value.
    fileprivate func trimmingHeaderWhitespace() -> String {
        let isWhitespace = { (character: Character) in character == " " || character == "\t" || character.isNewline }
        guard let first = firstIndex(where: { !isWhitespace($0) }), let last = lastIndex(where: { !isWhitespace($0) }) else { return "" }
        return String(self[first...last])
    }
}
